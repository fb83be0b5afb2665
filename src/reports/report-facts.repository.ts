import { Injectable } from '@nestjs/common';
import type { SqlPart } from '../database/sql-parts.js';
import type { Tx } from '../database/transactions.repository.js';
import type { PersonProfile } from '../domain/types.js';
import type { Fact } from './report-facts.js';
import { SERVICE_TIME_ZONE } from '../domain/italian-day.js';

/** What a fact needs to know about a request: read in the event's transaction, never copied whole. */
export interface RequestForFacts {
  regionCode: string;
  urgency: string;
  createdAt: Date;
  profile: PersonProfile | null;
  referralChannel: string | null;
  previousPlacementId: string | null;
}

export interface CaseForFacts extends RequestForFacts {
  facilityRegionCode: string | null;
  facilityType: string | null;
  /** how many proposals the request has had, counting this one (read by the proposing caller) */
  proposals?: number;
}

const COLUMNS = [
  ['event', (f: Fact) => f.event],
  ['at', (f: Fact) => f.at],
  ['region_code', (f: Fact) => f.regionCode ?? null],
  ['facility_region_code', (f: Fact) => f.facilityRegionCode ?? null],
  ['from_region_code', (f: Fact) => f.fromRegionCode ?? null],
  ['facility_id', (f: Fact) => f.facilityId ?? null],
  ['facility_type', (f: Fact) => f.facilityType ?? null],
  ['kind', (f: Fact) => f.kind ?? null],
  ['urgency', (f: Fact) => f.urgency ?? null],
  ['gender', (f: Fact) => f.gender ?? null],
  ['age_band', (f: Fact) => f.ageBand ?? null],
  ['exploitation', (f: Fact) => f.exploitation ?? []],
  ['referral_channel', (f: Fact) => f.referralChannel ?? null],
  ['nationality', (f: Fact) => f.nationality ?? null],
  ['children', (f: Fact) => f.children ?? 0],
  ['children_female', (f: Fact) => f.childrenFemale ?? 0],
  ['children_male', (f: Fact) => f.childrenMale ?? 0],
  ['transfer', (f: Fact) => f.transfer ?? false],
  ['reason', (f: Fact) => f.reason ?? null],
  ['hours', (f: Fact) => f.hours ?? null],
  ['stay_days', (f: Fact) => f.stayDays ?? null],
] as const;

@Injectable()
export class ReportFactsRepository {
  /** One row; its day is the day in Italy. */
  async insert(tx: Tx, ...facts: Fact[]): Promise<void> {
    const { sql, params } = this.insertPart(...facts);
    await tx.query(sql, params);
  }

  /** Several facts of one event in one statement, as a part of a unit of work's one write statement (see sql-parts). */
  insertPart(...facts: Fact[]): SqlPart {
    const names = COLUMNS.map(([c]) => c);
    const params = facts.flatMap((f) => COLUMNS.map(([, get]) => get(f)));
    const rows = facts.map((_, k) => {
      const at = (i: number) => `$${k * names.length + i + 1}`;
      return `(${names.map((_, i) => at(i)).join(', ')}, (${at(1)}::timestamptz AT TIME ZONE '${SERVICE_TIME_ZONE}')::date)`;
    });
    return { sql: `INSERT INTO report_fact (${names.join(', ')}, day) VALUES ${rows.join(', ')}`, params };
  }

  async request(tx: Tx, id: string): Promise<RequestForFacts | null> {
    const [r] = (await tx.query(
      `SELECT region_code AS "regionCode", urgency, created_at AS "createdAt", profile, referral_channel AS "referralChannel", previous_placement_id AS "previousPlacementId"
       FROM placement_request WHERE id = $1`,
      [id],
    )) as RequestForFacts[];
    return r ?? null;
  }

  /**
   * A request and the facility of its proposal, in one statement: what a proposal's end counts
   * when its caller did not read the case itself (a cancelled request's live proposals).
   */
  async requestAtFacility(tx: Tx, requestId: string, facilityId: string): Promise<CaseForFacts | null> {
    const [r] = (await tx.query(
      `SELECT r.region_code AS "regionCode", r.urgency, r.created_at AS "createdAt", r.profile, r.referral_channel AS "referralChannel",
              r.previous_placement_id AS "previousPlacementId",
              f.region_code AS "facilityRegionCode", f.type AS "facilityType"
       FROM placement_request r LEFT JOIN facility f ON f.id = $2 WHERE r.id = $1`,
      [requestId, facilityId],
    )) as CaseForFacts[];
    return r ?? null;
  }
}
