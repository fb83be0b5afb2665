import type { CreateFacilityDto } from '../../src/facilities/dto/create-facility.dto.js';
import { aFacility } from '../../test/support/factories.js';

let seq = 0;

/** The tests' facility (a Genoa shelter for adult women and trans women, test/support/factories.ts) with `beds` adult places. */
export function benchFacility(beds: number, label: string): CreateFacilityDto {
  seq++;
  return aFacility({ name: `Bench ${label} ${seq} ${Date.now()}`, organization: 'Bench', places: [{ kind: 'adult', total: beds }] });
}
