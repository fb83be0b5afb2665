import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.repository.js';
import type { ReportName } from './report-definitions.js';

/** Which facts a caller may count: null means no restriction. An empty list means nothing. */
export interface Scope {
  regions: string[] | null;
  facilities: string[] | null;
}

export interface Period {
  from: string;
  to: string;
}

/** A grouped row as the database returns it: dimension values, measures, and whether it is the grand total. */
export type RawRow = Record<string, string | number | null> & { _total: boolean };

type FactReport = Exclude<ReportName, 'occupancy'>;

const EXPLOITATION_KEY = `CASE WHEN cardinality(exploitation) = 0 THEN 'none' ELSE array_to_string(exploitation, '+') END`;
/** The column behind each dimension, per report. */
const DIMENSIONS: Record<FactReport, Record<string, string>> = {
  people: {
    regionCode: 'facility_region_code',
    gender: 'gender',
    ageBand: 'age_band',
    exploitation: EXPLOITATION_KEY,
    referralChannel: 'referral_channel',
    nationality: 'nationality',
  },
  flow: { regionCode: 'region_code', urgency: 'urgency' },
  declines: { reason: 'reason', facilityType: 'facility_type' },
  unmet: { regionCode: 'region_code', reason: `coalesce(reason, 'none')` },
  movements: { fromRegionCode: 'from_region_code', toRegionCode: 'facility_region_code' },
};

const percentiles = (event: string, name: string) =>
  `percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FILTER (WHERE event = '${event}') AS "${name}P50",
   percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) FILTER (WHERE event = '${event}') AS "${name}P90",
   count(*) FILTER (WHERE event = '${event}')::int AS "${name}N"`;

/** The events each report reads, and its measures as SQL. */
const MEASURES: Record<FactReport, { events: string[]; sql: string }> = {
  people: {
    events: ['admission'],
    sql: `count(*)::int AS admissions, sum(children)::int AS "accompanyingChildren", sum(children_female)::int AS "childrenFemale", sum(children_male)::int AS "childrenMale"`,
  },
  flow: {
    events: ['request_created', 'first_proposal', 'acceptance', 'admission', 'decline', 'expiry', 'withdrawal'],
    sql: `count(*) FILTER (WHERE event = 'request_created')::int AS requests,
          count(*) FILTER (WHERE event = 'admission')::int AS placed,
          count(*) FILTER (WHERE event = 'decline')::int AS declines,
          count(*) FILTER (WHERE event = 'expiry')::int AS expiries,
          count(*) FILTER (WHERE event = 'withdrawal')::int AS withdrawals,
          ${percentiles('first_proposal', 'hoursToFirstProposal')},
          ${percentiles('acceptance', 'hoursToAcceptance')},
          ${percentiles('admission', 'hoursToAdmission')}`,
  },
  declines: { events: ['decline'], sql: `count(*)::int AS count` },
  unmet: {
    events: ['search_without_candidates', 'closed_unplaced'],
    sql: `count(*) FILTER (WHERE event = 'search_without_candidates')::int AS "searchesWithoutCandidates",
          count(*) FILTER (WHERE event = 'closed_unplaced')::int AS "requestsClosedUnplaced"`,
  },
  movements: { events: ['admission'], sql: `count(*)::int AS admissions, count(*) FILTER (WHERE transfer)::int AS transfers` },
};

const KINDS = ['adult', 'mother_child', 'minor'];

/** Read-only queries behind the reports: facts grouped by the asked dimensions, bed-nights from the daily changes. */
@Injectable()
export class ReportsRepository {
  constructor(private readonly tx: Transactions) {}

