import { DomainError } from '../domain/errors.js';
import { assertKindAccepted, assertPlacesConsistent, kindAccepted, matchPoint } from './facility-input.js';

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
      expect((e as DomainError).kind).toBe('rule_broken');
      expect((e as DomainError).code).toBe('places_inconsistent');
      expect((e as DomainError).message).toContain(msg);
    }
  });
});

describe('matchPoint', () => {
  const centroid = { lat: 44.4, lon: 8.9 };
  it('uses the precise location of an open facility', () =>
    expect(matchPoint({ lat: 44.4123, lon: 8.9345 }, centroid, false)).toEqual({ lat: 44.4123, lon: 8.9345 }));
  it('coarsens a secret facility', () => expect(matchPoint({ lat: 44.4123, lon: 8.9745 }, centroid, true)).toEqual({ lat: 44.4, lon: 9 }));
  it('falls back to the centroid', () => expect(matchPoint(null, centroid, true)).toEqual(centroid));
});

describe('kindAccepted', () => {
  const accepts = (adults: boolean, minors: boolean, children: boolean) => ({ adults, minors, children });
  it.each([
    ['adult', accepts(true, false, false), true],
    ['adult', accepts(false, true, true), false],
    ['minor', accepts(false, true, false), true],
    ['minor', accepts(true, false, true), false],
    ['mother_child', accepts(true, false, true), true],
    // a minor mother with her baby
    ['mother_child', accepts(false, true, true), true],
    ['mother_child', accepts(true, true, false), false],
    ['mother_child', accepts(false, false, true), false],
  ] as const)('%s places with %o: %s', (kind, a, ok) => {
    expect(kindAccepted(a, kind)).toBe(ok);
    if (ok) expect(() => assertKindAccepted(a, kind)).not.toThrow();
    else expect(() => assertKindAccepted(a, kind)).toThrow(expect.objectContaining({ kind: 'rule_broken', code: 'kind_not_accepted' }));
  });
});
