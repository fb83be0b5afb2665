// The domain vocabulary: plain types shared by the pure cores and the features. No Nest or TypeORM import here.
export const GENDERS = ['female', 'male', 'transgender'] as const;
export type Gender = (typeof GENDERS)[number];

export const PLACE_KINDS = ['adult', 'mother_child', 'minor'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export const PROTECTION_LEVELS = ['low', 'medium', 'high'] as const;
export type ProtectionLevel = (typeof PROTECTION_LEVELS)[number];

export const FACILITY_TYPES = [
  'casa_di_fuga',
  'high_intensity_community',
  'medium_intensity_community',
  'protected_flat',
  'semi_autonomy_flat',
  'autonomy_flat',
  /** alloggio sociale */
  'social_housing',
  /** short stays in contracted lodging (hotel, B&B): protection low */
  'emergency_accommodation',
] as const;
export type FacilityType = (typeof FACILITY_TYPES)[number];

export const STAGES = ['first_reception', 'second_reception'] as const;
export type Stage = (typeof STAGES)[number];

export const EXPLOITATION_TYPES = ['sexual', 'labour', 'begging', 'forced_crime', 'domestic_servitude'] as const;
export type ExploitationType = (typeof EXPLOITATION_TYPES)[number];

export const SUPPORTS = ['mental_health', 'substance_use', 'disability', 'pregnancy'] as const;
export type Support = (typeof SUPPORTS)[number];

/** What a facility offers besides a bed (the seeds' "servizi"). */
export const SERVICES = [
  'legal',
  'psychological',
  'health',
  'italian_classes',
  'job_placement',
  'registered_residence',
  'cultural_mediation',
] as const;
export type Service = (typeof SERVICES)[number];

/** The person's legal status; a facility lists those it accepts (none listed: all). */
export const LEGAL_STATUSES = ['art18_permit', 'asylum_seeker', 'international_protection', 'eu_citizen', 'no_permit'] as const;
export type LegalStatus = (typeof LEGAL_STATUSES)[number];

export const CHILD_SEXES = ['female', 'male', 'unknown'] as const;
export type ChildSex = (typeof CHILD_SEXES)[number];

export type Freshness = 'fresh' | 'stale' | 'unknown';

/** Reason codes, in the precedence used when a facility fails several constraints:
 * safety first (an unsafe place is never "just full"), then geography, then fit, then capacity. */
export const EXCLUSION_REASONS = [
  'conflict',
  /** in a province where she was exploited or her network operates */
  'exploitation_area',
  'excluded_area',
  'too_close',
  'out_of_region',
  'too_far',
  'gender_not_accepted',
  'age_not_accepted',
  'children_not_accepted',
  'legal_status_not_accepted',
  'protection_too_low',
  'needs_unsupported',
  'not_wheelchair_accessible',
  'not_accepting',
  'no_free_place',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface GeoPoint {
  lat: number;
  lon: number;
}

/** A province where she was exploited, as the core measures from it. */
export interface ExploitationArea {
  provinceCode: string;
  regionCode: string;
  point: GeoPoint;
}

export interface PersonProfile {
  gender: Gender;
  age: number;
  /** sex missing (profiles stored before it existed) reads as 'unknown' */
  children: { age: number; sex?: ChildSex }[];
  pregnant: boolean;
  languages: string[];
  exploitation: ExploitationType[];
  needs: Support[];
  /** hard constraint legal_status_not_accepted; unknown (absent) is never excluded */
  legalStatus?: LegalStatus | null;
  /** ISO 3166-1 alpha-2, for reports only: never judged */
  nationality?: string | null;
  /** uses a wheelchair: hard constraint not_wheelchair_accessible */
  wheelchair?: boolean;
}

/** A placement request (or an ad-hoc capacity search) as the core sees it: places resolved to points. */
export interface MatchRequest {
  person: PersonProfile;
  protectionLevel: ProtectionLevel;
  stage: Stage;
  /** the requesting UOR's region: out_of_region is measured against it */
  regionCode: string;
  origin: { provinceCode: string; regionCode: string; point: GeoPoint };
  safety: {
    excludedProvinces: string[];
    excludedRegions: string[];
    /** measured from the nearest exploitation area; from the origin only when there is none */
    minDistanceKm?: number | null;
    /** canonical (see foldConflictTag) */
    conflictTags: string[];
    /** where she was exploited or her network operates, resolved to points (none: not known) */
    exploitationAreas?: ExploitationArea[];
    /** the operator lifted exploitation_area (audited, with her reason); too_close still holds */
    allowExploitationArea?: boolean;
  };
  preferences: {
    crossRegion: boolean;
    maxDistanceKm?: number | null;
    /** centroid of nearProvinceCode, when given */
    near?: GeoPoint | null;
    /** services wanted (soft: criterion `services`) */
    services?: Service[];
    /** an LGBT+-safe house wanted (soft: criterion `services`) */
    lgbtSafe?: boolean;
  };
  /**
   * A transfer: the facility the person lives in now, while her previous placement is active. Her
   * own conflict tags never exclude it (she is the one carrying them there).
   */
  currentFacilityId?: string | null;
}

export interface PlaceSnapshot {
  kind: PlaceKind;
  free: number;
  /** for mother_child units: how many children one unit takes */
  childCapacity?: number | null;
}

/** A facility as the core sees it: everything needed to decide, nothing else. */
export interface FacilitySnapshot {
  id: string;
  name: string;
  type: FacilityType;
  regionCode: string;
  provinceCode: string;
  protectionLevel: ProtectionLevel;
  /** boysUpToAge: the oldest boy who may come with his mother (null: no limit) */
  accepts: { genders: Gender[]; adults: boolean; minors: boolean; children: boolean; boysUpToAge: number | null };
  languages: string[];
  exploitationExpertise: ExploitationType[];
  supports: Support[];
  services: Service[];
  wheelchairAccessible: boolean;
  lgbtSafe: boolean;
  /** empty: every status */
  legalStatusesAccepted: LegalStatus[];
  acceptingNewGuests: boolean;
  /** precise location, or the province centroid when none */
  point: GeoPoint;
  freshness: Freshness;
  /** every place kind the facility has (free may be 0) */
  places: PlaceSnapshot[];
  /** conflict tags of the people it hosts or holds a place for right now */
  conflictTags: string[];
}

export interface MatchingWeights {
  stage_fit: number;
  language: number;
  exploitation_expertise: number;
  proximity: number;
  protection_fit: number;
  place_kind_fit: number;
  freshness: number;
  /** services (and LGBT+-safety) the request wants, as far as the facility offers them */
  services: number;
}
export type Criterion = keyof MatchingWeights;

export interface BreakdownItem {
  criterion: Criterion;
  points: number;
  max: number;
  note?: string;
}

/**
 * Signs on a candidate that passes every hard constraint but deserves a second look:
 * `in_exploitation_area` — in a province where she was exploited (allowed by allowExploitationArea);
 * `same_region_as_exploitation` — in a region where she was exploited;
 * `exploitation_area_unknown_same_province` — where she was exploited is not known, no minDistanceKm
 * is set, and the house is in the province where she is now.
 */
export const CANDIDATE_WARNINGS = [
  'in_exploitation_area',
  'same_region_as_exploitation',
  'exploitation_area_unknown_same_province',
] as const;
export type CandidateWarning = (typeof CANDIDATE_WARNINGS)[number];

export interface Candidate {
  facilityId: string;
  placeKind: PlaceKind;
  /** from the origin (where she is now) */
  distanceKm: number;
  /** from the nearest exploitation area; null when none is given */
  exploitationDistanceKm: number | null;
  warnings: CandidateWarning[];
  /** a single adult offered a mother-child unit: only when no adult bed is free there */
  placeKindFallback: boolean;
  freshness: Freshness;
  score: number;
  breakdown: BreakdownItem[];
}

export interface MatchResult {
  candidates: Candidate[];
  /** facilityIds (in the order judged) only when asked for (RankOptions.listExcluded) */
  excluded: { reason: ExclusionReason; count: number; facilityIds?: string[] }[];
}

/** How urgently a request needs a place. */
export const URGENCIES = ['immediate', 'within_24h', 'planned'] as const;
export type Urgency = (typeof URGENCIES)[number];
/** Who referred the person (contract "Requests, proposals, placements"); reported by `people`. */
export const REFERRAL_CHANNELS = [
  'helpline',
  'street_unit',
  'social_services',
  'reception_centre',
  'territorial_commission',
  'law_enforcement',
  'health_services',
  'lawyer',
  'labour_union',
  'self',
  'other',
] as const;
export type ReferralChannel = (typeof REFERRAL_CHANNELS)[number];
