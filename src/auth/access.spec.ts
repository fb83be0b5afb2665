import type { Principal } from './principal.js';
import {
  can,
  conflictTagScope,
  facilityAccess,
  namesExcludedFacility,
  requireAccess,
  requireVisible,
  scopeOf,
  seesAddress,
} from './access.js';

const canEditFacility = (p: Principal, f: { id: string; regionCode: string }) => can(p, 'facility.edit', f);
const canManageAvailability = (p: Principal, f: { id: string; regionCode: string }) => can(p, 'availability.manage', f);

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

describe('the access policy on cases and scopes', () => {
  const CASE = { regionCode: '07', facilityId: F.id };
  it.each([
    // [caller, request.read, case.read, proposal.decide, proposal.withdraw]
    ['admin', admin, true, true, true, true],
    ['UOR of the region', uorOwn, true, true, false, true],
    ['UOR of another region', uorOther, false, false, false, false],
    ['manager of the facility', managerOwn, false, true, true, false],
    ['manager of another facility', managerOther, false, false, false, false],
    ['national', national, false, false, false, false],
  ])('%s', (_name, p, readRequest, readCase, decide, withdraw) => {
    expect([
      can(p, 'request.read', CASE),
      can(p, 'case.read', CASE),
      can(p, 'proposal.decide', CASE),
      can(p, 'proposal.withdraw', CASE),
    ]).toEqual([readRequest, readCase, decide, withdraw]);
  });

  it('refuses with 403 where the caller may know the object, with 404 where it may not', () => {
    expect(() => requireAccess(uorOther, 'facility.edit', F)).toThrow(expect.objectContaining({ kind: 'forbidden', code: 'forbidden' }));
    expect(() => requireVisible(uorOther, 'request.read', CASE, 'placement request')).toThrow(
      expect.objectContaining({ kind: 'not_found', code: 'not_found' }),
    );
    expect(() => requireVisible(admin, 'request.read', null, 'placement request')).toThrow(expect.objectContaining({ kind: 'not_found' }));
    expect(() => requireAccess(admin, 'facility.secrecy', F)).not.toThrow();
    expect(() => requireAccess(uorOwn, 'facility.secrecy', F)).toThrow(
      expect.objectContaining({ message: 'only an administrator changes whether an address is secret' }),
    );
  });

  it('scopes lists: a UOR to its region, a manager to its facilities, national and admin to nothing less than all', () => {
    expect(scopeOf(uorOwn)).toEqual({ regionCode: '07' });
    expect(scopeOf(managerOwn)).toEqual({ facilityIds: [F.id] });
    expect(scopeOf(national)).toEqual({});
    expect(scopeOf(admin)).toEqual({});
  });
});

describe('API keys (issue 34)', () => {
  const keyOf = (memberId: string, role: Principal['role'], facilityRegions: string[] = []) => ({ memberId, role, facilityRegions });
  it.each([
    ['her own', managerOwn, keyOf(managerOwn.sub, 'shelter_manager', ['07']), true],
    ['an administrator, anyone’s', admin, keyOf('someone', 'national'), true],
    ['the UOR of a manager’s region', uorOwn, keyOf('m', 'shelter_manager', ['07']), true],
    ['the UOR of a manager with houses in two regions, one hers', uorOther, keyOf('m', 'shelter_manager', ['07', '09']), true],
    ['the UOR of another region', uorOther, keyOf('m', 'shelter_manager', ['07']), false],
    ['a UOR, another UOR’s', uorOwn, keyOf('u', 'uor'), false],
    ['a manager, another manager’s', managerOther, keyOf('m', 'shelter_manager', ['07']), false],
    ['national, anyone else’s', national, keyOf('a', 'admin'), false],
  ])('revoking: %s → %s', (_what, p, key, allowed) => expect(can(p, 'apiKey.revoke', key)).toBe(allowed));

  it('a key for someone else: an administrator, for a service member only', () => {
    const service = { memberId: 's', role: 'uor' as const, facilityRegions: [], service: true };
    expect(can(admin, 'apiKey.createFor', service)).toBe(true);
    expect(can(admin, 'apiKey.createFor', { ...service, service: false })).toBe(false);
    for (const p of [uorOwn, managerOwn, national]) expect(can(p, 'apiKey.createFor', service)).toBe(false);
    expect(can(admin, 'member.service', { role: 'uor', facilityRegions: [] })).toBe(true);
    expect(can(uorOwn, 'member.service', { role: 'shelter_manager', facilityRegions: ['07'] })).toBe(false);
  });
});

describe('issue 28: excluded houses named, conflict tags suggested', () => {
  const house = { id: 'f-ge', regionCode: '07' };
  const as = (role: Principal['role'], extra: Partial<Principal> = {}): Principal => ({ sub: role, role, facilities: [], ...extra });

  it('names excluded houses to a UOR of any region and to an admin, never to the national view or another house', () => {
    expect(namesExcludedFacility(as('uor', { region: '07' }), house, 'no_free_place')).toBe(true);
    expect(namesExcludedFacility(as('uor', { region: '09' }), house, 'exploitation_area')).toBe(true);
    expect(namesExcludedFacility(as('admin'), house, 'too_close')).toBe(true);
    expect(namesExcludedFacility(as('national'), house, 'no_free_place')).toBe(false);
    expect(namesExcludedFacility(as('shelter_manager', { facilities: ['f-sp'] }), house, 'no_free_place')).toBe(false);
  });

  it('never names a house excluded for a conflict, to anyone: it would say where a network has a victim', () => {
    const everyone = [
      as('uor', { region: '07' }),
      as('uor', { region: '09' }),
      as('admin'),
      as('national'),
      as('shelter_manager', { facilities: ['f-ge'] }),
    ];
    for (const p of everyone) expect(namesExcludedFacility(p, house, 'conflict')).toBe(false);
  });

  it('suggests tags from every region to UORs and admins, none to anyone else', () => {
    expect(conflictTagScope(as('uor', { region: '09' }))).toEqual({});
    expect(conflictTagScope(as('admin'))).toEqual({});
    expect(conflictTagScope(as('national'))).toEqual({ facilityIds: [] });
    expect(conflictTagScope(as('shelter_manager', { facilities: ['f-ge'] }))).toEqual({ facilityIds: [] });
  });
});
