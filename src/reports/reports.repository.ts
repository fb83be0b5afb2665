import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.repository.js';
import { wholeMonths, type ReportName } from './report-definitions.js';
import { totalOf } from './report-table.js';

/** Which facts a caller may count: null means no restriction. An empty list means nothing. */
export interface Scope {
  regions: string[] | null;
  facilities: string[] | null;
}

export interface Period {
  from: string;
  to: string;
}

/** `rollups: false` reads the facts and day rows only (the roll-ups' tests compare both ways). */
export interface Reading {
  rollups?: boolean;
}

/** A grouped row as the database returns it: dimension values, measures, and whether it is the grand total. */
export type RawRow = Record<string, string | number | null> & { _total: boolean };

type FactReport = Exclude<ReportName, 'occupancy'>;

/** The column behind each dimension, per report. */
const DIMENSIONS: Record<FactReport, Record<string, string>> = {
  people: {
    regionCode: 'facility_region_code',
    gender: 'gender',
    ageBand: 'age_band',
    // 'none' for no type, else the types joined by '+' (an SQL function of migration 1763900014000)
    exploitation: 'report_exploitation_key(exploitation)',
    referralChannel: 'referral_channel',
    nationality: 'nationality',
  },
  flow: { regionCode: 'region_code', urgency: 'urgency' },
  declines: { reason: 'reason', facilityType: 'facility_type' },
  unmet: { regionCode: 'region_code', reason: `coalesce(reason, 'none')` },
  movements: { fromRegionCode: 'from_region_code', toRegionCode: 'facility_region_code' },
};

/** Durations of `flow`: the event that carries each, measured in hours since the request was created. */
const DURATIONS: Record<string, string> = {
  first_proposal: 'hoursToFirstProposal',
  acceptance: 'hoursToAcceptance',
  admission: 'hoursToAdmission',
};

/** How many facts (of those matching `filter`): each source row stands for `n` facts. */
const countOf = (filter?: string) => `coalesce(sum(n)${filter ? ` FILTER (WHERE ${filter})` : ''}, 0)::int`;

/** The events each report reads, and its measures as SQL over rows of facts or of roll-ups (`n` facts each). */
const MEASURES: Record<FactReport, { events: string[]; sql: string }> = {
  people: {
    events: ['admission'],
    sql: `coalesce(sum(n), 0)::int AS admissions, sum(children)::int AS "accompanyingChildren", sum(children_female)::int AS "childrenFemale", sum(children_male)::int AS "childrenMale"`,
  },
  flow: {
    events: ['request_created', 'first_proposal', 'acceptance', 'admission', 'decline', 'expiry', 'withdrawal'],
    sql: `${countOf(`event = 'request_created'`)} AS requests,
          ${countOf(`event = 'admission'`)} AS placed,
          ${countOf(`event = 'decline'`)} AS declines,
          ${countOf(`event = 'expiry'`)} AS expiries,
          ${countOf(`event = 'withdrawal'`)} AS withdrawals`,
  },
  declines: { events: ['decline'], sql: `${countOf()} AS count` },
  unmet: {
    events: ['search_without_candidates', 'closed_unplaced'],
    sql: `${countOf(`event = 'search_without_candidates'`)} AS "searchesWithoutCandidates",
          ${countOf(`event = 'closed_unplaced'`)} AS "requestsClosedUnplaced"`,
  },
  movements: { events: ['admission'], sql: `${countOf()} AS admissions, ${countOf('transfer')} AS transfers` },
};

/**
 * Monthly roll-ups of the facts (migration 1763900012000), read through the views that add their
 * pending deltas (migration 1763900022000: several rows per key, summed like the facts' rows, so a
 * report is exact to the last commit whether or not the fold job has run): the columns a report reads, named as in
 * report_fact. They carry no facility, so they answer only the unrestricted scope (national).
 * `stored`: dimensions the roll-up also keeps as a column (migration 1763900014000), indexed in
 * the report's order, which a period of whole months groups by. `indexed`: that index's columns, as
 * migration 1763900014000 made them (report_people_month_dims_idx).
 */
const ROLLUPS: Partial<
  Record<FactReport, { table: string; event: string; columns: string[]; stored?: Record<string, string>; indexed?: string[] }>
