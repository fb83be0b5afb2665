import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PlaceKind } from '../matching/matching.types.js';

export const PROPOSAL_STATUSES = ['pending', 'accepted', 'admitted', 'declined', 'expired', 'withdrawn'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export const DECLINE_REASONS = ['no_capacity', 'profile_not_suitable', 'safety', 'other'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];
/** Proposals that still hold a place. */
export const LIVE_PROPOSAL: ProposalStatus[] = ['pending', 'accepted'];

@Entity('proposal')
export class ProposalEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'request_id', type: 'uuid' }) requestId: string;
  @Column({ name: 'facility_id', type: 'uuid' }) facilityId: string;
  @Column({ name: 'place_kind', type: 'text' }) placeKind: PlaceKind;
  @Column('text') status: ProposalStatus;
  @Column({ name: 'hold_id', type: 'uuid', nullable: true }) holdId: string | null;
  @Column({ name: 'created_by_sub', type: 'text' }) createdBySub: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'decided_by_sub', type: 'text', nullable: true }) decidedBySub: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ name: 'decline_reason', type: 'text', nullable: true }) declineReason: DeclineReason | null;
  @Column({ name: 'placement_id', type: 'uuid', nullable: true }) placementId: string | null;
}
