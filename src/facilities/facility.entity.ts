import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ExploitationType, FacilityType, Gender, LegalStatus, PlaceKind, ProtectionLevel, Service, Support } from '../domain/types.js';

@Entity('facility')
export class FacilityEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') organization: string;
  /** the region's own code for it (CSV import key), unique within the region */
  @Column({ name: 'external_code', type: 'text', nullable: true }) externalCode: string | null;
  @Column('text') type: FacilityType;
  @Column({ name: 'region_code', type: 'char', length: 2 }) regionCode: string;
  @Column({ name: 'province_code', type: 'char', length: 2 }) provinceCode: string;
  @Column({ name: 'protection_level', type: 'text' }) protectionLevel: ProtectionLevel;
  @Column({ name: 'accepts_genders', type: 'text', array: true }) acceptsGenders: Gender[];
  @Column({ name: 'accepts_adults' }) acceptsAdults: boolean;
  @Column({ name: 'accepts_minors' }) acceptsMinors: boolean;
  @Column({ name: 'accepts_children' }) acceptsChildren: boolean;
  @Column({ type: 'text', array: true }) languages: string[];
  @Column({ name: 'exploitation_expertise', type: 'text', array: true }) exploitationExpertise: ExploitationType[];
  @Column({ type: 'text', array: true }) supports: Support[];
  @Column({ name: 'secret_address' }) secretAddress: boolean;
  @Column({ name: 'address_enc', type: 'text' }) addressEnc: string;
  @Column({ name: 'location_enc', type: 'text', nullable: true }) locationEnc: string | null;
  @Column({ name: 'match_lat', type: 'double precision' }) matchLat: number;
  @Column({ name: 'match_lon', type: 'double precision' }) matchLon: number;
  @Column({ name: 'contact_email', type: 'text' }) contactEmail: string;
  /** the 24 h on-call number (reperibilità), E.164 */
  @Column({ name: 'on_call_phone', type: 'text', nullable: true }) onCallPhone: string | null;
  @Column({ type: 'text', array: true }) services: Service[];
  @Column({ name: 'wheelchair_accessible' }) wheelchairAccessible: boolean;
  @Column({ name: 'lgbt_safe' }) lgbtSafe: boolean;
  /** empty: every status */
  @Column({ name: 'legal_statuses_accepted', type: 'text', array: true }) legalStatusesAccepted: LegalStatus[];
  @Column({ name: 'accepts_boys_up_to_age', type: 'integer', nullable: true }) acceptsBoysUpToAge: number | null;
  @Column({ name: 'expected_stay_days', type: 'integer', nullable: true }) expectedStayDays: number | null;
  @Column({ name: 'educator_hours_per_week', type: 'integer', nullable: true }) educatorHoursPerWeek: number | null;
  @Column({ name: 'accepting_new_guests' }) acceptingNewGuests: boolean;
  @Column({ name: 'intake_note', type: 'text', nullable: true }) intakeNote: string | null;
  @Column({ name: 'availability_version', type: 'integer' }) availabilityVersion: number;
  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true }) confirmedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @OneToMany(() => FacilityPlaceEntity, (p) => p.facility, { cascade: ['insert'] }) places: FacilityPlaceEntity[];
}

@Entity('facility_place')
export class FacilityPlaceEntity {
  @PrimaryColumn({ name: 'facility_id', type: 'uuid' }) facilityId: string;
  @PrimaryColumn('text') kind: PlaceKind;
  @Column('integer') total: number;
  @Column('integer') occupied: number;
  @Column({ name: 'out_of_service', type: 'integer' }) outOfService: number;
  @Column({ name: 'child_capacity', type: 'integer', nullable: true }) childCapacity: number | null;
  @ManyToOne(() => FacilityEntity, (f) => f.places, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'facility_id' }) facility: FacilityEntity;
}
