import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who did or read what. Never the data itself: ids and action names only. */
@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ name: 'actor_sub', type: 'text' }) actorSub: string;
  @Column({ name: 'actor_role', type: 'text' }) actorRole: string;
  @Column('text') action: string;
  @Column({ name: 'object_type', type: 'text' }) objectType: string;
  @Column({ name: 'object_id', type: 'text', nullable: true }) objectId: string | null;
  @Column('text') outcome: string;
  @Column({ type: 'jsonb', nullable: true }) details: object | null;
}
