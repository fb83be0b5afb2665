import { forbidden, notFound } from '../domain/errors.js';
import type { ExclusionReason } from '../domain/types.js';
import type { Principal } from './principal.js';

/**
 * The one access policy (in the spirit of immich's `requireAccess`): services ask it, nobody else
 * compares roles. Routes admit roles (@Roles, checked by the guard); this decides about one object.
 * The authorization matrix test (test/security) checks the outcome route by route.
 */

/** What a check needs to know of the object: only ids and regions, never its data. */
export interface FacilityRef {
  id: string;
  regionCode: string;
}
export interface CaseRef {
  /** the region of the placement request */
  regionCode: string;
  /** the facility a proposal or placement is about */
  facilityId?: string;
}

/**
 * What a caller may see of a facility:
 * full: every field (a secret address still needs seesAddress);
 * limited: a UOR looking at another region: no address, contact, precise location or intake note;
 * coarse: national: region, province, type and places only;
 * none: answer 404.
 */
export type FacilityAccess = 'full' | 'limited' | 'coarse' | 'none';

export function facilityAccess(p: Principal, f: FacilityRef): FacilityAccess {
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

/**
 * A secret address is shown only to its managers, to admins, and to the UOR whose proposal to it
 * was accepted (`acceptedForCaller`, decided by the placement lifecycle).
 */
export function seesAddress(p: Principal, f: FacilityRef & { secretAddress: boolean }, acceptedForCaller = false): boolean {
  if (p.role === 'admin') return true;
  if (p.role === 'shelter_manager') return p.facilities.includes(f.id);
  // a UOR whose proposal was accepted must find the house, whatever its region
  if (p.role === 'uor') return acceptedForCaller || (p.region === f.regionCode && !f.secretAddress);
  return false;
}

const isAdmin = (p: Principal) => p.role === 'admin';
const ownRegion = (p: Principal, regionCode: string) => p.role === 'uor' && p.region === regionCode;
const managesFacility = (p: Principal, facilityId: string | undefined) =>
  p.role === 'shelter_manager' && !!facilityId && p.facilities.includes(facilityId);

/** Each permission: who may, about which object, and what a refusal says. */
const POLICY = {
  /** create or import a facility in a region: admin anywhere, a UOR in its own region */
  'facility.create': {
    allows: (p: Principal, o: { regionCode: string }) => isAdmin(p) || ownRegion(p, o.regionCode),
    refusal: 'a UOR creates facilities in its own region only',
  },
  /** descriptive edits */
  'facility.edit': {
    allows: (p: Principal, o: FacilityRef) => isAdmin(p) || ownRegion(p, o.regionCode),
    refusal: 'only an administrator or the UOR of its region edits a facility',
  },
  /** move a facility to a province of another region */
  'facility.move': {
    allows: (p: Principal, o: { regionCode: string }) => isAdmin(p) || ownRegion(p, o.regionCode),
    refusal: 'a UOR cannot move a facility out of its region',
  },
  /** whether an address is secret protects people: administrators only */
  'facility.secrecy': {
    allows: (p: Principal, _o: FacilityRef) => isAdmin(p),
    refusal: 'only an administrator changes whether an address is secret',
  },
  /** bed numbers: the facility's own managers and admin */
  'availability.manage': {
    allows: (p: Principal, o: FacilityRef) => isAdmin(p) || managesFacility(p, o.id),
    refusal: 'only the facility managers and administrators change its beds',
  },
  'availability.history': {
    allows: (p: Principal, o: FacilityRef) => isAdmin(p) || managesFacility(p, o.id) || ownRegion(p, o.regionCode),
    refusal: 'the history is for the facility managers, the UOR of its region and administrators',
  },
  /** a placement request: the UOR of its region and admin (others get 404: they must not learn it exists) */
  'request.read': { allows: (p: Principal, o: CaseRef) => isAdmin(p) || ownRegion(p, o.regionCode), refusal: 'placement request' },
  /** a proposal or a placement: also the managers of its facility */
  'case.read': {
    allows: (p: Principal, o: CaseRef) => isAdmin(p) || managesFacility(p, o.facilityId) || ownRegion(p, o.regionCode),
    refusal: 'resource',
  },
  /** accept or decline: the facility's side */
  'proposal.decide': {
    allows: (p: Principal, o: CaseRef) => isAdmin(p) || managesFacility(p, o.facilityId),
    refusal: 'the facility decides on its proposals',
  },
  /** withdraw: the requesting side (a UOR that can read the request) */
  'proposal.withdraw': {
    allows: (p: Principal, o: CaseRef) => isAdmin(p) || ownRegion(p, o.regionCode),
    refusal: 'the requesting UOR withdraws its proposals',
  },
  /** a request's profile shown with a proposal: the facility's side, audited */
  'proposal.profile': {
    allows: (p: Principal, _o: CaseRef) => isAdmin(p) || p.role === 'shelter_manager',
    refusal: 'the profile is for the facility',
  },
  /**
   * Invite or change a member: an administrator anyone; a UOR only shelter managers of its own
   * region's facilities (`facilityRegions`: the regions of the facilities she would manage).
   */
  'member.manage': {
    allows: (p: Principal, o: MemberRef) =>
      isAdmin(p) ||
      (p.role === 'uor' && o.role === 'shelter_manager' && o.facilityRegions.length > 0 && o.facilityRegions.every((r) => r === p.region)),
    refusal: 'a UOR invites and changes only shelter managers of its own region’s facilities',
  },
  /** see a member: an administrator all; a UOR the shelter managers of its region's facilities */
  'member.read': {
    allows: (p: Principal, o: MemberRef) =>
      isAdmin(p) || (p.role === 'uor' && o.role === 'shelter_manager' && o.facilityRegions.some((r) => r === p.region)),
    refusal: 'member',
  },
  /** a service member (a machine client that signs in only with API keys): administrators only */
  'member.service': {
    allows: (p: Principal, _o: MemberRef) => isAdmin(p),
    refusal: 'only an administrator makes service members',
  },
  /** an API key for someone else: an administrator, for a service member only (a person makes her own) */
  'apiKey.createFor': {
    allows: (p: Principal, o: MemberRef & { service: boolean }) => isAdmin(p) && o.service,
    refusal: 'an administrator makes API keys for service members only; people make their own',
  },
  /** see and revoke an API key: its member, an administrator, a UOR for the managers of her region's facilities */
  'apiKey.revoke': {
    allows: (p: Principal, o: MemberRef & { memberId: string }) =>
      p.sub === o.memberId ||
      isAdmin(p) ||
      (p.role === 'uor' && o.role === 'shelter_manager' && o.facilityRegions.some((r) => r === p.region)),
    refusal: 'API key',
  },
} as const;

/** What a member check needs: her role and the regions of the facilities she manages (or would). */
export interface MemberRef {
  role: Principal['role'];
  facilityRegions: string[];
}

/** Which members a caller lists: all (admin), the managers of one region's facilities (uor), or none. */
export function memberListScope(p: Principal): { all: true } | { managersOfRegion: string } | null {
  if (isAdmin(p)) return { all: true };
  if (p.role === 'uor' && p.region) return { managersOfRegion: p.region };
  return null;
}

export type Permission = keyof typeof POLICY;
type ObjectOf<P extends Permission> = Parameters<(typeof POLICY)[P]['allows']>[1];

export function can<P extends Permission>(p: Principal, permission: P, object: ObjectOf<P>): boolean {
  return (POLICY[permission].allows as (p: Principal, o: unknown) => boolean)(p, object);
}

/** Throws 403 `forbidden` with the permission's reason. */
export function requireAccess<P extends Permission>(p: Principal, permission: P, object: ObjectOf<P>): void {
  if (!can(p, permission, object)) throw forbidden(POLICY[permission].refusal);
}

/** For reads: a refusal is a 404 `not_found`, so callers outside the scope cannot tell the object exists. */
export function requireVisible<P extends Permission>(
  p: Principal,
  permission: P,
  object: ObjectOf<P> | null | undefined,
  what: string,
): void {
  if (!object || !can(p, permission, object)) throw notFound(what);
}

/**
 * The part of lists and reports a caller sees: `regionCode` limits to one region (a UOR's own),
 * `facilityIds` to the facilities a manager runs; undefined means no limit.
 */
export interface Scope {
  regionCode?: string;
  facilityIds?: string[];
}
export function scopeOf(p: Principal): Scope {
  switch (p.role) {
    case 'uor':
      return { regionCode: p.region ?? '--' };
    case 'shelter_manager':
      return { facilityIds: p.facilities };
    default:
      return {};
  }
}

/** Searches and plans are relative to the caller's region when the caller is a UOR. */
export const homeRegion = (p: Principal): string | undefined => (p.role === 'uor' ? p.region : undefined);

/** National and admin see the network coarsely in plans (no facility names); a UOR sees its own region's. */
export const seesCoarsePlans = (p: Principal) => p.role !== 'uor';

/** Reports: national and admin report on the whole network; the others within their scope. */
export const reportsNationally = (p: Principal) => p.role === 'national' || p.role === 'admin';

/**
 * "Perché le altre no": the facilities a caller may see named under an exclusion reason (name,
 * region, province; never an address, contact or location): those she sees at least `limited`.
 * National reads the network coarse, so counts only. Under `conflict`, counts only for every role:
 * a house named there is a house sheltering someone of the network whose tag was typed, and any
 * UOR can type any tag.
 */
export const namesExcludedFacility = (p: Principal, f: FacilityRef, reason: ExclusionReason): boolean => {
  if (reason === 'conflict') return false;
  const access = facilityAccess(p, f);
  return access === 'full' || access === 'limited';
};

/**
 * Conflict tags suggested as a UOR types (GET /conflict-tags, uor and admin): from every region,
 * because a network crosses regions and the point is that two regions type it alike. Tags only,
 * never where they are: a tag names no person, house or region.
 */
export const conflictTagScope = (p: Principal): Scope => (p.role === 'uor' || p.role === 'admin' ? {} : { facilityIds: [] });