  /** Rows of a fact report, plus its grand total (`_total`), in one grouping-sets query. */
  async facts(report: FactReport, dims: string[], period: Period, scope: Scope): Promise<RawRow[]> {
    const cols = dims.map((d) => `${DIMENSIONS[report][d]} AS "${d}"`);
    const params: unknown[] = [MEASURES[report].events, period.from, period.to];
    const where = [`event = ANY($1)`, `day BETWEEN $2 AND $3`];
    if (scope.regions) {
      params.push(scope.regions);
      const r = `$${params.length}`;
      where.push(`(region_code = ANY(${r}) OR facility_region_code = ANY(${r}) OR from_region_code = ANY(${r}))`);
    }
    if (scope.facilities) {
      params.push(scope.facilities);
      where.push(`facility_id = ANY($${params.length})`);
    }
    const groups = dims.map((d) => DIMENSIONS[report][d]).join(', ');
    const rows = (await this.tx.reader.query(
      `SELECT ${cols.join(', ')}, GROUPING(${groups}) > 0 AS "_total", ${MEASURES[report].sql}
       FROM report_fact WHERE ${where.join(' AND ')}
       GROUP BY GROUPING SETS ((${groups}), ())
       ORDER BY "_total", ${dims.map((_, i) => `${i + 1} NULLS LAST`).join(', ')}`,
      params,
    )) as RawRow[];
    return rows;
  }

  /**
   * Bed-nights of the period [from, to] (to already clamped to today): a day's beds are the sum of
   * the changes up to that day, so each change counts for the days from it (or from `from`) to `to`.
   * Fresh bed-nights: beds in service of facilities confirmed that day.
   */
  async occupancy(dims: string[], period: Period, scope: Scope, perFacility: boolean): Promise<RawRow[]> {
    const params: unknown[] = [period.from, period.to];
    const where = ['day <= $2::date'];
    if (scope.regions) {
      params.push(scope.regions);
      where.push(`region_code = ANY($${params.length})`);
    }
    let source: string;
    if (perFacility || scope.facilities) {
      if (scope.facilities) {
        params.push(scope.facilities);
        where.push(`facility_id = ANY($${params.length})`);
      }
      source = `SELECT facility_id, kind, day, region_code, facility_type, d_available AS dav, d_occupied AS doc, fresh_available AS fresh FROM report_bed_change WHERE ${where.join(' AND ')}`;
    } else {
      const unpivot = KINDS.map((k) => `('${k}', g.d_available_${k}, g.d_occupied_${k}, g.fresh_available_${k})`).join(', ');
      source = `SELECT NULL::uuid AS facility_id, k.kind, g.day, g.region_code, g.facility_type, k.dav, k.doc, k.fresh
                FROM report_bed_change_group g CROSS JOIN LATERAL (VALUES ${unpivot}) AS k(kind, dav, doc, fresh)
                WHERE ${where.map((w) => `g.${w}`).join(' AND ')}`;
    }
    const column: Record<string, string> = { regionCode: 'region_code', facilityType: 'facility_type', kind: 'kind', facilityId: 'facility_id' };
    const groups = dims.map((d) => column[d]).join(', ');
    const nights = `($2::date - greatest(day, $1::date) + 1)`;
    return (await this.tx.reader.query(
      `WITH ch AS (${source})
       SELECT ${dims.map((d) => `${column[d]}${d === 'facilityId' ? '::text' : ''} AS "${d}"`).join(', ')}, GROUPING(${groups}) > 0 AS "_total",
              sum(dav * ${nights})::bigint AS "bedNightsAvailable",
              sum(doc * ${nights})::bigint AS "bedNightsOccupied",
              coalesce(sum(fresh) FILTER (WHERE day >= $1::date), 0)::bigint AS "freshBedNights"
       FROM ch GROUP BY GROUPING SETS ((${groups}), ())
       HAVING sum(dav * ${nights}) <> 0 OR sum(doc * ${nights}) <> 0 OR GROUPING(${groups}) > 0
       ORDER BY "_total", ${dims.map((_, i) => `${i + 1}`).join(', ')}`,
      params,
    )) as RawRow[];
  }
}
