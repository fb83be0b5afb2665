import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, unauthorized } from '../common/errors/domain-error.js';
import { IS_PUBLIC, ROLES_KEY } from './auth.decorators.js';
import type { Principal, Role } from './principal.js';
import { TokenService } from './token.service.js';

/** Global: every route needs a valid bearer token unless marked @Public, and a listed role. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: Principal }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
    if (!match) throw unauthorized();
    req.user = this.tokens.verify(match[1]);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    // a route without @Roles is a mistake; refuse rather than open it to everyone
    if (!roles || !roles.includes(req.user.role)) throw forbidden();
    return true;
  }
}
