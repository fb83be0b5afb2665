import { ExclusionReason } from '../../domain/types.js';
import { checkHardConstraints, firstFailure, primaryReason } from './hard-constraints.js';
import { aFacility, aRequest, FacilityOverrides, POINTS, RequestOverrides } from '../../../test/support/core-factories.js';

const twoChildren = [{ age: 3 }, { age: 6 }];
const inSP = { provinceCode: 'SP', point: POINTS.SP }; // same region, ~78 km from Genova
const minorPlaces = { places: [{ kind: 'minor' as const, free: 1 }] };

const reasonsOf = (req: RequestOverrides, fac: FacilityOverrides): ExclusionReason[] => {
  const r = checkHardConstraints(aRequest(req), aFacility(fac));
  return r.ok ? [] : r.reasons;
};

describe('checkHardConstraints: each constraint passes and fails', () => {
  // [constraint, case, request overrides, facility overrides, expected reasons ([] = passes)]
  it.each<[string, string, RequestOverrides, FacilityOverrides, ExclusionReason[]]>([
    ['conflict', 'shared tag', { safety: { conflictTags: ['net-7'] } }, { conflictTags: ['net-1', 'net-7'] }, ['conflict']],
    ['conflict', 'different tags', { safety: { conflictTags: ['net-7'] } }, { conflictTags: ['net-1'] }, []],
    ['excluded_area', 'province excluded', { safety: { excludedProvinces: ['GE'] } }, {}, ['excluded_area']],
    ['excluded_area', 'region excluded', { safety: { excludedRegions: ['07'] } }, {}, ['excluded_area']],
    ['excluded_area', 'other areas excluded', { safety: { excludedProvinces: ['SP'], excludedRegions: ['09'] } }, {}, []],
    ['too_close', '78 km < 100 km', { safety: { minDistanceKm: 100 } }, inSP, ['too_close']],
    ['too_close', '78 km >= 50 km', { safety: { minDistanceKm: 50 } }, inSP, []],
    ['too_close', 'minDistanceKm 0 means unset', { safety: { minDistanceKm: 0 } }, {}, []],
    [
      'out_of_region',
      'other region, cross-region not allowed',
      {},
      { regionCode: '09', provinceCode: 'LU', point: POINTS.LU },
      ['out_of_region'],
    ],
    [
      'out_of_region',
      'other region, cross-region allowed',
      { preferences: { crossRegion: true } },
      { regionCode: '09', provinceCode: 'LU', point: POINTS.LU },
      [],
    ],
    ['too_far', '78 km > 50 km', { preferences: { maxDistanceKm: 50 } }, inSP, ['too_far']],
    ['too_far', '78 km <= 100 km', { preferences: { maxDistanceKm: 100 } }, inSP, []],
    ['gender_not_accepted', 'male in a women-only house', { person: { gender: 'male' } }, {}, ['gender_not_accepted']],
    ['gender_not_accepted', 'transgender accepted', { person: { gender: 'transgender' } }, {}, []],
    ['age_not_accepted', 'minor, minors not accepted', { person: { age: 16 } }, minorPlaces, ['age_not_accepted']],
    ['age_not_accepted', 'minor, minors accepted', { person: { age: 16 } }, { ...minorPlaces, accepts: { minors: true } }, []],
    ['age_not_accepted', 'adult, adults not accepted', {}, { accepts: { adults: false } }, ['age_not_accepted']],
    [
      'children_not_accepted',
      'children not accepted',
      { person: { children: twoChildren } },
      { accepts: { children: false } },
      ['children_not_accepted'],
    ],
    [
      'children_not_accepted',
      'unit too small (so also no free place)',
      { person: { children: twoChildren } },
      { places: [{ kind: 'mother_child', free: 3, childCapacity: 1 }] },
      ['children_not_accepted', 'no_free_place'],
    ],
    [
      'children_not_accepted',
      'big enough unit, none free: only no_free_place',
      { person: { children: twoChildren } },
      { places: [{ kind: 'mother_child', free: 0, childCapacity: 2 }] },
      ['no_free_place'],
    ],
    ['children_not_accepted', 'unit for 2 free', { person: { children: twoChildren } }, {}, []],
    ['protection_too_low', 'medium for high', {}, { protectionLevel: 'medium' }, ['protection_too_low']],
    ['protection_too_low', 'low for medium', { protectionLevel: 'medium' }, { protectionLevel: 'low' }, ['protection_too_low']],
    ['protection_too_low', 'high for medium', { protectionLevel: 'medium' }, {}, []],
    [
      'protection_too_low',
      'an unknown level is below every requirement',
      { protectionLevel: 'low' },
      { protectionLevel: 'constructor' as never },
      ['protection_too_low'],
    ],
    [
      'needs_unsupported',
      'mental health unsupported',
      { person: { needs: ['mental_health'] } },
      { supports: ['disability'] },
      ['needs_unsupported'],
    ],
    ['needs_unsupported', 'mental health supported', { person: { needs: ['mental_health'] } }, { supports: ['mental_health'] }, []],
    ['needs_unsupported', 'pregnant counts as a pregnancy need', { person: { pregnant: true } }, {}, ['needs_unsupported']],
    ['needs_unsupported', 'pregnancy supported', { person: { pregnant: true } }, { supports: ['pregnancy'] }, []],
    ['not_accepting', 'intake paused', {}, { acceptingNewGuests: false }, ['not_accepting']],
    [
      'no_free_place',
      'everything full',
      {},
      {
        places: [
          { kind: 'adult', free: 0 },
          { kind: 'mother_child', free: 0, childCapacity: 2 },
        ],
      },
      ['no_free_place'],
    ],
    [
      'no_free_place',
      'a count that is not a number is never free',
      {},
      { places: [{ kind: 'adult', free: Number.NaN }] },
      ['no_free_place'],
    ],
    [
      'no_free_place',
      'adult bed full, mother-child unit free',
      {},
      {
        places: [
          { kind: 'adult', free: 0 },
          { kind: 'mother_child', free: 1, childCapacity: 2 },
        ],
      },
      [],
    ],
    ['no_free_place', 'minor, minors accepted, no minor kind', { person: { age: 16 } }, { accepts: { minors: true } }, ['no_free_place']],
    ['no_free_place', 'minor, minors not accepted, no minor kind', { person: { age: 16 } }, {}, ['age_not_accepted', 'no_free_place']],
    // the seeds' practice: transfers, boys' age limits, legal statuses, wheelchairs, who a mother-child unit hosts
    [
      'conflict',
      'a transfer: her own tags in her current house',
      { safety: { conflictTags: ['net-7'] }, currentFacilityId: 'fac-1' },
      { conflictTags: ['net-7'] },
      [],
    ],
    [
      'conflict',
      'a transfer: the tag in another house still excludes it',
      { safety: { conflictTags: ['net-7'] }, currentFacilityId: 'fac-9' },
      { conflictTags: ['net-7'] },
      ['conflict'],
    ],
    [
      'children_not_accepted',
      'a 14-year-old boy, boys up to 12',
      { person: { children: [{ age: 14, sex: 'male' }] } },
      { accepts: { boysUpToAge: 12 } },
      ['children_not_accepted'],
    ],
    [
      'children_not_accepted',
      'a 12-year-old boy, boys up to 12',
      { person: { children: [{ age: 12, sex: 'male' }] } },
      { accepts: { boysUpToAge: 12 } },
      [],
    ],
    [
      'children_not_accepted',
      'a 14-year-old girl, boys up to 12',
      { person: { children: [{ age: 14, sex: 'female' }] } },
      { accepts: { boysUpToAge: 12 } },
      [],
    ],
    [
      'children_not_accepted',
      'a 14-year-old of unknown sex is not judged',
      { person: { children: [{ age: 14, sex: 'unknown' }] } },
      { accepts: { boysUpToAge: 12 } },
      [],
    ],
    [
      'children_not_accepted',
      'a child stored without sex is not judged',
      { person: { children: [{ age: 14 }] } },
      { accepts: { boysUpToAge: 12 } },
      [],
    ],
    [
      'children_not_accepted',
      'a 14-year-old boy, no limit',
      { person: { children: [{ age: 14, sex: 'male' }] } },
      { accepts: { boysUpToAge: null } },
      [],
    ],
    [
      'children_not_accepted',
      'a baby boy, boys up to 0',
      { person: { children: [{ age: 0, sex: 'male' }] } },
      { accepts: { boysUpToAge: 0 } },
      [],
    ],
    [
      'legal_status_not_accepted',
      'no permit, art. 18 only',
      { person: { legalStatus: 'no_permit' } },
      { legalStatusesAccepted: ['art18_permit'] },
      ['legal_status_not_accepted'],
    ],
    [
      'legal_status_not_accepted',
      'asylum seeker, SAI statuses',
      { person: { legalStatus: 'asylum_seeker' } },
      { legalStatusesAccepted: ['asylum_seeker', 'international_protection'] },
      [],
    ],
    ['legal_status_not_accepted', 'none listed: every status', { person: { legalStatus: 'no_permit' } }, { legalStatusesAccepted: [] }, []],
    [
      'legal_status_not_accepted',
      'status not given is never excluded',
      { person: { legalStatus: null } },
      { legalStatusesAccepted: ['art18_permit'] },
      [],
    ],
    [
      'not_wheelchair_accessible',
      'wheelchair user, steps',
      { person: { wheelchair: true } },
      { wheelchairAccessible: false },
      ['not_wheelchair_accessible'],
    ],
    ['not_wheelchair_accessible', 'wheelchair user, accessible', { person: { wheelchair: true } }, { wheelchairAccessible: true }, []],
    ['not_wheelchair_accessible', 'no wheelchair, steps', { person: { wheelchair: false } }, { wheelchairAccessible: false }, []],
    [
      'age_not_accepted',
      'a 16-year-old mother with a baby, minors accepted',
      { person: { age: 16, children: [{ age: 0, sex: 'female' }] } },
      { accepts: { minors: true } },
      [],
    ],
    [
      'age_not_accepted',
      'a 16-year-old mother with a baby, adults only',
      { person: { age: 16, children: [{ age: 0, sex: 'female' }] } },
      {},
      ['age_not_accepted'],
    ],
    [
      'gender_not_accepted',
      'a man with his child, men accepted',
      { person: { gender: 'male', children: [{ age: 4, sex: 'male' }] } },
      { accepts: { genders: ['male'] } },
      [],
    ],
    [
      'gender_not_accepted',
      'a man with his child, women only',
      { person: { gender: 'male', children: [{ age: 4, sex: 'male' }] } },
      { accepts: { genders: ['female'] } },
      ['gender_not_accepted'],
    ],
  ])('%s: %s', (_constraint, _case, req, fac, expected) => {
    expect(reasonsOf(req, fac)).toEqual(expected);
  });
});

