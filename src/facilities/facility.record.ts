import type { PlaceKind } from '../domain/types.js';
import type { FacilityEntity } from './facility.entity.js';

/** Places of one kind with the live holds counted in. */
export interface PlaceRecord {
  kind: PlaceKind;
  total: number;
  occupied: number;
  outOfService: number;
  held: number;
  childCapacity: number | null;
}

export type FacilityRecord = Omit<FacilityEntity, 'places'> & { places: PlaceRecord[] };

const KIND_ORDER: PlaceKind[] = ['adult', 'mother_child', 'minor'];
export const byKind = (a: { kind: PlaceKind }, b: { kind: PlaceKind }) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
