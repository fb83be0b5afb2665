// The free-places rule, once for TypeScript. SQL has the same rule as the function `free_places(...)`
// (migration 1763900013000), used by every query and by the hold function; test/integration/rules.spec.ts
// checks that both agree.

export interface PlaceNumbers {
  total: number;
  occupied: number;
  outOfService: number;
  held: number;
}

/** Beds that may be offered now: what is neither occupied, out of service nor held; never negative. */
export const freeOf = (p: PlaceNumbers): number => Math.max(0, p.total - p.occupied - p.outOfService - p.held);
