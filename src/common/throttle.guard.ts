import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainError } from './errors/domain-error.js';
import { trackerOf } from './http-hardening.js';

const WINDOW_MS = 60_000;

/**
 * A fixed one-minute window per token (or per address without one), so one operator or script
 * cannot starve the others. In memory, per instance: behind N instances the ceiling is N times
 * the limit. (@nestjs/throttler is CommonJS and cannot load NestJS 12 under Jest on Node 20.)
 */
@Injectable()
export class TokenThrottlerGuard implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, unknown>; ip?: string }>();
    const now = Date.now();
    const key = trackerOf(req);
    let w = this.windows.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      if (this.windows.size > 50_000) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (++w.count > this.config.rateLimitPerMinute) throw new DomainError(429, 'too_many_requests', 'too many requests; retry in a minute');
    return true;
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(k);
  }
}
