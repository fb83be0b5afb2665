import { Criterion, FacilityType, MatchingWeights, PlaceKind, Stage } from '../../domain/types.js';
import { CRITERIA, PROXIMITY_RANGE_KM, round2, scoreCandidate, STAGE_FIT } from './scoring.js';
import { aFacility, aRequest, FacilityOverrides, POINTS, RequestOverrides, TEST_WEIGHTS } from '../../../test/support/core-factories.js';

const itemOf = (criterion: Criterion, req: RequestOverrides, fac: FacilityOverrides, kind: PlaceKind = 'adult') =>
  scoreCandidate(aRequest(req), aFacility(fac), kind, 0, TEST_WEIGHTS).breakdown.find((b) => b.criterion === criterion)!;

describe('stage_fit table', () => {
  it.each<[Stage, FacilityType, number]>([
    ['first_reception', 'casa_di_fuga', 1],
    ['first_reception', 'high_intensity_community', 0.8],
    ['first_reception', 'medium_intensity_community', 0.5],
    ['first_reception', 'protected_flat', 0.4],
    ['first_reception', 'semi_autonomy_flat', 0.1],
    ['first_reception', 'autonomy_flat', 0],
    ['second_reception', 'casa_di_fuga', 0.2],
    ['second_reception', 'high_intensity_community', 0.6],
    ['second_reception', 'medium_intensity_community', 1],
    ['second_reception', 'protected_flat', 1],
    ['second_reception', 'semi_autonomy_flat', 0.9],
    ['second_reception', 'autonomy_flat', 0.7],
    ['first_reception', 'social_housing', 0],
    ['first_reception', 'emergency_accommodation', 0.3],
    ['second_reception', 'social_housing', 0.6],
    ['second_reception', 'emergency_accommodation', 0.1],
  ])('%s in %s → %d', (stage, type, fraction) => {
    expect(STAGE_FIT[stage][type]).toBe(fraction);
    expect(itemOf('stage_fit', { stage }, { type })).toEqual({ criterion: 'stage_fit', points: round2(25 * fraction), max: 25 });
  });
});

describe('criteria fractions', () => {
  const far = { lat: 36.0, lon: 15.0 }; // > 900 km from Genova
  // [criterion, case, request, facility, place kind, fraction, note]
  it.each<[Criterion, string, RequestOverrides, FacilityOverrides, PlaceKind, number, string | undefined]>([
    ['language', 'no language given', { person: { languages: [] } }, {}, 'adult', 1, 'no language given'],
    ['language', 'shared language', { person: { languages: ['pcm', 'en'] } }, {}, 'adult', 1, undefined],
    ['language', 'codes compared case-insensitively', { person: { languages: ['EN'] } }, {}, 'adult', 1, undefined],
    ['language', 'person speaks Italian', { person: { languages: ['it'] } }, { languages: ['it'] }, 'adult', 1, undefined],
    ['language', 'only Italian in common', { person: { languages: ['pcm'] } }, {}, 'adult', 0.25, 'italian only'],
    ['language', 'nothing in common', { person: { languages: ['pcm'] } }, { languages: ['fr'] }, 'adult', 0, 'no shared language'],
    [
      'language',
      'nothing in common, no Italian either',
      { person: { languages: ['pcm'] } },
      { languages: ['en', 'fr'] },
      'adult',
      0,
      'no shared language',
    ],
    ['exploitation_expertise', 'none given', { person: { exploitation: [] } }, {}, 'adult', 1, 'no exploitation type given'],
    ['exploitation_expertise', 'all covered', { person: { exploitation: ['sexual'] } }, {}, 'adult', 1, undefined],
    ['exploitation_expertise', 'half covered', { person: { exploitation: ['sexual', 'labour'] } }, {}, 'adult', 0.5, undefined],
    [
      'exploitation_expertise',
      'a third covered',
      { person: { exploitation: ['sexual', 'labour', 'begging'] } },
      {},
      'adult',
      1 / 3,
      undefined,
    ],
    ['exploitation_expertise', 'none covered', { person: { exploitation: ['labour'] } }, {}, 'adult', 0, undefined],
    ['proximity', 'not requested', {}, {}, 'adult', 1, 'not requested'],
    ['proximity', 'in the preferred province', { preferences: { near: POINTS.GE } }, {}, 'adult', 1, undefined],
    ['proximity', 'Genova–Roma ~400 km', { preferences: { near: POINTS.RM } }, {}, 'adult', 1 - 400.4 / PROXIMITY_RANGE_KM, undefined],
    ['proximity', 'beyond the range', { preferences: { near: far } }, {}, 'adult', 0, undefined],
    ['protection_fit', 'high for high', {}, {}, 'adult', 1, undefined],
    ['protection_fit', 'low for low', { protectionLevel: 'low' }, { protectionLevel: 'low' }, 'adult', 1, undefined],
    ['protection_fit', 'high for medium', { protectionLevel: 'medium' }, {}, 'adult', 0.5, 'more protection than required'],
    [
      'protection_fit',
      'medium for low',
      { protectionLevel: 'low' },
      { protectionLevel: 'medium' },
      'adult',
      0.5,
      'more protection than required',
    ],
    ['protection_fit', 'high for low', { protectionLevel: 'low' }, {}, 'adult', 0, 'more protection than required'],
    ['protection_fit', 'below required', {}, { protectionLevel: 'low' }, 'adult', 0, 'below required'],
    ['place_kind_fit', 'adult in an adult bed', {}, {}, 'adult', 1, undefined],
    ['place_kind_fit', 'single adult in a mother-child unit', {}, {}, 'mother_child', 0, 'single adult in a mother-child unit'],
    ['place_kind_fit', 'pregnant adult in a mother-child unit', { person: { pregnant: true } }, {}, 'mother_child', 1, 'pregnant'],
    ['place_kind_fit', 'mother with a child', { person: { children: [{ age: 2 }] } }, {}, 'mother_child', 1, undefined],
    ['place_kind_fit', 'minor in a minor place', { person: { age: 16 } }, {}, 'minor', 1, undefined],
    ['freshness', 'fresh', {}, { freshness: 'fresh' }, 'adult', 1, undefined],
    ['freshness', 'stale', {}, { freshness: 'stale' }, 'adult', 0.3, 'stale'],
    ['freshness', 'unknown', {}, { freshness: 'unknown' }, 'adult', 0, 'call first'],
    ['services', 'not requested', {}, { services: [] }, 'adult', 1, 'not requested'],
    [
      'services',
      'every wanted service offered',
      { preferences: { services: ['legal', 'health'] } },
      { services: ['legal', 'health', 'italian_classes'] },
      'adult',
      1,
      undefined,
    ],
    [
      'services',
      'half offered',
      { preferences: { services: ['legal', 'job_placement'] } },
      { services: ['legal'] },
      'adult',
      0.5,
      '1 of 2 wanted missing',
    ],
    ['services', 'none offered', { preferences: { services: ['psychological'] } }, { services: [] }, 'adult', 0, '1 of 1 wanted missing'],
    ['services', 'LGBT+-safe wanted and offered', { preferences: { lgbtSafe: true } }, { lgbtSafe: true }, 'adult', 1, undefined],
    [
      'services',
      'LGBT+-safe wanted, not offered',
      { preferences: { lgbtSafe: true } },
      { lgbtSafe: false },
      'adult',
      0,
      '1 of 1 wanted missing',
    ],
    [
      'services',
      'LGBT+-safe and a service, one offered',
      { preferences: { lgbtSafe: true, services: ['legal'] } },
      { lgbtSafe: true },
      'adult',
      0.5,
      '1 of 2 wanted missing',
    ],
    [
      'services',
      'a service wanted twice counts once',
      { preferences: { services: ['legal', 'legal'] } },
      { services: ['legal'] },
      'adult',
      1,
      undefined,
    ],
  ])('%s: %s → %d', (criterion, _case, req, fac, kind, fraction, note) => {
    const item = itemOf(criterion, req, fac, kind);
    const max = TEST_WEIGHTS[criterion];
    // proximity depends on a computed distance: compare with a tolerance of one cent
    if (criterion === 'proximity') expect(Math.abs(item.points - fraction * max)).toBeLessThanOrEqual(0.01);
    else expect(item.points).toBe(round2(fraction * max));
    expect(item.max).toBe(max);
    expect(item.note).toBe(note);
  });
});

