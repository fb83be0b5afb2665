import { PersonProfile, PlaceSnapshot } from '../../domain/types.js';
import { choosePlace, neededPlaceKinds } from './place-kind.js';
import { aFacility, aRequest } from '../../../test/support/core-factories.js';

const person = (p: Partial<PersonProfile>): PersonProfile => aRequest({ person: p }).person;
const twoChildren = [{ age: 3 }, { age: 6 }];

describe('neededPlaceKinds', () => {
  it.each([
    ['single adult', {}, ['adult', 'mother_child']],
    ['pregnant adult', { pregnant: true }, ['adult', 'mother_child']],
    ['mother with children', { children: twoChildren }, ['mother_child']],
    ['minor', { age: 16 }, ['minor']],
    ['minor mother', { age: 17, children: [{ age: 1 }] }, ['mother_child']],
    ['just 18', { age: 18 }, ['adult', 'mother_child']],
  ] as [string, Partial<PersonProfile>, string[]][])('%s → %j', (_name, p, expected) => {
    expect(neededPlaceKinds(person(p))).toEqual(expected);
  });
});

describe('choosePlace', () => {
  const adult = (free: number): PlaceSnapshot => ({ kind: 'adult', free });
  const mc = (free: number, childCapacity?: number | null): PlaceSnapshot => ({
    kind: 'mother_child',
    free,
    childCapacity,
  });
  const minor = (free: number): PlaceSnapshot => ({ kind: 'minor', free });

  it.each<[string, Partial<PersonProfile>, PlaceSnapshot[], PlaceSnapshot | null]>([
    ['adult takes an adult bed first', {}, [mc(1, 2), adult(1)], adult(1)],
    ['adult falls back to mother_child when no adult bed is free', {}, [adult(0), mc(1, 2)], mc(1, 2)],
    ['adult falls back to mother_child when there is no adult kind', {}, [mc(1, 0)], mc(1, 0)],
    ['adult: nothing free', {}, [adult(0), mc(0, 2)], null],
    ['adult never takes a minor place', {}, [minor(3)], null],
    ['mother of 2 takes a unit for 2', { children: twoChildren }, [adult(3), mc(1, 2)], mc(1, 2)],
    ['mother of 2 does not fit a unit for 1', { children: twoChildren }, [mc(4, 1)], null],
    ['mother of 2: skips the small unit for a big one', { children: twoChildren }, [mc(1, 1), mc(1, 3)], mc(1, 3)],
    ['mother of 2: unknown childCapacity is not enough', { children: twoChildren }, [mc(1, null)], null],
    ['mother of 2: big unit not free', { children: twoChildren }, [mc(0, 3)], null],
    ['mother never takes an adult bed', { children: [{ age: 2 }] }, [adult(5)], null],
    ['minor takes a minor place', { age: 15 }, [adult(2), minor(1)], minor(1)],
    ['minor never takes an adult bed', { age: 15 }, [adult(2), mc(1, 2)], null],
    ['minor: minor place full', { age: 15 }, [minor(0)], null],
  ])('%s', (_name, p, places, expected) => {
    expect(choosePlace(person(p), aFacility({ places }))).toEqual(expected);
  });
});
