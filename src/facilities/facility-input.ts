import { ruleBroken } from '../domain/errors.js';
import type { FacilityType, GeoPoint, PlaceKind, ProtectionLevel } from '../domain/types.js';

export const DEFAULT_PROTECTION: Record<FacilityType, ProtectionLevel> = {
  casa_di_fuga: 'high',
  high_intensity_community: 'high',
  medium_intensity_community: 'medium',
  protected_flat: 'medium',
  semi_autonomy_flat: 'low',
  autonomy_flat: 'low',
  social_housing: 'low',
  emergency_accommodation: 'low',
};

export interface PlaceNumbersInput {
  kind: PlaceKind;
  total: number;
  occupied?: number;
  outOfService?: number;
  childCapacity?: number | null;
  /** live holds, when the kind already exists */
  held?: number;
}

/** Numbers that do not add up answer 422 with the kind and the reason; nothing is written. */
export function assertPlacesConsistent(places: PlaceNumbersInput[]): void {
  for (const p of places) {
    const used = (p.occupied ?? 0) + (p.outOfService ?? 0) + (p.held ?? 0);
    if (used > p.total) {
      throw ruleBroken('places_inconsistent', `${p.kind}: occupied + outOfService + held (${used}) exceed total (${p.total})`, {
        kind: p.kind,
        total: p.total,
        occupied: p.occupied ?? 0,
        outOfService: p.outOfService ?? 0,
        held: p.held ?? 0,
      });
    }
    if (p.kind === 'mother_child' && !p.childCapacity)
      throw ruleBroken('places_inconsistent', 'mother_child places need childCapacity', { kind: p.kind });
    if (p.kind !== 'mother_child' && p.childCapacity != null)
      throw ruleBroken('places_inconsistent', `childCapacity applies to mother_child places only, not ${p.kind}`, { kind: p.kind });
  }
}

/** Who the facility accepts, as far as place kinds go. */
export interface AcceptsKinds {
  adults: boolean;
  minors: boolean;
  children: boolean;
}

/** Whether the facility may have places of `kind`: adult beds take adults, minor places minors, and
 * a mother_child unit one adult, or a minor where minors are accepted, with her or his children. */
export function kindAccepted(a: AcceptsKinds, kind: PlaceKind): boolean {
  if (kind === 'adult') return a.adults;
  if (kind === 'minor') return a.minors;
  return a.children && (a.adults || a.minors);
}

/** A manager cannot add a place kind the facility does not accept: 422 kind_not_accepted. */
export function assertKindAccepted(a: AcceptsKinds, kind: PlaceKind): void {
  if (!kindAccepted(a, kind))
    throw ruleBroken('kind_not_accepted', `the facility does not accept the guests ${kind} places are for; change whom it accepts first`, {
      kind,
    });
}

/** Where matching measures from. A secret facility's point is coarsened to about 10 km. */
export function matchPoint(location: GeoPoint | undefined | null, centroid: GeoPoint, secret: boolean): GeoPoint {
  const p = location ?? centroid;
  if (!secret || !location) return { lat: p.lat, lon: p.lon };
  return { lat: Math.round(p.lat * 10) / 10, lon: Math.round(p.lon * 10) / 10 };
}
