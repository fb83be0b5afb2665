import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PlaceKind } from '../../domain/types.js';

export const PROPOSAL_STATUSES = ['pending', 'accepted', 'admitted', 'declined', 'expired', 'withdrawn'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export const DECLINE_REASONS = [
  'no_longer_free',
  'profile_not_suitable',
  'safety_risk',
  'group_composition',
  'staff_capacity',
  'other',
] as const;
/** A decline note is staff-to-staff: at most this long, never in e-mails, logs or reports. */
export const DECLINE_NOTE_MAX = 300;
export type DeclineReason = (typeof DECLINE_REASONS)[number];
/** Why the system withdrew a proposal (null: withdrawn by the UOR, or by an acceptance elsewhere). */
export const WITHDRAWN_REASONS = ['request_changed'] as const;
export type WithdrawnReason = (typeof WITHDRAWN_REASONS)[number];
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
  @Column({ name: 'decline_note', type: 'text', nullable: true }) declineNote: string | null;
  @Column({ name: 'withdrawn_reason', type: 'text', nullable: true }) withdrawnReason?: WithdrawnReason | null;
  @Column({ name: 'placement_id', type: 'uuid', nullable: true }) placementId: string | null;
}