> = {
  people: {
    table: 'report_people_now',
    event: `'admission'::text`,
    stored: { exploitation: 'exploitation_key' },
    indexed: ['facility_region_code', 'gender', 'age_band', 'exploitation_key', 'referral_channel', 'nationality'],
    columns: [
      'facility_region_code',
      'gender',
      'age_band',
      'exploitation',
      'referral_channel',
      'nationality',
      'children',
      'children_female',
      'children_male',
    ],
  },
  flow: { table: 'report_flow_now', event: 'event', columns: ['region_code', 'urgency'] },
};

/** Narrow copies of the duration facts (migration 1763900012000), unrestricted scope only as the roll-ups. */
const DURATION_TABLE = 'report_duration';

/** Memory for the sorts of one report's queries (the server's default, 4 MB, spills a year of admissions to disk). */
const WORK_MEM = '64MB';

const KINDS = ['adult', 'mother_child', 'minor'];
/** How many nights of the period [$1, $2] a change made on `day` counts for. */
const NIGHTS = `($2::date - greatest(day, $1::date) + 1)`;
/** Day numbers of report_bed_change_month's weighted sums count from here. */
const EPOCH = `DATE '2000-01-01'`;

/** Read-only queries behind the reports: facts grouped by the asked dimensions, bed-nights from the daily changes. */
@Injectable()
export class ReportsRepository {
  constructor(private readonly tx: Transactions) {}

  /**
   * Rows of a fact report, plus its grand total (`_total`): counts in one grouping-sets query, flow's
   * percentiles in another. Both read one snapshot, with room to sort in memory.
   */
  async facts(report: FactReport, dims: string[], period: Period, scope: Scope, read: Reading = {}): Promise<RawRow[]> {
    return this.read(() => this.factsIn(report, dims, period, scope, read));
  }

  /** The same for each period (`groupBy=month`), all in one snapshot: one transaction, not one per month. */
  async factsByPeriod(report: FactReport, dims: string[], periods: Period[], scope: Scope): Promise<RawRow[][]> {
    return this.read(async () => {
      const out: RawRow[][] = [];
      for (const p of periods) out.push(await this.factsIn(report, dims, p, scope, {}));
      return out;
    });
  }

  private async factsIn(report: FactReport, dims: string[], period: Period, scope: Scope, read: Reading): Promise<RawRow[]> {
    const rows = await this.grouped(report, dims, period, scope, MEASURES[report].events, MEASURES[report].sql, {
      rollup: read.rollups !== false,
    });
    if (report !== 'flow') return rows;
    // ordered-set aggregates sort their input: only the events carrying a duration, apart from the counts
    const dur = await this.grouped(
      report,
      ['event', ...dims],
      period,
      scope,
      Object.keys(DURATIONS),
      `percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90, count(*)::int AS n`,
      { byEvent: true, durations: read.rollups !== false },
    );
    const key = (r: RawRow) => JSON.stringify([r._total, ...dims.map((d) => r[d])]);
    const byKey = new Map(rows.map((r) => [key(r), r]));
    for (const d of dur) {
      const row = byKey.get(key(d));
      const name = DURATIONS[d.event as string];
      if (row)
        Object.assign(row, {
          [`${name}P50`]: d.p50,
          [`${name}P90`]: d.p90,
          [`${name}N`]: d.n,
        });
    }
    return rows;
  }

