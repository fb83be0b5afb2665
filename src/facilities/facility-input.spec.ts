import { DomainError } from '../common/errors/domain-error.js';
import { assertPlacesConsistent, matchPoint } from './facility-input.js';

describe('assertPlacesConsistent', () => {
  it.each([
    [{ kind: 'adult', total: 4, occupied: 2, outOfService: 1, held: 1 }],
    [{ kind: 'adult', total: 0 }],
    [{ kind: 'mother_child', total: 1, childCapacity: 2 }],
    [{ kind: 'minor', total: 3, occupied: 3 }],
  ])('accepts %o', (p) => expect(() => assertPlacesConsistent([p as never])).not.toThrow());

  it.each([
    [{ kind: 'adult', total: 4, occupied: 3, outOfService: 1, held: 1 }, 'exceed total'],
    [{ kind: 'adult', total: 1, occupied: 2 }, 'exceed total'],
    [{ kind: 'mother_child', total: 1 }, 'need childCapacity'],
    [{ kind: 'adult', total: 1, childCapacity: 2 }, 'mother_child places only'],
  ])('refuses %o with 422', (p, msg) => {
    try {
      assertPlacesConsistent([p as never]);
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).status).toBe(422);
      expect((e as DomainError).code).toBe('places_inconsistent');
      expect((e as DomainError).message).toContain(msg);
    }
  });
});

describe('matchPoint', () => {
  const centroid = { lat: 44.4, lon: 8.9 };
  it('uses the precise location of an open facility', () => expect(matchPoint({ lat: 44.4123, lon: 8.9345 }, centroid, false)).toEqual({ lat: 44.4123, lon: 8.9345 }));
  it('coarsens a secret facility', () => expect(matchPoint({ lat: 44.4123, lon: 8.9745 }, centroid, true)).toEqual({ lat: 44.4, lon: 9 }));
  it('falls back to the centroid', () => expect(matchPoint(null, centroid, true)).toEqual(centroid));
});
