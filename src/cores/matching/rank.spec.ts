import { FacilitySnapshot, MatchingWeights } from '../../domain/types.js';
import { rankCandidates } from './rank.js';
import { aFacility, aRequest, POINTS, TEST_WEIGHTS } from '../../../test/support/core-factories.js';

const ids = (fs: { facilityId: string }[]): string[] => fs.map((f) => f.facilityId);
/** Freshness worth nothing, so it can only act as a tie-break. */
const NO_FRESHNESS: MatchingWeights = { ...TEST_WEIGHTS, freshness: 0 };

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('rankCandidates: order', () => {
  it.each<[string, MatchingWeights, FacilitySnapshot[], string[]]>([
    [
      'score desc',
      TEST_WEIGHTS,
      [
        aFacility({ id: 'a', type: 'semi_autonomy_flat', protectionLevel: 'high' }),
        aFacility({ id: 'b' }),
        aFacility({ id: 'c', type: 'high_intensity_community' }),
      ],
      ['b', 'c', 'a'],
    ],
    [
      'equal score: fresh, then stale, then unknown',
      NO_FRESHNESS,
      [aFacility({ id: 'a', freshness: 'unknown' }), aFacility({ id: 'b', freshness: 'stale' }), aFacility({ id: 'c' })],
      ['c', 'b', 'a'],
    ],
    [
      'equal score and freshness: nearer first',
      TEST_WEIGHTS,
      [
        aFacility({ id: 'a', provinceCode: 'SP', point: POINTS.SP }),
        aFacility({ id: 'b', provinceCode: 'GE', point: { lat: 44.5, lon: 8.95 } }),
        aFacility({ id: 'c' }),
      ],
      ['c', 'b', 'a'],
    ],
    [
      'all equal: facility id asc',
      TEST_WEIGHTS,
      [aFacility({ id: 'f-10' }), aFacility({ id: 'f-2' }), aFacility({ id: 'f-1' })],
      ['f-1', 'f-10', 'f-2'],
    ],
    [
      'score comes first: a stale neighbour ranks below a fresh farther facility',
      TEST_WEIGHTS,
      [aFacility({ id: 'near-stale', freshness: 'stale' }), aFacility({ id: 'far-fresh', point: POINTS.SP, provinceCode: 'SP' })],
      ['far-fresh', 'near-stale'],
    ],
  ])('%s', (_name, weights, facilities, expected) => {
    expect(ids(rankCandidates(aRequest(), facilities, weights).candidates)).toEqual(expected);
  });

  it('gives the same result for every input order', () => {
    const facilities = [
      aFacility({ id: 'x' }),
      aFacility({ id: 'y' }),
      aFacility({ id: 'z', freshness: 'stale' }),
      aFacility({ id: 'w', point: POINTS.SP, provinceCode: 'SP' }),
      aFacility({ id: 'v', acceptingNewGuests: false }),
    ];
    const expected = rankCandidates(aRequest(), facilities, NO_FRESHNESS);
    expect(ids(expected.candidates)).toEqual(['x', 'y', 'w', 'z']);
    for (const p of permutations(facilities)) expect(rankCandidates(aRequest(), p, NO_FRESHNESS)).toEqual(expected);
  });

  it('does not mutate its input', () => {
    const facilities = [aFacility({ id: 'b' }), aFacility({ id: 'a' })];
    rankCandidates(aRequest(), facilities, TEST_WEIGHTS);
    expect(facilities.map((f) => f.id)).toEqual(['b', 'a']);
  });
});

