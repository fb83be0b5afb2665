import type { Freshness } from './types.js';

// The freshness rule, once for TypeScript. SQL has the same rule as the function `freshness(...)`
// (migration 1763900013000); test/integration/rules.spec.ts checks that both agree.

const HOUR_MS = 3_600_000;

/** Confirmed before this instant: stale (a threshold of `hours`, counted back from `now`). */
export const staleCutoff = (now: Date, hours: number): Date => new Date(now.getTime() - hours * HOUR_MS);

/** unknown: never reported ("call first", never "free"); stale: not confirmed within the threshold. */
export function freshnessOf(confirmedAt: Date | null, now: Date, staleAfterHours: number): Freshness {
  if (!confirmedAt) return 'unknown';
  return confirmedAt.getTime() < staleCutoff(now, staleAfterHours).getTime() ? 'stale' : 'fresh';
}

/** The last instant a confirmation made at `confirmedAt` (ms) is still fresh. */
export const freshUntil = (confirmedAtMs: number, staleAfterHours: number): number => confirmedAtMs + staleAfterHours * HOUR_MS;
