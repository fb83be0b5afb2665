import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { PlaceKind } from '../domain/types.js';

@Entity('place_hold')
export class PlaceHoldEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'facility_id', type: 'uuid' }) facilityId: string;
  @Column('text') kind: PlaceKind;
  @Column({ name: 'reference_id', type: 'uuid', nullable: true }) referenceId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ name: 'released_at', type: 'timestamptz', nullable: true }) releasedAt: Date | null;
  @Column({ name: 'release_reason', type: 'text', nullable: true }) releaseReason: string | null;
}

@Entity('availability_event')
export class AvailabilityEventEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment' }) id: string;
  @Column({ name: 'facility_id', type: 'uuid' }) facilityId: string;
  @Column({ type: 'text', nullable: true }) kind: PlaceKind | null;
  @Column('text') type: string;
  @Column({ name: 'actor_sub', type: 'text' }) actorSub: string;
  @Column({ name: 'actor_role', type: 'text' }) actorRole: string;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'jsonb', nullable: true }) delta: Record<string, number> | null;
  @Column({ type: 'jsonb', nullable: true }) after: Record<string, number> | null;
  @Column({ name: 'hold_id', type: 'uuid', nullable: true }) holdId: string | null;
  @Column({ type: 'jsonb', nullable: true }) details: object | null;
}
