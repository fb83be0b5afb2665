import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PREFILTER_SQL } from './matching-prefilter.sql.js';
import type { ExclusionReason, FacilityType, Gender, PlaceKind, ProtectionLevel, ExploitationType, Support } from './matching.types.js';

export interface SnapshotRow {
  id: string;
  name: string;
  type: FacilityType;
  regionCode: string;
  provinceCode: string;
  protectionLevel: ProtectionLevel;
  genders: Gender[];
  adults: boolean;
  minors: boolean;
  children: boolean;
  languages: string[];
  exploitationExpertise: ExploitationType[];
  supports: Support[];
  acceptingNewGuests: boolean;
  lat: number;
  lon: number;
  confirmedAt: Date | null;
  places: { kind: PlaceKind; free: number; childCapacity: number | null }[];
}

/** Loads what the pure matching core needs, one query, free places computed from live holds. */
@Injectable()
export class MatchingRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Every facility, or the given ones. */
  loadSnapshots(ids?: string[]): Promise<SnapshotRow[]> {
    return this.ds.query(
      `SELECT f.id, f.name, f.type, f.region_code AS "regionCode", f.province_code AS "provinceCode",
              f.protection_level AS "protectionLevel", f.accepts_genders AS genders, f.accepts_adults AS adults,
              f.accepts_minors AS minors, f.accepts_children AS children, f.languages,
              f.exploitation_expertise AS "exploitationExpertise", f.supports,
              f.accepting_new_guests AS "acceptingNewGuests", f.match_lat AS lat, f.match_lon AS lon, f.confirmed_at AS "confirmedAt",
              (SELECT json_agg(json_build_object('kind', p.kind, 'childCapacity', p.child_capacity,
                        'free', GREATEST(0, p.total - p.occupied - p.out_of_service
                          - (SELECT count(*) FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind AND h.released_at IS NULL))))
                 FROM facility_place p WHERE p.facility_id = f.id) AS places
       FROM facility f WHERE ($1::uuid[] IS NULL OR f.id = ANY($1)) ORDER BY f.id`,
      [ids ?? null],
    );
  }

  /** Primary exclusion reasons counted in the database, and the ids the core must still judge. */
  async prefilter(params: unknown[]): Promise<{ excluded: Map<ExclusionReason, number>; undecided: string[] }> {
    const rows: { reason: ExclusionReason | null; n: number; ids: string[] | null }[] = await this.ds.query(PREFILTER_SQL, params);
    const excluded = new Map<ExclusionReason, number>();
    let undecided: string[] = [];
    for (const r of rows) {
      if (r.reason) excluded.set(r.reason, r.n);
      else undecided = r.ids ?? [];
    }
    return { excluded, undecided };
  }
}
