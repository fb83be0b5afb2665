import type { Principal } from '../auth/principal.js';
import { canEditFacility, canManageAvailability, facilityAccess, seesAddress } from './facility.visibility.js';

const F = { id: '11111111-1111-4111-8111-111111111111', regionCode: '07', secretAddress: true };
const OPEN = { ...F, secretAddress: false };
const who = (role: Principal['role'], extra: Partial<Principal> = {}): Principal => ({ sub: role, role, facilities: [], ...extra });
const admin = who('admin');
const managerOwn = who('shelter_manager', { facilities: [F.id] });
const managerOther = who('shelter_manager', { facilities: ['22222222-2222-4222-8222-222222222222'] });
const uorOwn = who('uor', { region: '07' });
const uorOther = who('uor', { region: '09' });
const national = who('national');

describe('facility visibility', () => {
  it.each([
    [admin, 'full'],
    [managerOwn, 'full'],
    [managerOther, 'none'],
    [uorOwn, 'full'],
    [uorOther, 'limited'],
    [national, 'coarse'],
  ])('%o sees %s', (p, access) => expect(facilityAccess(p, F)).toBe(access));

  it.each([
    [admin, true],
    [uorOwn, true],
    [uorOther, false],
    [managerOwn, false],
    [national, false],
  ])('edit rights of %o: %s', (p, ok) => expect(canEditFacility(p, F)).toBe(ok));

  it.each([
    [admin, true],
    [managerOwn, true],
    [managerOther, false],
    [uorOwn, false],
    [national, false],
  ])('availability rights of %o: %s', (p, ok) => expect(canManageAvailability(p, F)).toBe(ok));

  it.each([
    [admin, F, false, true],
    [managerOwn, F, false, true],
    [managerOther, F, false, false],
    [uorOwn, F, false, false],
    [uorOwn, F, true, true],
    [uorOwn, OPEN, false, true],
    [uorOther, OPEN, false, false],
    [uorOther, F, true, true],
    [national, OPEN, true, false],
  ])('address for %o of %o (accepted=%s): %s', (p, f, accepted, ok) => expect(seesAddress(p, f, accepted)).toBe(ok));
});
