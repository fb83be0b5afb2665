import { Injectable } from '@nestjs/common';
import type { SqlPart } from '../database/sql-parts.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import type { FacilityType, Gender, LegalStatus, PlaceKind, ProtectionLevel, ExploitationType, Service, Support } from '../domain/types.js';

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
  boysUpToAge: number | null;
  languages: string[];
  exploitationExpertise: ExploitationType[];
  supports: Support[];
  services: Service[];
  wheelchairAccessible: boolean;
  lgbtSafe: boolean;
  legalStatusesAccepted: LegalStatus[];
  acceptingNewGuests: boolean;
  lat: number;
  lon: number;
  confirmedAt: Date | null;
  places: { kind: PlaceKind; free: number; childCapacity: number | null }[];
}

export interface HeldCount {
  facilityId: string;
  kind: PlaceKind;
  held: number;
}

/** What changes between catalogue versions, read in one statement (one snapshot). */
export interface LiveState {
  /** the catalogue version this was read at */
  version: string;
  /** live holds, by facility and kind: the only part of free places the catalogue leaves out */
  holds: HeldCount[];
  /** see conflictTags; empty when the request has no conflict tags */
  conflicts: Map<string, string[]>;
}

/** The catalogue's version, and its epoch: moves when facilities or places are deleted (a catalogue of another epoch must be reloaded whole). */
export interface CatalogueVersion {
  version: string;
  epoch: string;
}

/** Reads of one REPEATABLE READ snapshot: whatever a search combines was committed together. */
export interface CatalogueReader {
  /** version, epoch, live holds and (for `tags`) conflict tags, in one statement */
  liveState(tags: string[], exceptRequestId: string | null): Promise<LiveState & CatalogueVersion>;
  /** facilities stamped after `sinceVersion`, or every facility when it is undefined; places net of occupied and out of service, not of holds */
  facilities(sinceVersion?: string): Promise<SnapshotRow[]>;
}

/** Live holds of a place, when free places are to be net of them. */
const LIVE_HOLDS = `(SELECT count(*) FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind AND h.released_at IS NULL)`;

/** Facilities as the core reads them; `held` is what free places are net of besides occupied and out of service. */
const snapshotSql = (held: string) => `SELECT f.id, f.name, f.type, f.region_code AS "regionCode", f.province_code AS "provinceCode",
         f.protection_level AS "protectionLevel", f.accepts_genders AS genders, f.accepts_adults AS adults,
         f.accepts_minors AS minors, f.accepts_children AS children, f.languages,
         f.exploitation_expertise AS "exploitationExpertise", f.supports, f.accepts_boys_up_to_age AS "boysUpToAge",
         f.services, f.wheelchair_accessible AS "wheelchairAccessible", f.lgbt_safe AS "lgbtSafe",
         f.legal_statuses_accepted AS "legalStatusesAccepted",
         f.accepting_new_guests AS "acceptingNewGuests", f.match_lat AS lat, f.match_lon AS lon, f.confirmed_at AS "confirmedAt",
         (SELECT json_agg(json_build_object('kind', p.kind, 'childCapacity', p.child_capacity,
                   'free', free_places(p.total, p.occupied, p.out_of_service, ${held})))
            FROM facility_place p WHERE p.facility_id = f.id) AS places
  FROM facility f`;

const HOLDS_SQL = `SELECT facility_id AS "facilityId", kind, count(*)::int AS held FROM place_hold WHERE released_at IS NULL GROUP BY 1, 2`;

/**
 * Conflict tags of the people each facility hosts or holds a place for, other than request $2's;
 * only tags among $1 when it is not null.
 */
const CONFLICT_TAGS_SQL = `SELECT facility_id, array_agg(DISTINCT tag) AS tags FROM (
    SELECT p.facility_id, unnest(r.conflict_tags) AS tag FROM proposal p JOIN placement_request r ON r.id = p.request_id
     WHERE p.status IN ('pending', 'accepted') AND r.id IS DISTINCT FROM $2::uuid
    UNION ALL
    SELECT pl.facility_id, unnest(r.conflict_tags) FROM placement pl JOIN placement_request r ON r.id = pl.request_id
     WHERE pl.status = 'active' AND r.id IS DISTINCT FROM $2::uuid
  ) x WHERE $1::text[] IS NULL OR tag = ANY($1) GROUP BY facility_id`;

const toTagMap = (rows: { facility_id: string; tags: string[] }[]) => new Map(rows.map((r) => [r.facility_id, r.tags]));

/** Loads what the pure matching core needs; free places are computed from live holds. */
@Injectable()
export class MatchingRepository {
  constructor(private readonly db: Transactions) {}

  /** Every facility, or the given ones, on live numbers (in the ambient transaction, if any). */
  loadSnapshots(ids?: string[]): Promise<SnapshotRow[]> {
    return this.db.manager().query(`${snapshotSql(LIVE_HOLDS)} WHERE $1::uuid[] IS NULL OR f.id = ANY($1) ORDER BY f.id`, [ids ?? null]);
  }

  /** One facility on live numbers, as a read of a unit of work's one statement (see sql-parts). */
  snapshotPart(facilityId: string): SqlPart {
    return { sql: `${snapshotSql(LIVE_HOLDS)} WHERE f.id = $1`, params: [facilityId] };
  }

  /** conflictTags of one facility as a read of one statement: rows of `tags`, none when `tags` is empty. */
  conflictTagsPart(tags: string[], exceptRequestId: string | null, facilityId: string): SqlPart {
    return {
      sql: `SELECT tags FROM (${CONFLICT_TAGS_SQL}) c WHERE c.facility_id = $3 AND cardinality($1::text[]) > 0`,
      params: [tags, exceptRequestId, facilityId],
    };
  }

  /** Runs `work` on one read-only REPEATABLE READ snapshot of the catalogue and the live state. */
  inSnapshot<T>(work: (reader: CatalogueReader) => Promise<T>): Promise<T> {
    return this.db.snapshot((m) =>
      work({
        liveState: async (tags, exceptRequestId) => {
          const conflicts = tags.length ? `(SELECT coalesce(json_agg(c), '[]') FROM (${CONFLICT_TAGS_SQL}) c)` : `'[]'::json`;
          const [row] = await m.query(
            `SELECT c.v::text AS version, c.epoch::text AS epoch, (SELECT coalesce(json_agg(h), '[]') FROM (${HOLDS_SQL}) h) AS holds, ${conflicts} AS conflicts
               FROM catalog_version c`,
            tags.length ? [tags, exceptRequestId] : [],
          );
          return { version: row.version, epoch: row.epoch, holds: row.holds, conflicts: toTagMap(row.conflicts) };
        },
        facilities: (since) =>
          since === undefined ? m.query(snapshotSql('0')) : m.query(`${snapshotSql('0')} WHERE f.catalog_v > $1`, [since]),
      }),
    );
  }

  /**
   * Conflict tags of the people each facility hosts or holds a place for, other than
   * `exceptRequestId`'s; only tags among `tags` when given. Inside a transaction, proposals made
   * earlier in it count too.
   */
  async conflictTags(tags: string[] | null, exceptRequestId: string | null, tx?: Tx): Promise<Map<string, string[]>> {
    if (tags && !tags.length) return new Map();
    return toTagMap(await this.db.manager(tx).query(CONFLICT_TAGS_SQL, [tags, exceptRequestId]));
  }
}