describe('scoreCandidate totals', () => {
  it('a perfect fit scores the sum of the weights, breakdown in MatchingWeights key order', () => {
    const { score, breakdown } = scoreCandidate(aRequest(), aFacility(), 'adult', 0, TEST_WEIGHTS);
    expect(score).toBe(100);
    expect(breakdown.map((b) => b.criterion)).toEqual([
      'stage_fit',
      'language',
      'exploitation_expertise',
      'proximity',
      'protection_fit',
      'place_kind_fit',
      'freshness',
      'services',
    ]);
    expect(CRITERIA).toEqual(breakdown.map((b) => b.criterion));
  });

  it('keeps the canonical order whatever the key order of the weights object', () => {
    const reversed = Object.fromEntries(Object.entries(TEST_WEIGHTS).reverse()) as unknown as MatchingWeights;
    const { breakdown } = scoreCandidate(aRequest(), aFacility(), 'adult', 0, reversed);
    expect(breakdown.map((b) => b.criterion)).toEqual(CRITERIA);
  });

  it.each<[string, MatchingWeights]>([
    [
      'thirds',
      {
        stage_fit: 33.33,
        language: 33.33,
        exploitation_expertise: 33.34,
        proximity: 0.1,
        protection_fit: 0.2,
        place_kind_fit: 0.3,
        freshness: 0.7,
        services: 0.9,
      },
    ],
    ['test weights', TEST_WEIGHTS],
    [
      'all zero',
      {
        stage_fit: 0,
        language: 0,
        exploitation_expertise: 0,
        proximity: 0,
        protection_fit: 0,
        place_kind_fit: 0,
        freshness: 0,
        services: 0,
      },
    ],
  ])('the breakdown sums exactly to the score (%s)', (_name, weights) => {
    const req = aRequest({
      stage: 'second_reception',
      person: { exploitation: ['sexual', 'labour', 'begging'], languages: ['pcm'] },
      preferences: { near: POINTS.RM },
    });
    const { score, breakdown } = scoreCandidate(req, aFacility({ freshness: 'stale', type: 'semi_autonomy_flat' }), 'adult', 0, weights);
    expect(round2(breakdown.reduce((s, b) => s + b.points, 0))).toBe(score);
    expect(score).toBe(round2(score));
    for (const b of breakdown) expect(b.points).toBe(round2(b.points));
  });

  it('scores a mixed case exactly', () => {
    // stage 0.9*25=22.5, italian only 3.75, 1/3 of 15=5, no near 10, high for low 0, adult 10, stale 3
    const req = aRequest({
      stage: 'second_reception',
      protectionLevel: 'low',
      person: { languages: ['pcm'], exploitation: ['sexual', 'labour', 'begging'] },
    });
    const { score } = scoreCandidate(req, aFacility({ type: 'semi_autonomy_flat', freshness: 'stale' }), 'adult', 0, TEST_WEIGHTS);
    expect(score).toBe(54.25);
  });
});
