import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/auth/principal.js';
import type { CreateFacilityDto } from '../../src/facilities/dto/create-facility.dto.js';
import type { CreatePlacementRequestDto } from '../../src/lifecycle/requests/dto/placement-request.dto.js';

let n = 0;

/** A valid facility payload; override what the test is about. */
export function aFacility(o: Partial<CreateFacilityDto> = {}): CreateFacilityDto {
  n++;
  return {
    name: `Casa Test ${n}`,
    organization: 'Cooperativa Test',
    type: 'casa_di_fuga',
    provinceCode: 'GE',
    accepts: { genders: ['female', 'transgender'], adults: true, minors: false, children: true },
    languages: ['it', 'en'],
    exploitationExpertise: ['sexual'],
    supports: [],
    secretAddress: false,
    address: `Via di Prova ${n}, Genova`,
    contactEmail: `casa${n}@example.org`,
    places: [{ kind: 'adult', total: 4 }],
    ...o,
  };
}

export const principals = {
  admin: (): Principal => ({ sub: 'admin-1', role: 'admin', facilities: [] }),
  national: (): Principal => ({ sub: 'national-1', role: 'national', facilities: [] }),
  uor: (region = '07'): Principal => ({ sub: `uor-${region}`, role: 'uor', region, facilities: [], email: `uor${region}@example.org` }),
  manager: (...facilities: string[]): Principal => ({
    sub: `manager-${randomUUID().slice(0, 8)}`,
    role: 'shelter_manager',
    facilities,
    email: 'manager@example.org',
  }),
};

type CreateRequestBody = CreatePlacementRequestDto;
type PersonBody = CreateRequestBody['person'];
type SafetyBody = CreateRequestBody['safety'];
type PreferencesBody = CreateRequestBody['preferences'];

/** Overrides for aRequest: top-level fields replace, `person`, `safety` and `preferences` merge into the defaults. */
export type RequestOverrides = Partial<Omit<CreateRequestBody, 'person' | 'safety' | 'preferences'>> & {
  person?: Partial<PersonBody>;
  safety?: Partial<SafetyBody>;
  preferences?: Partial<PreferencesBody>;
};

let r = 0;

/** A valid placement request body (an adult woman, high protection, from Genova, no exclusions) that
 * the default aFacility() accepts; override what the test is about. */
export function aRequest(o: RequestOverrides = {}): CreateRequestBody {
  r++;
  const { person, safety, preferences, ...rest } = o;
  return {
    caseCode: `TST-2026-${String(r).padStart(4, '0')}-${randomUUID().slice(0, 6)}`,
    person: { gender: 'female', age: 24, children: [], pregnant: false, languages: ['en'], exploitation: ['sexual'], needs: [], ...person },
    protectionLevel: 'high',
    stage: 'first_reception',
    origin: { provinceCode: 'GE' },
    safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [], ...safety },
    preferences: { crossRegion: true, ...preferences },
    urgency: 'immediate',
    ...rest,
  } as CreateRequestBody;
}