describe('checkHardConstraints: result', () => {
  it('passes with the kind used and the raw distance', () => {
    const r = checkHardConstraints(aRequest(), aFacility(inSP));
    expect(r).toEqual({ ok: true, placeKind: 'adult', distanceKm: expect.any(Number) });
    expect(r.distanceKm).toBeGreaterThan(75);
    expect(r.distanceKm).toBeLessThan(80);
  });

  it('measures distance from the origin point, also when excluded', () => {
    const r = checkHardConstraints(aRequest({ origin: { point: POINTS.MI } }), aFacility({ acceptingNewGuests: false }));
    expect(r.ok).toBe(false);
    expect(r.distanceKm).toBeCloseTo(119.3, 0);
  });

  it('mother of 2 uses the mother_child unit', () => {
    const r = checkHardConstraints(aRequest({ person: { children: twoChildren } }), aFacility());
    expect(r).toMatchObject({ ok: true, placeKind: 'mother_child' });
  });
});

describe('precedence when several constraints fail', () => {
  it.each<[string, RequestOverrides, FacilityOverrides, ExclusionReason[]]>([
    [
      'a conflict is never reported as just full',
      { safety: { conflictTags: ['t'] } },
      { conflictTags: ['t'], acceptingNewGuests: false, places: [] },
      ['conflict', 'not_accepting', 'no_free_place'],
    ],
    [
      'geography before fit',
      { person: { gender: 'male' }, safety: { excludedProvinces: ['LU'] } },
      { regionCode: '09', provinceCode: 'LU', point: POINTS.LU, protectionLevel: 'low' },
      ['excluded_area', 'out_of_region', 'gender_not_accepted', 'protection_too_low'],
    ],
    [
      'too close and out of region together',
      { safety: { minDistanceKm: 1000 }, preferences: { maxDistanceKm: 10 } },
      { regionCode: '09', provinceCode: 'LU', point: POINTS.LU },
      ['too_close', 'out_of_region', 'too_far'],
    ],
    [
      'all the fit reasons, in order',
      { person: { age: 16, children: [{ age: 1 }], needs: ['disability'] } },
      { accepts: { children: false }, protectionLevel: 'low', acceptingNewGuests: false, places: [{ kind: 'adult', free: 1 }] },
      ['age_not_accepted', 'children_not_accepted', 'protection_too_low', 'needs_unsupported', 'not_accepting', 'no_free_place'],
    ],
  ])('%s', (_name, req, fac, expected) => {
    const reasons = reasonsOf(req, fac);
    expect(reasons).toEqual(expected);
    expect(primaryReason(reasons)).toBe(expected[0]);
  });
});

