import fc from 'fast-check';
import { EXCLUSION_REASONS } from '../../domain/types.js';
import { checkHardConstraints, firstFailure, primaryReason } from './hard-constraints.js';
import { rankCandidates } from './rank.js';
import { arbNetwork, arbRequest } from '../../../test/support/core-arbitraries.js';
import { TEST_WEIGHTS } from '../../../test/support/core-factories.js';
import { violations } from '../../../test/support/core-oracle.js';

const round2 = (x: number): number => Math.round(x * 100) / 100;
const rank = (r: string): number => EXCLUSION_REASONS.indexOf(r as never);
const RUNS = { numRuns: 200, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) };

describe('rankCandidates properties', () => {
  it('(a) candidates violate no hard constraint, and every admissible facility is a candidate', () => {
    let runsWithSeveral = 0; // guards against generators drifting into "everything excluded"
    fc.assert(
      fc.property(arbRequest, arbNetwork, (req, network) => {
        const { candidates } = rankCandidates(req, network, TEST_WEIGHTS);
        if (candidates.length > 1) runsWithSeveral++;
        const byId = new Map(network.map((f) => [f.id, f]));
        for (const c of candidates) expect(violations(req, byId.get(c.facilityId)!, c.placeKind)).toEqual([]);
        const admissible = network.filter((f) => violations(req, f, null).length === 0).map((f) => f.id);
        expect(candidates.map((c) => c.facilityId).sort()).toEqual(admissible.sort());
      }),
      RUNS,
    );
    expect(runsWithSeveral).toBeGreaterThan(RUNS.numRuns / 10);
  });

  it('(b) breakdown points sum to the score, 0 <= score <= 100, points within [0, max]', () => {
    fc.assert(
      fc.property(arbRequest, arbNetwork, (req, network) => {
        for (const c of rankCandidates(req, network, TEST_WEIGHTS).candidates) {
          expect(round2(c.breakdown.reduce((s, b) => s + b.points, 0))).toBe(c.score);
          expect(c.score).toBeGreaterThanOrEqual(0);
          expect(c.score).toBeLessThanOrEqual(100);
          for (const b of c.breakdown) expect(b.points >= 0 && b.points <= b.max).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('(c) the ranking does not depend on the input order, and is sorted by the tie-break keys', () => {
    const fresh = { fresh: 0, stale: 1, unknown: 2 };
    const arb = arbNetwork.chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray(n, { minLength: n.length, maxLength: n.length })));
    fc.assert(
      fc.property(arbRequest, arb, (req, [network, shuffled]) => {
        const a = rankCandidates(req, network, TEST_WEIGHTS);
        expect(rankCandidates(req, shuffled, TEST_WEIGHTS)).toEqual(a);
        for (let i = 1; i < a.candidates.length; i++) {
          const [x, y] = [a.candidates[i - 1], a.candidates[i]];
          // outside the provinces where she was exploited before inside them (issue 28), at equal scores
          const inArea = (c: typeof x) => (c.warnings.includes('in_exploitation_area') ? 1 : 0);
          const [kx, ky] = [x, y].map((c) => [-c.score, inArea(c), fresh[c.freshness], c.distanceKm]);
          const cmp = kx.findIndex((k, j) => k !== ky[j]);
          if (cmp >= 0) expect(kx[cmp]).toBeLessThan(ky[cmp]);
          else expect(x.facilityId < y.facilityId).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('(d) candidates + excluded counts = facilities; excluded sorted, positive, known reasons', () => {
    fc.assert(
      fc.property(arbRequest, arbNetwork, (req, network) => {
        const { candidates, excluded } = rankCandidates(req, network, TEST_WEIGHTS);
        expect(candidates.length + excluded.reduce((s, e) => s + e.count, 0)).toBe(network.length);
        for (let i = 0; i < excluded.length; i++) {
          expect(excluded[i].count).toBeGreaterThan(0);
          expect(EXCLUSION_REASONS).toContain(excluded[i].reason);
          const [p, e] = [excluded[i - 1], excluded[i]];
          if (p) expect(p.count > e.count || (p.count === e.count && rank(p.reason) < rank(e.reason))).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('(e) each facility is excluded under the primary reason of checkHardConstraints, which firstFailure finds alone', () => {
    let excludedSeen = 0;
    fc.assert(
      fc.property(arbRequest, arbNetwork, (req, network) => {
        const expected = new Map<string, number>();
        for (const f of network) {
          const full = checkHardConstraints(req, f);
          const primary = full.ok ? null : primaryReason(full.reasons);
          expect(firstFailure(req, f)).toBe(primary);
          if (primary) expected.set(primary, (expected.get(primary) ?? 0) + 1);
        }
        const { excluded } = rankCandidates(req, network, TEST_WEIGHTS);
        expect(new Map(excluded.map((e) => [e.reason, e.count]))).toEqual(expected);
        excludedSeen += excluded.length;
      }),
      RUNS,
    );
    expect(excludedSeen).toBeGreaterThan(RUNS.numRuns);
  });

  it('(f) with a limit, the first `limit` candidates of the full ranking, breakdowns included', () => {
    let cut = 0;
    fc.assert(
      fc.property(
        arbRequest,
        arbNetwork,
        fc.oneof({ arbitrary: fc.integer({ min: 1, max: 3 }), weight: 4 }, fc.integer({ min: -1, max: 8 }), fc.double({ min: -1, max: 8 })),
        (req, network, limit) => {
          const all = rankCandidates(req, network, TEST_WEIGHTS);
          const limited = rankCandidates(req, network, TEST_WEIGHTS, { limit });
          expect(limited).toEqual({ candidates: all.candidates.slice(0, Math.max(0, limit)), excluded: all.excluded });
          if (all.candidates.length > limited.candidates.length && limited.candidates.length > 0) cut++;
        },
      ),
      RUNS,
    );
    expect(cut).toBeGreaterThan(RUNS.numRuns / 10);
  });
});
