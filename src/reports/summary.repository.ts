import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.repository.js';
import { wholeMonths } from './report-definitions.js';
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
    if (scope.regions) {
      params.push(scope.regions);
      const r = `$${params.length}`;
      hosted.push(`facility_region_code = ANY(${r})`);
      anyRegion.push(`(region_code = ANY(${r}) OR facility_region_code = ANY(${r}))`);
    }
    if (scope.facilities) {
      params.push(scope.facilities);
      const f = `facility_id = ANY($${params.length})`;
      hosted.push(f);
      anyRegion.push(f);
    }
    const and = (w: string[]) => w.map((x) => ` AND ${x}`).join('');
    const within = `day BETWEEN $1::date AND $2::date`;
    return this.tx.snapshot(async (m) => {
      await m.query(`SET LOCAL work_mem = '64MB'`);
      // one pass over the placements: admissions and discharges before the period (who is still there),
      // admissions within it (new, or a transfer), grouped small; people and exploitation summed below
      const groups = (await m.query(
        `SELECT gender, CASE WHEN age_band = 'minor' THEN 'minor' WHEN age_band IS NOT NULL THEN 'adult' END AS age, exploitation,
                CASE WHEN day < $1::date THEN (CASE WHEN event = 'admission' THEN 'in' ELSE 'out' END)
                     WHEN transfer THEN 'transfer' ELSE 'new' END AS bucket,
                count(*)::int AS n, sum(children)::int AS children, sum(children_female)::int AS girls, sum(children_male)::int AS boys
         FROM report_fact WHERE event IN ('admission', 'discharge') AND day <= $2::date AND (day < $1::date OR event = 'admission')${and(hosted)}
         GROUP BY 1, 2, 3, 4`,
        params,
      )) as PlacementGroup[];
      const exits = (await m.query(
        `SELECT CASE WHEN GROUPING(reason) = 0 THEN coalesce(reason, 'other') END AS reason, count(*)::int AS exits,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY stay_days) AS median, count(stay_days)::int AS n
         FROM report_fact WHERE event = 'discharge' AND ${within}${and(hosted)}
         GROUP BY GROUPING SETS ((reason), ()) ORDER BY GROUPING(reason), 1`,
        params,
      )) as SummaryRaw['exits'];
      // requests closed unplaced have no facility: the region test is the request's (anyRegion holds it)
      const counted = `'proposal', 'expiry', 'closed_unplaced'`;
      const decline = `CASE WHEN event = 'decline' THEN coalesce(reason, 'other') END`;
      const months = wholeMonths(period.from, period.to);
      // nationally, the whole months' proposals, expiries and closings come from the flow roll-up
      // (migration 1763900012000 counts every event), the other days and the declines' reasons from the facts
      const events = (await (!scope.regions && !scope.facilities && months
        ? m.query(
            `SELECT event, reason, sum(n)::int AS n FROM (
               SELECT event, NULL::text AS reason, n FROM report_flow_now WHERE event IN (${counted}) AND month BETWEEN $3::date AND $4::date
               UNION ALL
               SELECT event, NULL, 1 FROM report_fact WHERE event IN (${counted}) AND ${within} AND (day < $3::date OR day > $4::date)
               UNION ALL
               SELECT event, ${decline}, 1 FROM report_fact WHERE event = 'decline' AND ${within}) f
             GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2`,
            [period.from, period.to, months.from, months.to],
          )
        : m.query(
            `SELECT event, ${decline} AS reason, count(*)::int AS n
             FROM report_fact WHERE event IN (${counted}, 'decline') AND ${within}${and(anyRegion)}
             GROUP BY 1, 2 ORDER BY 1, 2`,
            params,
          ))) as SummaryRaw['proposals'];
      return {
        ...fromPlacements(groups),
        exits: exits.map((e) => ({ ...e, median: e.median === null ? null : Number(e.median) })),
        proposals: events.filter((e) => e.event !== 'closed_unplaced'),
        requestsClosedUnplaced: events.filter((e) => e.event === 'closed_unplaced').reduce((a, e) => a + e.n, 0),
      };
    });
  }
}

/** A group of placement facts: `in`/`out` admitted/discharged before the period, `new` and `transfer` admitted within it. */
interface PlacementGroup {
  gender: string | null;
  age: 'adult' | 'minor' | null;
  exploitation: string[];
  bucket: 'in' | 'out' | 'new' | 'transfer';
  n: number;
  children: number;
  girls: number;
  boys: number;
}

/** People (by gender and age) and exploitation types carried over and new, and the transfers, from the groups. */
function fromPlacements(groups: PlacementGroup[]): Pick<SummaryRaw, 'people' | 'exploitation' | 'transfers'> {
  const people = new Map<string, SummaryRaw['people'][number]>();
  const types = new Map<string, SummaryRaw['exploitation'][number]>();
  let transfers = 0;
  for (const g of groups) {
    if (g.bucket === 'transfer') {
      transfers += g.n;
      continue;
    }
    const key = `${g.gender}|${g.age}`;
    const p = people.get(key) ?? {
      gender: g.gender,
      age: g.age,
      carriedOver: 0,
      newAdmissions: 0,
      childrenFemaleCarried: 0,
      childrenMaleCarried: 0,
      childrenCarried: 0,
      childrenFemaleNew: 0,
      childrenMaleNew: 0,
      childrenNew: 0,
    };
    people.set(key, p);
    const sign = g.bucket === 'out' ? -1 : 1;
    if (g.bucket === 'new') {
      p.newAdmissions += g.n;
      p.childrenNew += g.children;
      p.childrenFemaleNew += g.girls;
      p.childrenMaleNew += g.boys;
    } else {
      p.carriedOver += sign * g.n;
      p.childrenCarried += sign * g.children;
      p.childrenFemaleCarried += sign * g.girls;
      p.childrenMaleCarried += sign * g.boys;
    }
    for (const x of g.exploitation.length ? [...new Set(g.exploitation)] : ['none']) {
      const t = types.get(x) ?? { exploitation: x, carriedOver: 0, newAdmissions: 0 };
      types.set(x, t);
      if (g.bucket === 'new') t.newAdmissions += g.n;
      else t.carriedOver += sign * g.n;
    }
  }
  const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return { people: byKey(people), exploitation: byKey(types), transfers };
}
