import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.repository.js';
import type { Period, Scope } from './reports.repository.js';

/** The counts of the monitoring sheet as the database gives them, before suppression. */
export interface SummaryRaw {
  /** by gender and adult/minor (null when the fact has none: discharges written before migration 1763900018000) */
  people: {
    gender: string | null;
    age: 'adult' | 'minor' | null;
    carriedOver: number;
    newAdmissions: number;
    childrenFemaleCarried: number;
    childrenMaleCarried: number;
    childrenCarried: number;
    childrenFemaleNew: number;
    childrenMaleNew: number;
    childrenNew: number;
  }[];
  exploitation: { exploitation: string; carriedOver: number; newAdmissions: number }[];
  /** `reason` null: all exits (the grand total and its median) */
  exits: { reason: string | null; exits: number; median: number | null; n: number }[];
  transfers: number;
  proposals: { event: string; reason: string | null; n: number }[];
  requestsClosedUnplaced: number;
}

/**
 * The people hosted on a day are the admissions up to the day before minus the discharges up to
 * then (a transfer is a discharge and an admission on the same day: one person, one bed); a
 * transfer in the period is not a new admission. People are counted where they are hosted (the
 * facility's region); proposals, declines and expiries as the `flow` report (the request's or the
 * facility's region); requests closed unplaced by the request's region.
 */
@Injectable()
export class SummaryRepository {
  constructor(private readonly tx: Transactions) {}

  async summary(period: Period, scope: Scope): Promise<SummaryRaw> {
    const params: unknown[] = [period.from, period.to];
    const hosted: string[] = [];
    const anyRegion: string[] = [];
    const requestRegion: string[] = [];
    if (scope.regions) {
      params.push(scope.regions);
      const r = `$${params.length}`;
      hosted.push(`facility_region_code = ANY(${r})`);
      anyRegion.push(`(region_code = ANY(${r}) OR facility_region_code = ANY(${r}))`);
      requestRegion.push(`region_code = ANY(${r})`);
    }
    if (scope.facilities) {
      params.push(scope.facilities);
      const f = `facility_id = ANY($${params.length})`;
      hosted.push(f);
      anyRegion.push(f);
      requestRegion.push(f);
    }
    const and = (w: string[]) => w.map((x) => ` AND ${x}`).join('');
    const before = `day < $1::date`;
    const within = `day BETWEEN $1::date AND $2::date`;
    const carried = (m: string) =>
      `(coalesce(sum(${m}) FILTER (WHERE event = 'admission' AND ${before}), 0) - coalesce(sum(${m}) FILTER (WHERE event = 'discharge' AND ${before}), 0))::int`;
    const fresh = (m: string) => `coalesce(sum(${m}) FILTER (WHERE event = 'admission' AND ${within} AND NOT transfer), 0)::int`;
    const placements = `FROM report_fact WHERE event IN ('admission', 'discharge') AND day <= $2::date${and(hosted)}`;
    return this.tx.snapshot(async (m) => {
      await m.query(`SET LOCAL work_mem = '64MB'`);
      const people = (await m.query(
        `SELECT gender, CASE WHEN age_band = 'minor' THEN 'minor' WHEN age_band IS NOT NULL THEN 'adult' END AS age,
                ${carried('1')} AS "carriedOver", ${fresh('1')} AS "newAdmissions",
                ${carried('children_female')} AS "childrenFemaleCarried", ${carried('children_male')} AS "childrenMaleCarried",
                ${carried('children')} AS "childrenCarried",
                ${fresh('children_female')} AS "childrenFemaleNew", ${fresh('children_male')} AS "childrenMaleNew", ${fresh('children')} AS "childrenNew"
         ${placements} GROUP BY 1, 2 ORDER BY 1, 2`,
        params,
      )) as SummaryRaw['people'];
      const exploitation = (await m.query(
        `SELECT x AS exploitation, ${carried('1')} AS "carriedOver", ${fresh('1')} AS "newAdmissions"
         FROM (SELECT event, day, transfer, unnest(CASE WHEN cardinality(exploitation) = 0 THEN ARRAY['none'] ELSE exploitation END) AS x
               ${placements}) f
         GROUP BY 1 ORDER BY 1`,
        params,
      )) as SummaryRaw['exploitation'];
      const exits = (await m.query(
        `SELECT CASE WHEN GROUPING(reason) = 0 THEN coalesce(reason, 'other') END AS reason, count(*)::int AS exits,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY stay_days) AS median, count(stay_days)::int AS n
         FROM report_fact WHERE event = 'discharge' AND ${within}${and(hosted)}
         GROUP BY GROUPING SETS ((reason), ()) ORDER BY GROUPING(reason), 1`,
        params,
      )) as SummaryRaw['exits'];
      const [moves] = (await m.query(
        `SELECT count(*)::int AS n FROM report_fact WHERE event = 'admission' AND transfer AND ${within}${and(hosted)}`,
        params,
      )) as { n: number }[];
      const proposals = (await m.query(
        `SELECT event, CASE WHEN event = 'decline' THEN coalesce(reason, 'other') END AS reason, count(*)::int AS n
         FROM report_fact WHERE event IN ('proposal', 'decline', 'expiry') AND ${within}${and(anyRegion)}
         GROUP BY 1, 2 ORDER BY 1, 2`,
        params,
      )) as SummaryRaw['proposals'];
      const [closed] = (await m.query(
        `SELECT count(*)::int AS n FROM report_fact WHERE event = 'closed_unplaced' AND ${within}${and(requestRegion)}`,
        params,
      )) as { n: number }[];
      return {
        people: people.map((r) => ({ ...r })),
        exploitation,
        exits: exits.map((e) => ({ ...e, median: e.median === null ? null : Number(e.median) })),
        transfers: moves.n,
        proposals,
        requestsClosedUnplaced: closed.n,
      };
    });
  }
}
