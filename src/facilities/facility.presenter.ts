import type { Freshness, GeoPoint } from '../domain/types.js';
import type { FacilityAccess } from '../auth/access.js';
import { freeOf } from '../domain/free-places.js';
import { FacilityRecord } from './facility.record.js';

export interface PresentOptions {
  access: Exclude<FacilityAccess, 'none'>;
  freshness: Freshness;
  /** decrypted address and location, only when the caller may see them */
  address?: string | null;
  location?: GeoPoint | null;
}

export function presentPlaces(f: FacilityRecord) {
  return f.places.map((p) => ({
    kind: p.kind,
    total: p.total,
    occupied: p.occupied,
    held: p.held,
    outOfService: p.outOfService,
    free: freeOf(p),
    ...(p.kind === 'mother_child' ? { childCapacity: p.childCapacity } : {}),
  }));
}

/** One facility as the caller may see it: fields it may not see are absent, not blanked. */
export function presentFacility(f: FacilityRecord, o: PresentOptions) {
  const availability = {
    version: f.availabilityVersion,
    confirmedAt: f.confirmedAt?.toISOString() ?? null,
    freshness: o.freshness,
    stale: o.freshness !== 'fresh',
    acceptingNewGuests: f.acceptingNewGuests,
  };
  const coarse = {
    id: f.id,
    type: f.type,
    regionCode: f.regionCode,
    provinceCode: f.provinceCode,
    protectionLevel: f.protectionLevel,
    accepts: {
      genders: f.acceptsGenders,
      adults: f.acceptsAdults,
      minors: f.acceptsMinors,
      children: f.acceptsChildren,
      boysUpToAge: f.acceptsBoysUpToAge,
    },
    places: presentPlaces(f),
    availability,
  };
  if (o.access === 'coarse') return coarse;
  const limited = {
    ...coarse,
    name: f.name,
    organization: f.organization,
    languages: f.languages,
    exploitationExpertise: f.exploitationExpertise,
    supports: f.supports,
    services: f.services,
    wheelchairAccessible: f.wheelchairAccessible,
    lgbtSafe: f.lgbtSafe,
    legalStatusesAccepted: f.legalStatusesAccepted,
    expectedStayDays: f.expectedStayDays,
    educatorHoursPerWeek: f.educatorHoursPerWeek,
    secretAddress: f.secretAddress,
  };
  if (o.access === 'limited') return limited;
  const addressVisible = o.address !== undefined && o.address !== null;
  return {
    ...limited,
    address: addressVisible ? o.address : null,
    addressHidden: !addressVisible,
    location: addressVisible ? (o.location ?? null) : null,
    contactEmail: f.contactEmail,
    externalCode: f.externalCode,
    // where contactEmail is, and nowhere else: at 2 a.m. the practice is to call it
    onCallPhone: f.onCallPhone,
    intakeNote: f.intakeNote,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}
