import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PersonProfile, ProtectionLevel, Stage } from '../../domain/types.js';

export const REQUEST_STATUSES = ['open', 'proposed', 'placed', 'closed', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
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

export interface Safety {
  exploitationProvinces?: string[];
  allowExploitationArea?: boolean;
  allowExploitationAreaReason?: string;
  excludedProvinces: string[];
  excludedRegions: string[];
  minDistanceKm?: number | null;
  /** canonical (see foldConflictTag) */
  conflictTags: string[];
}
export interface Preferences {
  crossRegion: boolean;
  maxDistanceKm?: number | null;
  nearProvinceCode?: string | null;
}

@Entity('placement_request')
export class PlacementRequestEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_code', type: 'text' }) caseCode: string;
  @Column({ name: 'region_code', type: 'char', length: 2 }) regionCode: string;
  @Column('text') status: RequestStatus;
  /** special-category data; null once purged */
  @Column({ type: 'jsonb', nullable: true }) profile: PersonProfile | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ name: 'protection_level', type: 'text' }) protectionLevel: ProtectionLevel;
  @Column('text') stage: Stage;
  @Column({ name: 'origin_province', type: 'char', length: 2 }) originProvince: string;
  @Column({ type: 'jsonb' }) safety: Safety;
  @Column({ type: 'jsonb' }) preferences: Preferences;
  @Column({ name: 'conflict_tags', type: 'text', array: true }) conflictTags: string[];
  @Column('text') urgency: Urgency;
  @Column({ name: 'referral_channel', type: 'text', nullable: true }) referralChannel: ReferralChannel | null;
  @Column({ name: 'previous_placement_id', type: 'uuid', nullable: true }) previousPlacementId: string | null;
  @Column({ name: 'created_by_sub', type: 'text' }) createdBySub: string;
  @Column({ name: 'created_by_email', type: 'text', nullable: true }) createdByEmail: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true }) purgedAt: Date | null;
}
