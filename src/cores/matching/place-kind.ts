import { FacilitySnapshot, PersonProfile, PlaceKind, PlaceSnapshot } from '../../domain/types.js';

export const ADULT_AGE = 18;

export const isMinor = (person: PersonProfile): boolean => person.age < ADULT_AGE;
export const hasChildren = (person: PersonProfile): boolean => person.children.length > 0;

/** Place kinds that can host the person, best first. A single adult may fall back to a
 * mother-child unit, but only after adult beds (the order encodes that). */
export function neededPlaceKinds(person: PersonProfile): PlaceKind[] {
  if (hasChildren(person)) return ['mother_child'];
  if (isMinor(person)) return ['minor'];
  return ['adult', 'mother_child'];
}

/** A missing childCapacity is read as 0: we never assume a unit can take children. */
export function unitTakesChildren(place: PlaceSnapshot, children: number): boolean {
  return (place.childCapacity ?? 0) >= children;
}

function fits(place: PlaceSnapshot, kind: PlaceKind, children: number): boolean {
  // !(free > 0): a count that is not a number is never read as free
  if (place.kind !== kind || !(place.free > 0)) return false;
  return kind !== 'mother_child' || children === 0 || unitTakesChildren(place, children);
}

/** The free place taken by someone needing `kinds` (best first) with `children` children, or null. */
export function placeFor(kinds: readonly PlaceKind[], children: number, facility: FacilitySnapshot): PlaceSnapshot | null {
  for (const kind of kinds) for (const place of facility.places) if (fits(place, kind, children)) return place;
  return null;
}

/** The place the person would actually take in this facility, or null when none is free. */
export function choosePlace(person: PersonProfile, facility: FacilitySnapshot): PlaceSnapshot | null {
  return placeFor(neededPlaceKinds(person), person.children.length, facility);
}
