import type { PlaceRecord } from './facility.record.js';
import type { PlaceNumbers } from './place-events.repository.js';

export const numbersOf = (p: Pick<PlaceRecord, 'total' | 'occupied' | 'outOfService' | 'held'> | undefined): PlaceNumbers => ({
  total: p?.total ?? 0,
  occupied: p?.occupied ?? 0,
  outOfService: p?.outOfService ?? 0,
  held: p?.held ?? 0,
});

export const deltaOf = (before: PlaceNumbers, after: PlaceNumbers): PlaceNumbers => ({
  total: after.total - before.total,
  occupied: after.occupied - before.occupied,
  outOfService: after.outOfService - before.outOfService,
  held: after.held - before.held,
});

export const isZero = (d: PlaceNumbers) => !d.total && !d.occupied && !d.outOfService && !d.held;

/** Folds deltas from zero: the replay that must equal the live numbers. */
export function replay(events: { kind: string | null; delta: PlaceNumbers | null }[]): Map<string, PlaceNumbers> {
  const out = new Map<string, PlaceNumbers>();
  for (const e of events) {
    if (!e.kind || !e.delta) continue;
    const cur = out.get(e.kind) ?? numbersOf(undefined);
    out.set(e.kind, {
      total: cur.total + e.delta.total,
      occupied: cur.occupied + e.delta.occupied,
      outOfService: cur.outOfService + e.delta.outOfService,
      held: cur.held + e.delta.held,
    });
  }
  return out;
}