describe('primaryReason', () => {
  it.each<[ExclusionReason[], ExclusionReason | null]>([
    [['no_free_place', 'conflict'], 'conflict'],
    [['not_accepting', 'gender_not_accepted', 'too_far'], 'too_far'],
    [['no_free_place'], 'no_free_place'],
    [[], null],
  ])('%j → %s', (reasons, expected) => {
    expect(primaryReason(reasons)).toBe(expected);
  });
});

describe('firstFailure', () => {
  it('is the primary reason of checkHardConstraints on random networks and profiles', () => {
    const reasons = [
      aFacility({ conflictTags: ['net-1'] }),
      aFacility({ provinceCode: 'SP' }),
      aFacility({ accepts: { genders: ['male'] } }),
      aFacility({ acceptingNewGuests: false }),
      aFacility({ places: [] }),
      aFacility({ protectionLevel: 'low', acceptingNewGuests: false }),
      aFacility(),
    ];
    const requests = [
      aRequest(),
      aRequest({ safety: { conflictTags: ['net-1'], excludedProvinces: ['SP'] } }),
      aRequest({ person: { children: [{ age: 3 }, { age: 4 }, { age: 5 }] } }),
      aRequest({ person: { age: 16 } }),
      aRequest({ preferences: { crossRegion: false }, regionCode: '09' }),
      aRequest({ safety: { minDistanceKm: 10 } }),
    ];
    let failures = 0;
    for (const r of requests)
      for (const f of reasons) {
        const full = checkHardConstraints(r, f);
        const first = firstFailure(r, f);
        expect(first).toBe(full.ok ? null : primaryReason(full.reasons));
        if (first) failures++;
      }
    expect(failures).toBeGreaterThan(10);
  });
});
