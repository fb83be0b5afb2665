import { Module } from '@nestjs/common';
import { ProviderClient } from './provider-client.js';
import { TokenService } from './token.service.js';

/**
 * Token verification and the identity provider's client. The guard and the Authenticator (which
 * also need the members registry, a higher layer) are registered by the application module.
 */
@Module({ providers: [TokenService, ProviderClient], exports: [TokenService, ProviderClient] })
export class AuthModule {}
