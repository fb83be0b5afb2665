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

/** Durations of `flow`: the event that carries each, measured in hours since the request was created. */
const DURATIONS: Record<string, string> = { first_proposal: 'hoursToFirstProposal', acceptance: 'hoursToAcceptance', admission: 'hoursToAdmission' };

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
          count(*) FILTER (WHERE event = 'withdrawal')::int AS withdrawals`,
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
/** How many nights of the period [$1, $2] a change made on `day` counts for. */
const NIGHTS = `($2::date - greatest(day, $1::date) + 1)`;

/** Read-only queries behind the reports: facts grouped by the asked dimensions, bed-nights from the daily changes. */
@Injectable()
export class ReportsRepository {
  constructor(private readonly tx: Transactions) {}

  /** Rows of a fact report, plus its grand total (`_total`): counts in one grouping-sets query, flow's percentiles in another. */
  async facts(report: FactReport, dims: string[], period: Period, scope: Scope): Promise<RawRow[]> {
    const rows = await this.grouped(report, dims, period, scope, MEASURES[report].events, MEASURES[report].sql);
    if (report !== 'flow') return rows;
    // ordered-set aggregates sort their input: only the events carrying a duration, apart from the counts
    const dur = await this.grouped(
      report,
      ['event', ...dims],
      period,
      scope,
      Object.keys(DURATIONS),
      `percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90, count(*)::int AS n`,
      true,
    );
    const key = (r: RawRow) => JSON.stringify([r._total, ...dims.map((d) => r[d])]);
    const byKey = new Map(rows.map((r) => [key(r), r]));
    for (const d of dur) {
      const row = byKey.get(key(d));
      const name = DURATIONS[d.event as string];
      if (row) Object.assign(row, { [`${name}P50`]: d.p50, [`${name}P90`]: d.p90, [`${name}N`]: d.n });
    }
    return rows;
  }

  private async grouped(report: FactReport, dims: string[], period: Period, scope: Scope, events: string[], measures: string, byEvent = false): Promise<RawRow[]> {
    const column = (d: string) => (d === 'event' ? 'event' : DIMENSIONS[report][d]);
    const cols = dims.map((d) => `${column(d)} AS "${d}"`);
    const params: unknown[] = [events, period.from, period.to];
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
    const groups = dims.map(column).join(', ');
    // byEvent: the total is per event too
    const sets = byEvent ? `(${groups}), (event)` : `(${groups}), ()`;
    const totalFlag = byEvent ? `GROUPING(${dims.slice(1).map(column).join(', ')}) > 0` : `GROUPING(${groups}) > 0`;
    return (await this.tx.manager().query(
      `SELECT ${cols.join(', ')}, ${totalFlag} AS "_total", ${measures}
       FROM report_fact WHERE ${where.join(' AND ')}
       GROUP BY GROUPING SETS (${sets})
       ORDER BY "_total", ${dims.map((_, i) => `${i + 1} NULLS LAST`).join(', ')}`,
      params,
    )) as RawRow[];
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
      source = `SELECT facility_id, kind, region_code, facility_type, d_available * ${NIGHTS} AS available, d_occupied * ${NIGHTS} AS occupied,
                       CASE WHEN day >= $1::date THEN fresh_available ELSE 0 END AS fresh
                FROM report_bed_change WHERE ${where.join(' AND ')}`;
    } else {
      // summed per region and type first (one narrow pass over the day rows), then one row per kind
      const sums = KINDS.map(
        (k) => `sum(d_available_${k} * ${NIGHTS})::bigint AS a_${k}, sum(d_occupied_${k} * ${NIGHTS})::bigint AS o_${k}, sum(fresh_available_${k}) FILTER (WHERE day >= $1::date)::bigint AS f_${k}`,
      );
      const unpivot = KINDS.map((k) => `('${k}', s.a_${k}, s.o_${k}, s.f_${k})`).join(', ');
      source = `SELECT NULL::uuid AS facility_id, k.kind, s.region_code, s.facility_type, k.available, k.occupied, k.fresh
                FROM (SELECT region_code, facility_type, ${sums.join(', ')} FROM report_bed_change_group WHERE ${where.join(' AND ')} GROUP BY 1, 2) s
                CROSS JOIN LATERAL (VALUES ${unpivot}) AS k(kind, available, occupied, fresh)`;
    }
    const column: Record<string, string> = { regionCode: 'region_code', facilityType: 'facility_type', kind: 'kind', facilityId: 'facility_id' };
    const groups = dims.map((d) => column[d]).join(', ');
    return (await this.tx.manager().query(
      `WITH ch AS (${source})
       SELECT ${dims.map((d) => `${column[d]}${d === 'facilityId' ? '::text' : ''} AS "${d}"`).join(', ')}, GROUPING(${groups}) > 0 AS "_total",
              sum(available)::bigint AS "bedNightsAvailable",
              sum(occupied)::bigint AS "bedNightsOccupied",
              coalesce(sum(fresh), 0)::bigint AS "freshBedNights"
       FROM ch GROUP BY GROUPING SETS ((${groups}), ())
       HAVING sum(available) <> 0 OR sum(occupied) <> 0 OR GROUPING(${groups}) > 0
       ORDER BY "_total", ${dims.map((_, i) => `${i + 1}`).join(', ')}`,
      params,
    )) as RawRow[];
  }
}