  /**
   * `rollup`: whole months from the report's monthly roll-up, the other days from the facts (when
   * the report has one and the scope is unrestricted; a period of whole months from the roll-up
   * alone, see `wholeMonths`). `durations`: from the narrow copies of the
   * duration facts (unrestricted scope). `byEvent`: the total is per event too.
   */
  private async grouped(
    report: FactReport,
    dims: string[],
    period: Period,
    scope: Scope,
    events: string[],
    measures: string,
    opts: { rollup?: boolean; byEvent?: boolean; durations?: boolean },
  ): Promise<RawRow[]> {
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
    let from = `(SELECT *, 1 AS n FROM report_fact WHERE ${where.join(' AND ')}) f`;
    let having = '';
    const rollup = ROLLUPS[report];
    const months = wholeMonths(period.from, period.to);
    const unrestricted = !scope.regions && !scope.facilities;
    const order = dims.map((_, i) => `${i + 1} NULLS LAST`).join(', ');
    const groups = dims.map(column).join(', ');
    const totalFlag = opts.byEvent ? `GROUPING(${dims.slice(1).map(column).join(', ')}) > 0` : `GROUPING(${groups}) > 0`;
    // the table itself, not a subquery: under grouping sets a subquery's rows are sorted again, never read in index order
    if (opts.durations && unrestricted) from = `${DURATION_TABLE} WHERE ${where.join(' AND ')}`;
    else if (opts.rollup && rollup && months && unrestricted) {
      if (months.from === period.from && months.to === period.to && !opts.byEvent)
        return this.wholeMonths(rollup, dims.map(column), dims, measures, order, [events, months.from, months.to]);
      params.push(months.from, months.to);
      const [m1, m2] = [`$${params.length - 1}::date`, `$${params.length}::date`];
      const inMonths = `${rollup.event} = ANY($1) AND month BETWEEN ${m1} AND ${m2}`;
      const names = rollup.columns.join(', ');
      // a deletion of facts leaves a pending delta of -n beside its +n: a group of no facts sums to 0 (as from the facts: no row)
      having = `HAVING sum(n) <> 0 OR ${totalFlag}`;
      from = `(SELECT ${rollup.event} AS event, ${names}, n FROM ${rollup.table} WHERE ${inMonths}
                UNION ALL
                SELECT event, ${names}, 1 AS n FROM report_fact WHERE ${where.join(' AND ')} AND (day < ${m1} OR day > ${m2})) f`;
    }
    const sets = opts.byEvent ? `(${groups}), (event)` : `(${groups}), ()`;
    return (await this.tx.manager().query(
      `SELECT ${cols.join(', ')}, ${totalFlag} AS "_total", ${measures}
       FROM ${from}
       GROUP BY GROUPING SETS (${sets}) ${having}
       ORDER BY "_total", ${order}`,
      params,
    )) as RawRow[];
  }

  /**
   * A period of whole months from a roll-up alone: the rows grouped in report order (a year of
   * `people` is read in that order from its index and summed group by group, see migration
   * 1763900014000), then the grand total as the sum of the groups (with grouping sets the rows
   * would be sorted again to put the total last; a query of its own would read the months again).
   * The same rows, in the same order, and the same total as the grouping-sets query.
   */
  private async wholeMonths(
    rollup: NonNullable<(typeof ROLLUPS)[FactReport]>,
    columns: string[],
    dims: string[],
    measures: string,
    order: string,
    params: [events: string[], from: string, to: string],
  ): Promise<RawRow[]> {
    const where = `${rollup.event} = ANY($1) AND month BETWEEN $2::date AND $3::date`;
    const stored = dims.map((d, i) => rollup.stored?.[d] ?? columns[i]);
    // Groups in the index's leading columns come from it already in order. The planner, counting a
    // sort of the groups cheap, often hashes and sorts instead: for a year of people that is 130 ms
    // of PostgreSQL against 25 ms (bench/reports.ts). This read's snapshot serves this report only.
    // (only the whole index, as measured: for fewer groups a hash is cheap)
    if (rollup.indexed && stored.length === rollup.indexed.length && stored.every((c, i) => rollup.indexed![i] === c))
      await this.tx.manager().query('SET LOCAL enable_hashagg = off');
    const rows = (await this.tx.manager().query(
      `SELECT ${stored.map((c, i) => `${c} AS "${dims[i]}"`).join(', ')}, false AS "_total", ${measures}
       FROM ${rollup.table} WHERE ${where}
       GROUP BY ${stored.join(', ')} HAVING sum(n) <> 0
       ORDER BY ${order}`,
      params,
    )) as RawRow[];
    if (rows.length) {
      rows.push(totalOf(rows, dims));
      return rows;
    }
    // nothing to add up: the measures of no rows as SQL has them (a count 0, a sum null)
    const total = (await this.tx
      .manager()
      .query(
        `SELECT ${dims.map((d) => `NULL AS "${d}"`).join(', ')}, true AS "_total", ${measures} FROM ${rollup.table} WHERE ${where}`,
        params,
      )) as RawRow[];
    return [...rows, ...total];
  }

  /** One read-only snapshot; sorts of a year's facts (tens of thousands of rows) stay in memory. */
  private read<T>(work: () => Promise<T>): Promise<T> {
    return this.tx.snapshot(async (m) => {
      await m.query(`SET LOCAL work_mem = '${WORK_MEM}'`);
      return work();
    });
  }

