import type { Principal } from '../auth/principal.js';

/**
 * What a caller may see of a facility:
 * full: every field (a secret address still needs seesSecretAddress);
 * limited: a UOR looking at another region: no address, contact, precise location or intake note;
 * coarse: national: region, province, type and places only;
 * none: answer 404.
 */
export type FacilityAccess = 'full' | 'limited' | 'coarse' | 'none';

interface Scoped {
  id: string;
  regionCode: string;
}

export function facilityAccess(p: Principal, f: Scoped): FacilityAccess {
  switch (p.role) {
    case 'admin':
      return 'full';
    case 'shelter_manager':
      return p.facilities.includes(f.id) ? 'full' : 'none';
    case 'uor':
      return p.region === f.regionCode ? 'full' : 'limited';
    case 'national':
      return 'coarse';
    default:
      return 'none';
  }
}

/** Descriptive edits: admin anywhere, a UOR in its own region. */
export const canEditFacility = (p: Principal, f: Scoped) => p.role === 'admin' || (p.role === 'uor' && p.region === f.regionCode);

/** Bed numbers: the facility's own managers and admin. */
export const canManageAvailability = (p: Principal, f: Scoped) =>
  p.role === 'admin' || (p.role === 'shelter_manager' && p.facilities.includes(f.id));

/**
 * A secret address is shown only to its managers, to admins, and to the UOR whose proposal to it
 * was accepted (`acceptedForCaller`, decided by the placements module).
 */
export function seesAddress(p: Principal, f: Scoped & { secretAddress: boolean }, acceptedForCaller = false): boolean {
  if (p.role === 'admin') return true;
  if (p.role === 'shelter_manager') return p.facilities.includes(f.id);
  // a UOR whose proposal was accepted must find the house, whatever its region
  if (p.role === 'uor') return acceptedForCaller || (p.region === f.regionCode && !f.secretAddress);
  return false;
}
