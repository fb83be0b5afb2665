/** The API's shapes, as far as the pages read them (README "API in brief"). */
export type Freshness = 'fresh' | 'stale' | 'unknown';
export interface Place {
  kind: string;
  total: number;
  occupied: number;
  held: number;
  outOfService: number;
  free: number;
  childCapacity?: number;
}
export interface Availability {
  facilityId: string;
  version: number;
  confirmedAt: string | null;
  freshness: Freshness;
  acceptingNewGuests: boolean;
  intakeNote: string | null;
  places: Place[];
}
export interface Facility {
  id: string;
  name?: string;
  type: string;
  regionCode: string;
  provinceCode: string;
  places: Place[];
  availability: { version: number; confirmedAt: string | null; freshness: Freshness; acceptingNewGuests: boolean };
  address?: string | null;
  addressHidden?: boolean;
  intakeNote?: string | null;
  services?: string[];
  wheelchairAccessible?: boolean;
  lgbtSafe?: boolean;
  onCallPhone?: string | null;
}
export interface CaseSummary {
  caseCode: string;
  regionCode?: string;
  person: Person | null;
  protectionLevel: string;
  stage: string;
  urgency: string;
}
export interface Person {
  gender: string;
  age: number;
  children: { age: number; sex?: string }[];
  pregnant: boolean;
  languages: string[];
  exploitation: string[];
  needs: string[];
  legalStatus?: string | null;
  nationality?: string | null;
  wheelchair?: boolean;
}
export interface Proposal {
  id: string;
  requestId: string;
  facilityId: string;
  status: string;
  placeKind: string;
  holdExpiresAt: string | null;
  placementId: string | null;
  declineReason?: string | null;
  declineNote?: string | null;
  /** withdrawn by the service because an edit of the request made the house unsafe for her */
  withdrawnReason?: 'request_changed' | null;
  case?: CaseSummary;
}
export interface RequestSummary {
  id: string;
  caseCode: string;
  status: string;
  urgency: string;
  stage: string;
  previousPlacementId?: string | null;
  /** a house accepted: waiting for the arrival */
  acceptedProposalId?: string | null;
  createdAt: string;
}
export interface Safety {
  /** where she was exploited or her network operates; [] is "non noto" */
  exploitationProvinces?: string[];
  allowExploitationArea?: boolean;
  allowExploitationAreaReason?: string | null;
  excludedProvinces: string[];
  excludedRegions: string[];
  minDistanceKm?: number | null;
  conflictTags: string[];
}
export interface Preferences {
  crossRegion: boolean;
  maxDistanceKm?: number | null;
  nearProvinceCode?: string | null;
  services?: string[];
  lgbtSafe?: boolean;
}
export interface PlacementRequest extends RequestSummary {
  person: Person | null;
  protectionLevel: string;
  origin: { provinceCode: string };
  safety: Safety;
  preferences: Preferences;
  regionCode: string;
  referralChannel?: string | null;
  note?: string | null;
  proposals: Proposal[];
}
export interface ScoreLine {
  criterion: string;
  points: number;
  max: number;
  note?: string;
}
export interface Candidate {
  facilityId: string;
  facilityName?: string;
  type: string;
  regionCode: string;
  provinceCode: string;
  placeKind: string;
  /** from where she is now */
  distanceKm: number;
  /** from the nearest exploitation province; null when none is given */
  exploitationDistanceKm?: number | null;
  /** `same_region_as_exploitation` */
  warnings?: string[];
  /** a single adult offered a mother-child place */
  placeKindFallback?: boolean;
  freshness: Freshness;
  score: number;
  breakdown: ScoreLine[];
}
export interface ExcludedHouse {
  facilityId: string;
  facilityName?: string;
  regionCode: string;
  provinceCode: string;
}
export interface Candidates {
  candidates: Candidate[];
  /** `facilities` (up to 50 per reason) for the roles that may see which houses */
  excluded: { reason: string; count: number; facilities?: ExcludedHouse[] }[];
}
export interface Region {
  code: string;
  name: string;
  uorOnCallPhone?: string | null;
  provinces: { code: string; name: string }[];
}
export interface CapacityRow {
  regionCode: string;
  provinceCode: string;
  type: string;
  kind: string;
  facilities: number;
  total: number;
  free: number;
  freeStale: number;
  staleFacilities: number;
  unknownFacilities: number;
  pausedFacilities: number;
}
export interface Capacity {
  generatedAt: string;
  rows: CapacityRow[];
}
// the codes come from the service's own list (a pure module, bundled in): a new type or kind shows up here too
export {
  EXPLOITATION_TYPES as EXPLOITATION,
  FACILITY_TYPES,
  GENDERS,
  LEGAL_STATUSES,
  PLACE_KINDS,
  SERVICES,
  STAGES,
  SUPPORTS as NEEDS,
  REFERRAL_CHANNELS,
  URGENCIES,
} from '../../../src/domain/types.js';
export const PROTECTION = ['high', 'medium', 'low'];
// the API's lists (src/lifecycle/proposals/proposal.entity.ts, src/lifecycle/placements/placement.entity.ts: entity modules, not bundled)
export const DECLINE_REASONS = ['no_longer_free', 'profile_not_suitable', 'safety_risk', 'group_composition', 'staff_capacity', 'other'];
export const DECLINE_NOTE_MAX = 300;
export const DISCHARGE_REASONS = [
  'completed',
  'transferred',
  'left',
  'assisted_return',
  'safety_relocation',
  'rule_breach',
  'other_network',
  'other',
];
