import { FacilitySnapshot, PersonProfile, PlaceKind, PlaceSnapshot } from '../matching.types.js';

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

function fits(person: PersonProfile, place: PlaceSnapshot, kind: PlaceKind): boolean {
  if (place.kind !== kind || place.free <= 0) return false;
  if (kind === 'mother_child' && hasChildren(person)) return unitTakesChildren(place, person.children.length);
  return true;
}

/** The place the person would actually take in this facility, or null when none is free. */
export function choosePlace(person: PersonProfile, facility: FacilitySnapshot): PlaceSnapshot | null {
  for (const kind of neededPlaceKinds(person)) {
    const place = facility.places.find((p) => fits(person, p, kind));
    if (place) return place;
  }
  return null;
}
