import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { routeOf } from '../auth/denials.js';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../domain/errors.js';
import { AuditService } from './audit.service.js';

/**
 * Audits the refusals a service decides (the access policy's `forbidden`), once the handler has failed:
 * its transaction is rolled back by then, the audit row is written on its own. Refusals by role are
 * audited by the guard, which runs before any interceptor.
 */
@Injectable()
export class DenialAuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(private readonly audit: AuditService) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        const req = ctx.switchToHttp().getRequest<{ user?: Principal; method: string; routeOptions?: { url?: string } }>();
        if (!(e instanceof DomainError && e.kind === 'forbidden' && req.user)) return throwError(() => e);
        const written = this.audit.denied(req.user, routeOf(req), e.code).catch(() => this.logger.error('could not audit a denial'));
        return from(written).pipe(mergeMap(() => throwError(() => e)));
      }),
    );
  }
}
