import { ageBand, commonestExclusion, hoursBetween, personDims } from './report-facts.js';
import type { PersonProfile } from '../domain/types.js';

const person = (o: Partial<PersonProfile> & Record<string, unknown> = {}) =>
  ({ gender: 'female', age: 24, children: [], pregnant: false, languages: [], exploitation: ['sexual'], needs: [], ...o }) as PersonProfile;

describe('ageBand', () => {
  it.each([
    [0, 'minor'],
    [17, 'minor'],
    [18, '18_24'],
    [24, '18_24'],
    [25, '25_34'],
    [34, '25_34'],
    [35, '35_plus'],
    [80, '35_plus'],
  ])('%i -> %s', (age, band) => expect(ageBand(age)).toBe(band));
});

describe('personDims', () => {
  it.each([
    [
      'no profile',
      null,
      { gender: null, ageBand: null, children: 0, childrenFemale: 0, childrenMale: 0, nationality: null, exploitation: [] },
    ],
    [
      'children without sex (before the seeds change)',
      person({ children: [{ age: 3 }, { age: 6 }] }),
      { children: 2, childrenFemale: 0, childrenMale: 0 },
    ],
    [
      'children with sex',
      person({
        children: [
          { age: 3, sex: 'female' },
          { age: 6, sex: 'male' },
          { age: 9, sex: 'unknown' },
        ] as never,
      }),
      { children: 3, childrenFemale: 1, childrenMale: 1 },
    ],
    ['nationality kept when ISO', person({ nationality: 'NG' }), { nationality: 'NG' }],
    ['nationality dropped when not a code', person({ nationality: 'Nigeria' }), { nationality: null }],
    [
      'exploitation sorted, unique',
      person({ exploitation: ['sexual', 'labour', 'sexual'] as never }),
      { exploitation: ['labour', 'sexual'] },
    ],
    ['minor', person({ age: 16, gender: 'male' }), { gender: 'male', ageBand: 'minor' }],
  ])('%s', (_, p, expected) => expect(personDims(p)).toMatchObject(expected));
});

describe('hoursBetween and commonestExclusion', () => {
  it('measures hours with two decimals', () => {
    expect(hoursBetween(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T01:30:36Z'))).toBe(1.51);
  });
  it.each([
    [[], null],
    [[{ reason: 'gender_not_accepted', count: 0 }], null],
    [
      [
        { reason: 'excluded_area', count: 3 },
        { reason: 'no_free_place', count: 5 },
      ],
      'no_free_place',
    ],
    [
      [
        { reason: 'excluded_area', count: 5 },
        { reason: 'no_free_place', count: 5 },
      ],
      'excluded_area',
    ],
  ])('%j -> %s', (excluded, reason) => expect(commonestExclusion(excluded)).toBe(reason));
});
