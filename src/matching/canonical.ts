import { PROVINCES, REGIONS } from '../regions/regions.data.js';
import {
  EXPLOITATION_TYPES,
  FACILITY_TYPES,
  GENDERS,
  LEGAL_STATUSES,
  PLACE_KINDS,
  PROTECTION_LEVELS,
  SERVICES,
  STAGES,
  SUPPORTS,
} from '../domain/types.js';

/** Language codes are free (validated) input: the pool keeps at most this many of them. */
const MAX_POOLED = 5_000;

const POOL = new Map<string, string>(
  [
    ...GENDERS,
    ...PLACE_KINDS,
    ...PROTECTION_LEVELS,
    ...FACILITY_TYPES,
    ...STAGES,
    ...EXPLOITATION_TYPES,
    ...SUPPORTS,
    ...SERVICES,
    ...LEGAL_STATUSES,
    ...REGIONS.map((r) => r.code),
    ...PROVINCES.map((p) => p.code),
  ].map((s) => [s, s]),
);

/**
 * One string object per code. Strings the driver or JSON parsing produce are fresh objects each
 * time: comparing or hashing them means reading scattered memory, which made judging a network of
 * 10,000 facilities several times slower. The pooled ones are few, hot in cache and equal by
 * identity.
 */
export function canonical<T extends string>(s: T): T {
  const pooled = POOL.get(s);
  if (pooled !== undefined) return pooled as T;
  if (POOL.size < MAX_POOLED) POOL.set(s, s);
  return s;
}

export const canonicalAll = <T extends string>(xs: readonly T[]): T[] => xs.map(canonical);