  /**
   * Bed-nights of the period [from, to] (to already clamped to today): a day's beds are the sum of
   * the changes up to that day, so each change counts for the days from it (or from `from`) to `to`.
   * Fresh bed-nights: beds in service of facilities confirmed that day.
   */
  /** The names of facilities a report's rows name (the spreadsheets for people say which house, as the page does). */
  async facilityNames(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = (await this.tx.manager().query(`SELECT id, name FROM facility WHERE id = ANY($1::uuid[])`, [ids])) as {
      id: string;
      name: string;
    }[];
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async occupancy(dims: string[], period: Period, scope: Scope, perFacility: boolean, read: Reading = {}): Promise<RawRow[]> {
    return this.read(() => this.occupancyIn(dims, period, scope, perFacility, read));
  }

  /** The same for each period (`groupBy=month`), all in one snapshot. */
  async occupancyByPeriod(dims: string[], periods: Period[], scope: Scope, perFacility: boolean): Promise<RawRow[][]> {
    return this.read(async () => {
      const out: RawRow[][] = [];
      for (const p of periods) out.push(await this.occupancyIn(dims, p, scope, perFacility, {}));
      return out;
    });
  }

  private async occupancyIn(dims: string[], period: Period, scope: Scope, perFacility: boolean, read: Reading): Promise<RawRow[]> {
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
      // summed per region and type first (one narrow pass over month and day rows), then one row per kind
      const region = where.slice(1);
      const months = wholeMonths(period.from, period.to);
      /** a SELECT of per-kind bed-nights available, occupied and fresh from `table`, each expression given per kind */
      const part = (table: string, cond: string[], available: (c: string) => string, fresh: (k: string) => string) =>
        `SELECT region_code, facility_type, ${KINDS.map(
          (k) => `${available(`d_available_${k}`)} AS a_${k}, ${available(`d_occupied_${k}`)} AS o_${k}, ${fresh(k)} AS f_${k}`,
        ).join(', ')} FROM ${table} WHERE ${[...cond, ...region].join(' AND ')}`;
      const parts: string[] = [];
      let days = ['day <= $2::date'];
      if (read.rollups !== false) {
        // months ended before the period: each change counts for every night of it
        parts.push(
          part(
            'report_bed_change_month_now',
            [`month < date_trunc('month', $1::date)::date`],
            (c) => `${c}::bigint * ($2::date - $1::date + 1)`,
            () => 'NULL::bigint',
          ),
        );
        days = [`day >= date_trunc('month', $1::date)::date`, ...days];
        if (months) {
          params.push(months.from, months.to);
          const [m1, m2] = [`$${params.length - 1}::date`, `$${params.length}::date`];
          // whole months within it: a change on day d counts for (to - d + 1) nights, so a month's for (to + 1) * sum(d) - sum(d * day)
          parts.push(
            part(
              'report_bed_change_month_now',
              [`month BETWEEN ${m1} AND ${m2}`],
              (c) => `${c}::bigint * ($2::date - ${EPOCH} + 1) - w${c.slice(1)}`,
              (k) => `fresh_available_${k}::bigint`,
            ),
          );
          days = [...days, `(day < ${m1} OR day > ${m2})`];
        }
      }
      // the days of the months begun before it or ending after it, one by one
      parts.push(
        part(
          'report_bed_change_group_now',
          days,
          (c) => `${c}::bigint * ${NIGHTS}`,
          (k) => `CASE WHEN day >= $1::date THEN fresh_available_${k}::bigint END`,
        ),
      );
      const sums = KINDS.map((k) => `sum(a_${k})::bigint AS a_${k}, sum(o_${k})::bigint AS o_${k}, sum(f_${k})::bigint AS f_${k}`);
      const unpivot = KINDS.map((k) => `('${k}', s.a_${k}, s.o_${k}, s.f_${k})`).join(', ');
      source = `SELECT NULL::uuid AS facility_id, k.kind, s.region_code, s.facility_type, k.available, k.occupied, k.fresh
                FROM (SELECT region_code, facility_type, ${sums.join(', ')} FROM (${parts.join(' UNION ALL ')}) p GROUP BY 1, 2) s
                CROSS JOIN LATERAL (VALUES ${unpivot}) AS k(kind, available, occupied, fresh)`;
    }
    const column: Record<string, string> = {
      regionCode: 'region_code',
      facilityType: 'facility_type',
      kind: 'kind',
      facilityId: 'facility_id',
    };
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
