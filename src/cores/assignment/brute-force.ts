// Exhaustive optimum for tiny instances; used only by the specs as an oracle. It re-derives the
// admissible (request, facility, kind) choices itself instead of reusing the solver's option table.
import type { FacilitySnapshot, PlaceKind } from '../../domain/types.js';
import { checkHardConstraints } from '../matching/hard-constraints.js';
import { neededPlaceKinds } from '../matching/place-kind.js';
import { scoreCandidate } from '../matching/scoring.js';
import type { AssignmentInput } from './assignment.types.js';

export interface BruteForceOptimum {
  placed: number;
  /** total score in integer cents */
  cents: number;
  /** one optimal plan: request id → facility id and kind */
  plan: { requestId: string; facilityId: string; placeKind: PlaceKind }[];
}

interface Choice {
  facility: FacilitySnapshot;
  kind: PlaceKind;
  cents: number;
}

/** Tries every combination (each request: one admissible (facility, kind), or none). Exponential:
 * keep it to a handful of requests and facilities. */
export function bruteForceOptimum(input: AssignmentInput): BruteForceOptimum {
  const { requests, facilities, weights } = input;
  const choices: Choice[][] = requests.map((r) => {
    const out: Choice[] = [];
    for (const f of facilities) {
      const check = checkHardConstraints(r.match, f);
      if (!check.ok) continue;
      for (const kind of neededPlaceKinds(r.match.person)) {
        const children = r.match.person.children.length;
        const free = capacity(f, kind, children);
        if (free <= 0) continue;
        const { score } = scoreCandidate(r.match, f, kind, check.distanceKm, weights);
        out.push({ facility: f, kind, cents: Math.round(score * 100) });
      }
    }
    return out;
  });

  const used = new Map<string, number>(); // facility id + kind → places taken
  const tagsAt = new Map<string, string[]>(); // facility id → tags of the requests placed there
  const current: (Choice | null)[] = requests.map(() => null);
  let best: BruteForceOptimum = { placed: 0, cents: 0, plan: [] };

  const visit = (i: number, placed: number, cents: number): void => {
    if (i === requests.length) {
      if (placed > best.placed || (placed === best.placed && cents > best.cents)) {
        best = {
          placed,
          cents,
          plan: current.flatMap((c, k) => (c ? [{ requestId: requests[k].id, facilityId: c.facility.id, placeKind: c.kind }] : [])),
        };
      }
      return;
    }
    visit(i + 1, placed, cents); // request i left out
    const tags = requests[i].match.safety.conflictTags;
    const children = requests[i].match.person.children.length;
    for (const c of choices[i]) {
      const key = `${c.facility.id}\u0000${c.kind}`;
      if ((used.get(key) ?? 0) >= capacity(c.facility, c.kind, children)) continue;
      const there = tagsAt.get(c.facility.id) ?? [];
      if (tags.some((t) => there.includes(t))) continue;
      used.set(key, (used.get(key) ?? 0) + 1);
      tagsAt.set(c.facility.id, [...there, ...tags]);
      current[i] = c;
      visit(i + 1, placed + 1, cents + c.cents);
      current[i] = null;
      tagsAt.set(c.facility.id, there);
      used.set(key, used.get(key)! - 1);
    }
  };
  visit(0, 0, 0);
  return best;
}

/** Free places of a kind that can take this person (a family needs units with enough child capacity).
 * Counts per (facility, kind): exact when a facility has one entry per kind, as the service models it. */
function capacity(f: FacilitySnapshot, kind: PlaceKind, children: number): number {
  return f.places
    .filter((p) => p.kind === kind && (kind !== 'mother_child' || children === 0 || (p.childCapacity ?? 0) >= children))
    .reduce((s, p) => s + Math.max(0, Math.floor(p.free)), 0);
}
