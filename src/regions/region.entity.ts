import { Column, Entity, OneToMany, ManyToOne, JoinColumn, PrimaryColumn } from 'typeorm';

@Entity('region')
export class RegionEntity {
  @PrimaryColumn({ type: 'char', length: 2 }) code: string;
  @Column('text') name: string;
  @Column({ name: 'uor_on_call_phone', type: 'text', nullable: true }) uorOnCallPhone: string | null;
  @OneToMany(() => ProvinceEntity, (p) => p.region) provinces: ProvinceEntity[];
}

@Entity('province')
export class ProvinceEntity {
  @PrimaryColumn({ type: 'char', length: 2 }) code: string;
  @Column('text') name: string;
  @Column({ name: 'region_code', type: 'char', length: 2 }) regionCode: string;
  @Column('double precision') lat: number;
  @Column('double precision') lon: number;
  @ManyToOne(() => RegionEntity, (r) => r.provinces) @JoinColumn({ name: 'region_code' }) region: RegionEntity;
}
