import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, Role } from './principal.js';

export const IS_PUBLIC = 'approdo:public';
export const ROLES_KEY = 'approdo:roles';

/** No token needed (health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Roles allowed on a route; object scope is checked by the service (404 outside scope). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ user: Principal }>().user;
});
