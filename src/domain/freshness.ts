import type { Freshness } from './types.js';

/** unknown: never reported ("call first", never "free"); stale: not confirmed within the threshold. */
export function freshnessOf(confirmedAt: Date | null, now: Date, staleAfterHours: number): Freshness {
  if (!confirmedAt) return 'unknown';
  return now.getTime() - confirmedAt.getTime() > staleAfterHours * 3_600_000 ? 'stale' : 'fresh';
}