describe('rankCandidates: output', () => {
  it('reports kind, freshness, score, breakdown and distance rounded to 0.1 km', () => {
    const fac = aFacility({
      id: 'sp',
      provinceCode: 'SP',
      point: POINTS.SP,
      places: [{ kind: 'mother_child', free: 1, childCapacity: 1 }],
    });
    const { candidates } = rankCandidates(aRequest(), [fac], TEST_WEIGHTS);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({ facilityId: 'sp', placeKind: 'mother_child', distanceKm: 77.6, freshness: 'fresh', score: 90 });
    expect(candidates[0].breakdown).toHaveLength(8);
  });

  it('counts excluded facilities under their primary reason, by count desc then precedence', () => {
    const facilities = [
      aFacility({ id: '1', acceptingNewGuests: false }),
      aFacility({ id: '2', acceptingNewGuests: false, conflictTags: ['t'] }), // conflict wins
      aFacility({ id: '3', accepts: { genders: ['male'] } }),
      aFacility({ id: '4', accepts: { genders: ['male'] } }),
      aFacility({ id: '5', places: [] }),
      aFacility({ id: '6', places: [], acceptingNewGuests: false }), // not_accepting wins
      aFacility({ id: 'ok' }),
    ];
    const result = rankCandidates(aRequest({ safety: { conflictTags: ['t'] } }), facilities, TEST_WEIGHTS);
    expect(ids(result.candidates)).toEqual(['ok']);
    expect(result.excluded).toEqual([
      { reason: 'gender_not_accepted', count: 2 },
      { reason: 'not_accepting', count: 2 },
      { reason: 'conflict', count: 1 },
      { reason: 'no_free_place', count: 1 },
    ]);
  });

  it('returns nothing for an empty network', () => {
    expect(rankCandidates(aRequest(), [], TEST_WEIGHTS)).toEqual({ candidates: [], excluded: [] });
  });

  it.each<[number | undefined, string[]]>([
    [undefined, ['a', 'b', 'c']],
    [2, ['a', 'b']],
    [10, ['a', 'b', 'c']],
    [0, []],
  ])('limit %s cuts candidates after sorting, not the excluded counts', (limit, expected) => {
    const facilities = [aFacility({ id: 'c' }), aFacility({ id: 'x', places: [] }), aFacility({ id: 'b' }), aFacility({ id: 'a' })];
    const result = rankCandidates(aRequest(), facilities, TEST_WEIGHTS, { limit });
    expect(ids(result.candidates)).toEqual(expected);
    expect(result.excluded).toEqual([{ reason: 'no_free_place', count: 1 }]);
  });
});

describe('rankCandidates: where she was exploited (issue 28 walk)', () => {
  const GE = { provinceCode: 'GE', regionCode: '07', point: POINTS.GE };
  const inGenova = aFacility({ id: 'a-genova' });
  const inSpezia = aFacility({ id: 'b-spezia', provinceCode: 'SP', point: POINTS.SP });

  it('a house in an allowed exploitation province says so, scores no proximity and ranks after an equal one outside', () => {
    const req = aRequest({ safety: { exploitationAreas: [GE], allowExploitationArea: true } });
    const { candidates } = rankCandidates(req, [inGenova, inSpezia], { ...TEST_WEIGHTS, proximity: 0 });
    expect(ids(candidates)).toEqual(['b-spezia', 'a-genova']);
    expect(candidates[0].score).toBe(candidates[1].score);
    expect(candidates[1].warnings).toEqual(['in_exploitation_area', 'same_region_as_exploitation']);
    expect(candidates[0].warnings).toEqual(['same_region_as_exploitation']);
    const scored = rankCandidates(req, [inGenova, inSpezia], TEST_WEIGHTS).candidates;
    expect(scored.find((c) => c.facilityId === 'a-genova')!.breakdown).toContainEqual(
      expect.objectContaining({ criterion: 'proximity', points: 0, note: 'in exploitation area' }),
    );
    expect(ids(scored)).toEqual(['b-spezia', 'a-genova']);
  });

  it('exploitation area not known and no distance to keep: a house in her current province is flagged', () => {
    const { candidates } = rankCandidates(aRequest(), [inGenova, inSpezia], TEST_WEIGHTS);
    expect(candidates.map((c) => [c.facilityId, c.warnings])).toEqual(
      expect.arrayContaining([
        ['a-genova', ['exploitation_area_unknown_same_province']],
        ['b-spezia', []],
      ]),
    );
    const guarded = rankCandidates(aRequest({ safety: { minDistanceKm: 1 } }), [inSpezia], TEST_WEIGHTS).candidates;
    expect(guarded[0].warnings).toEqual([]);
  });
});
