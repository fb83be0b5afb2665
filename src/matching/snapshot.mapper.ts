import { canonical, canonicalAll } from './canonical.js';
import type { SnapshotRow } from './matching.repository.js';
import type { FacilitySnapshot, Freshness } from '../domain/types.js';

/**
 * A database row as the core sees it. Every array and object is copied on purpose and every code
 * pooled (see canonical): the copies of one facility are then allocated together, and judging
 * 10,000 facilities in a row is bound by memory latency far more than by the rules.
 */
export function toSnapshot(r: SnapshotRow, freshness: Freshness, conflictTags: string[]): FacilitySnapshot {
  return {
    id: r.id,
    name: r.name,
    type: canonical(r.type),
    regionCode: canonical(r.regionCode),
    provinceCode: canonical(r.provinceCode),
    protectionLevel: canonical(r.protectionLevel),
    accepts: { genders: canonicalAll(r.genders), adults: r.adults, minors: r.minors, children: r.children, boysUpToAge: r.boysUpToAge },
    languages: canonicalAll(r.languages),
    exploitationExpertise: canonicalAll(r.exploitationExpertise),
    supports: canonicalAll(r.supports),
    services: canonicalAll(r.services),
    wheelchairAccessible: r.wheelchairAccessible,
    lgbtSafe: r.lgbtSafe,
    legalStatusesAccepted: canonicalAll(r.legalStatusesAccepted),
    acceptingNewGuests: r.acceptingNewGuests,
    point: { lat: r.lat, lon: r.lon },
    freshness,
    places: (r.places ?? []).map((p) => ({ kind: canonical(p.kind), free: p.free, childCapacity: p.childCapacity })),
    conflictTags,
  };
}
