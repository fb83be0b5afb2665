import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/auth/principal.js';
import type { CreateFacilityDto } from '../../src/facilities/dto/create-facility.dto.js';

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
  manager: (...facilities: string[]): Principal => ({ sub: `manager-${randomUUID().slice(0, 8)}`, role: 'shelter_manager', facilities, email: 'manager@example.org' }),
};
