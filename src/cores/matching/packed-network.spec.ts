import fc from 'fast-check';
import type { FacilitySnapshot, MatchRequest } from '../../domain/types.js';
import { packNetwork, rankPacked } from './packed-network.js';
import { rankCandidates } from './rank.js';
import { arbFacility, arbNetwork, arbRequest } from '../../../test/support/core-arbitraries.js';
import { aFacility, aRequest, TEST_WEIGHTS } from '../../../test/support/core-factories.js';

const RUNS = { numRuns: 300 };

describe('rankPacked gives exactly what rankCandidates gives', () => {
  it('on random networks and requests', () => {
    let withCandidates = 0;
    fc.assert(
      fc.property(arbRequest, arbNetwork, fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }), (req, network, limit) => {
        const expected = rankCandidates(req, network, TEST_WEIGHTS, { limit });
        expect(rankPacked(req, packNetwork(network), TEST_WEIGHTS, { limit })).toEqual(expected);
        if (expected.candidates.length) withCandidates++;
      }),
      RUNS,
    );
    expect(withCandidates).toBeGreaterThan(RUNS.numRuns / 10);
  });

  it('with some facilities replaced for one search (holds, conflict tags)', () => {
    const arb = arbNetwork.chain((network) =>
      fc.tuple(
        fc.constant(network),
        fc
          .array(fc.tuple(fc.nat({ max: network.length - 1 }), fc.nat()), { maxLength: 5 })
          .chain((picks) => fc.tuple(...picks.map(([i]) => fc.tuple(fc.constant(i), arbFacility(network[i].id))))),
      ),
    );
    fc.assert(
      fc.property(arbRequest, arb, (req, [network, replacements]) => {
        const replaced = new Map<number, FacilitySnapshot>(replacements);
        const live = network.map((f, i) => replaced.get(i) ?? f);
        expect(rankPacked(req, packNetwork(network), TEST_WEIGHTS, { replaced })).toEqual(rankCandidates(req, live, TEST_WEIGHTS));
      }),
      RUNS,
    );
  });

  it('on networks with odd values the rules must judge as they always do', () => {
    // what no validated row holds, yet the core may be handed: it must not change the outcome
    const odd = fc.constantFrom<(f: FacilitySnapshot) => FacilitySnapshot>(
      (f) => ({ ...f, places: f.places.map((p) => ({ ...p, free: Number.NaN })) }),
      (f) => ({ ...f, places: f.places.map((p) => ({ ...p, free: undefined as never, childCapacity: Number.NaN })) }),
      (f) => ({ ...f, places: [...f.places, { kind: 'toString' as never, free: 1 }] }),
      (f) => ({ ...f, protectionLevel: 'constructor' as never }),
      (f) => ({ ...f, accepts: { ...f.accepts, genders: [...f.accepts.genders, '__proto__' as never] } }),
      (f) => ({ ...f, supports: [...f.supports, 'hasOwnProperty' as never] }),
      (f) => ({ ...f, point: { lat: Number.NaN, lon: f.point.lon } }),
      (f) => ({ ...f, accepts: { ...f.accepts, boysUpToAge: Number.NaN } }),
      (f) => ({ ...f, legalStatusesAccepted: [...f.legalStatusesAccepted, 'valueOf' as never] }),
    );
    const arb = arbNetwork.chain((network) =>
      fc.tuple(...network.map((f) => fc.option(odd, { freq: 3 }).map((change) => (change ? change(f) : f)))),
    );
    fc.assert(
      fc.property(arbRequest, arb, (req, network) => {
        expect(rankPacked(req, packNetwork(network), TEST_WEIGHTS)).toEqual(rankCandidates(req, network, TEST_WEIGHTS));
      }),
      RUNS,
    );
  });

  // what the arrays cannot hold goes to the plain rules, with the same outcome
  it.each<[string, Partial<FacilitySnapshot>, Partial<MatchRequest>]>([
    [
      'a place kind listed twice',
      {
        places: [
          { kind: 'adult', free: 0 },
          { kind: 'adult', free: 1 },
        ],
      },
      {},
    ],
    [
      'an unknown gender on the facility',
      { accepts: { genders: ['female', 'x' as never], adults: true, minors: false, children: true, boysUpToAge: null } },
      {},
    ],
    ['an unknown support on the facility', { supports: ['pregnancy', 'y' as never] }, {}],
    ['an unknown protection level', { protectionLevel: 'z' as never }, {}],
    ['an unknown place kind', { places: [{ kind: 'w' as never, free: 1 }] }, {}],
    ['an unknown gender in the request', {}, { person: { ...aRequest().person, gender: 'x' as never } }],
    ['an unknown need in the request', {}, { person: { ...aRequest().person, needs: ['y' as never] } }],
    [
      'an unknown legal status on the facility',
      { legalStatusesAccepted: ['art18_permit', 'v' as never] },
      { person: { ...aRequest().person, legalStatus: 'no_permit' } },
    ],
    [
      'an unknown legal status in the request',
      { legalStatusesAccepted: ['art18_permit'] },
      { person: { ...aRequest().person, legalStatus: 'v' as never } },
    ],
    [
      'a boys limit that is not a number',
      { accepts: { ...aFacility().accepts, boysUpToAge: Number.NaN } },
      { person: { ...aRequest().person, children: [{ age: 15, sex: 'male' }] } },
    ],
    [
      'a transfer from a house with her own tags',
      { conflictTags: ['n1'] },
      { currentFacilityId: 'b', safety: { ...aRequest().safety, conflictTags: ['n1'] } },
    ],
  ])('%s', (_name, facility, request) => {
    const network = [aFacility({ id: 'a' }), { ...aFacility({ id: 'b' }), ...facility }, aFacility({ id: 'c', provinceCode: 'SP' })];
    const req = { ...aRequest(), ...request };
    const expected = rankCandidates(req, network, TEST_WEIGHTS);
    expect(rankPacked(req, packNetwork(network), TEST_WEIGHTS)).toEqual(expected);
  });
});
