import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PersonProfile, ProtectionLevel, ReferralChannel, Stage, Urgency } from '../../domain/types.js';

export const REQUEST_STATUSES = ['open', 'proposed', 'placed', 'closed', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
// the lists live in the domain vocabulary, which the pages share
export { REFERRAL_CHANNELS, URGENCIES, type ReferralChannel, type Urgency } from '../../domain/types.js';

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
