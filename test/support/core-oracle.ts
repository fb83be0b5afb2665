// The hard constraints re-stated from the contract, deliberately not calling the core (no jest import).
import type { FacilitySnapshot, GeoPoint, MatchRequest } from '../../src/domain/types.js';

export function km(a: GeoPoint, b: GeoPoint): number {
  const r = Math.PI / 180;
  const x = Math.sin(((b.lat - a.lat) * r) / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(x));
}
const level = (l: string): number => ['low', 'medium', 'high'].indexOf(l);

/** The kind the person may take here, or null, by the contract's own words. */
function admissibleKind(req: MatchRequest, f: FacilitySnapshot): string | null {
  const p = req.person;
  const free = (kind: string, minCap = -1) => f.places.some((x) => x.kind === kind && x.free > 0 && (x.childCapacity ?? 0) >= minCap);
  if (p.children.length > 0) return free('mother_child', p.children.length) ? 'mother_child' : null;
  if (p.age < 18) return free('minor') ? 'minor' : null;
  if (free('adult')) return 'adult';
  return free('mother_child') ? 'mother_child' : null;
}

export function violations(req: MatchRequest, f: FacilitySnapshot, kindUsed: string | null): string[] {
  const p = req.person;
  const d = km(f.point, req.origin.point);
  // where she was exploited: minDistanceKm is measured from the nearest such province (the origin only when none is given)
  const areas = req.safety.exploitationAreas ?? [];
  const dNear = Math.min(...(areas.length ? areas.map((a) => a.point) : [req.origin.point]).map((pt) => km(f.point, pt)));
  const v: string[] = [];
  // her own tags are in her current house (a transfer): they never shut her out of it
  if (f.id !== req.currentFacilityId && f.conflictTags.some((t) => req.safety.conflictTags.includes(t))) v.push('conflict');
  if (req.safety.excludedProvinces.includes(f.provinceCode) || req.safety.excludedRegions.includes(f.regionCode)) v.push('area');
  if (!req.safety.allowExploitationArea && areas.some((a) => a.provinceCode === f.provinceCode)) v.push('exploitation area');
  if (req.safety.minDistanceKm && dNear < req.safety.minDistanceKm) v.push('too close');
  if (req.preferences.maxDistanceKm != null && d > req.preferences.maxDistanceKm) v.push('too far');
  if (!req.preferences.crossRegion && f.regionCode !== req.regionCode) v.push('region');
  if (!f.accepts.genders.includes(p.gender)) v.push('gender');
  if (p.age < 18 ? !f.accepts.minors : !f.accepts.adults) v.push('age');
  if (p.children.length > 0 && !f.accepts.children) v.push('children');
  const limit = f.accepts.boysUpToAge;
  if (limit != null && p.children.some((c) => c.sex === 'male' && c.age > limit)) v.push('boy too old');
  if (p.legalStatus && f.legalStatusesAccepted.length > 0 && !f.legalStatusesAccepted.includes(p.legalStatus)) v.push('legal status');
  if (p.wheelchair && !f.wheelchairAccessible) v.push('wheelchair');
  if (level(f.protectionLevel) < level(req.protectionLevel)) v.push('protection');
  if ([...p.needs, ...(p.pregnant ? ['pregnancy'] : [])].some((n) => !f.supports.includes(n as never))) v.push('needs');
  if (!f.acceptingNewGuests) v.push('paused');
  const kind = admissibleKind(req, f);
  if (kind === null) v.push('no place');
  else if (kindUsed !== null && kindUsed !== kind) v.push(`wrong kind ${kindUsed}, expected ${kind}`);
  return v;
}
