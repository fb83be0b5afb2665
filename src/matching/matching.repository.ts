import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/transactions.repository.js';
import type { FacilityType, Gender, PlaceKind, ProtectionLevel, ExploitationType, Support } from './matching.types.js';

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

  /** Bumped with every change of facilities or places (see migration CatalogVersion). */
  async catalogVersion(): Promise<string> {
    const [r] = await this.ds.query(`SELECT v::text AS v FROM catalog_version`);
    return r.v;
  }

  /** Free places by kind, from live holds, for these facilities only. */
  freePlaces(ids: string[]): Promise<{ facilityId: string; kind: PlaceKind; free: number; childCapacity: number | null }[]> {
    return this.ds.query(
      `SELECT p.facility_id AS "facilityId", p.kind, p.child_capacity AS "childCapacity",
              GREATEST(0, p.total - p.occupied - p.out_of_service - coalesce(h.n, 0))::int AS free
       FROM facility_place p
       LEFT JOIN (SELECT facility_id, kind, count(*)::int AS n FROM place_hold WHERE released_at IS NULL AND facility_id = ANY($1) GROUP BY 1, 2) h
         ON h.facility_id = p.facility_id AND h.kind = p.kind
       WHERE p.facility_id = ANY($1)`,
      [ids],
    );
  }

  /**
   * Conflict tags of the people each facility hosts or holds a place for, other than
   * `exceptRequestId`'s; only tags among `tags` when given. Inside `tx`, proposals made earlier in
   * the same transaction count too.
   */
  async conflictTags(tags: string[] | null, exceptRequestId: string | null, tx?: Tx): Promise<Map<string, string[]>> {
    if (tags && !tags.length) return new Map();
    const rows: { facility_id: string; tags: string[] }[] = await (tx ?? this.ds.manager).query(
      `SELECT facility_id, array_agg(DISTINCT tag) AS tags FROM (
         SELECT p.facility_id, unnest(r.conflict_tags) AS tag FROM proposal p JOIN placement_request r ON r.id = p.request_id
          WHERE p.status IN ('pending', 'accepted') AND r.id IS DISTINCT FROM $2::uuid
         UNION ALL
         SELECT pl.facility_id, unnest(r.conflict_tags) FROM placement pl JOIN placement_request r ON r.id = pl.request_id
          WHERE pl.status = 'active' AND r.id IS DISTINCT FROM $2::uuid
       ) x WHERE $1::text[] IS NULL OR tag = ANY($1) GROUP BY facility_id`,
      [tags, exceptRequestId],
    );
    return new Map(rows.map((r) => [r.facility_id, r.tags]));
  }
}
