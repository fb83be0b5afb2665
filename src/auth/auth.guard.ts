import { CanActivate, ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden } from '../domain/errors.js';
import { IS_PUBLIC, ROLES_KEY } from './auth.decorators.js';
import { DENIALS, routeOf, type DenialRecorder } from './denials.js';
import type { Principal, Role } from './principal.js';
import { Authenticator } from './authenticator.js';

type Req = { headers: Record<string, string | undefined>; user?: Principal; method: string; routeOptions?: { url?: string } };

/**
 * Global: every route needs a caller unless marked @Public (a bearer token, local or the
 * provider's, or the pages' session cookie, all turned into the same principal), and a listed role.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: Authenticator,
    @Optional() @Inject(DENIALS) private readonly denials?: DenialRecorder,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Req>();
    const caller = await this.auth.identify(req);
    req.user = caller.principal;
    this.auth.requireCsrf(req, caller);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    // a route without @Roles is a mistake; refuse rather than open it to everyone
    if (!roles || !roles.includes(req.user.role)) {
      await this.denials?.denied(req.user, routeOf(req), 'forbidden').catch(() => this.logger.error('could not audit a denial'));
      throw forbidden();
    }
    return true;
  }
}
