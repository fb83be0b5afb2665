import { Module } from '@nestjs/common';
import { TokenService } from './token.service.js';

/** Token verification. The guard itself is registered by the application module, which also wires the audit of denials. */
@Module({ providers: [TokenService], exports: [TokenService] })
export class AuthModule {}
