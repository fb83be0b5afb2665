import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PlaceKind } from '../../domain/types.js';

/** safety_relocation: found by the exploiters, moved for her safety; other_network: to the anti-violence network or SAI. */
export const DISCHARGE_REASONS = [
  'completed',
  'transferred',
  'left',
  'assisted_return',
  'safety_relocation',
  'rule_breach',
  'other_network',
  'other',
] as const;
export type DischargeReason = (typeof DISCHARGE_REASONS)[number];

@Entity('placement')
export class PlacementEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'request_id', type: 'uuid' }) requestId: string;
  @Column({ name: 'proposal_id', type: 'uuid' }) proposalId: string;
  @Column({ name: 'facility_id', type: 'uuid' }) facilityId: string;
  @Column({ name: 'place_kind', type: 'text' }) placeKind: PlaceKind;
  @Column('text') status: 'active' | 'discharged';
  @Column({ name: 'admitted_at', type: 'timestamptz' }) admittedAt: Date;
  @Column({ name: 'discharged_at', type: 'timestamptz', nullable: true }) dischargedAt: Date | null;
  @Column({ name: 'discharge_date', type: 'date', nullable: true }) dischargeDate: string | null;
  @Column({ name: 'discharge_reason', type: 'text', nullable: true }) dischargeReason: DischargeReason | null;
}
