import type { CreateFacilityDto } from '../../src/facilities/dto/create-facility.dto.js';

let seq = 0;

/** A Genoa shelter for adult women and trans women with `beds` adult places (the benches' simplest facility). */
export function benchFacility(beds: number, label: string): CreateFacilityDto {
  seq++;
  return {
    name: `Bench ${label} ${seq} ${Date.now()}`,
    organization: 'Bench',
    type: 'casa_di_fuga',
    provinceCode: 'GE',
    accepts: { genders: ['female', 'transgender'], adults: true, minors: false, children: true },
    languages: ['it', 'en'],
    exploitationExpertise: ['sexual'],
    supports: [],
    secretAddress: false,
    address: `Via del Bench ${seq}, Genova`,
    contactEmail: `bench${seq}@example.org`,
    places: [{ kind: 'adult', total: beds }],
  };
}
