import { csvDocument, csvLine, type CsvValue } from './csv.js';
import { protect, type Shown } from './suppression.js';
import type { SummaryRaw } from './summary.repository.js';

export const SUMMARY_GENDERS = ['female', 'male', 'transgender'] as const;
export const SUMMARY_AGES = ['adult', 'minor'] as const;
const MIN_FOR_MEDIAN = 3;

type Table<R> = { rows: R[]; totals: Record<string, Shown> };
export interface SummaryAnswer {
  report: 'summary';
  from: string;
  to: string;
  filters: { regionCode: string | null };
  suppressed: boolean;
  people: Table<{ gender: string; age: string; carriedOver: Shown; newAdmissions: Shown }>;
  children: Table<{ sex: string; carriedOver: Shown; newAdmissions: Shown }>;
  exploitation: Table<{ exploitation: string; carriedOver: Shown; newAdmissions: Shown }>;
  exits: Table<{ reason: string; exits: Shown; medianStayDays: number | null }> & { medianStayDays: number | null };
  transfers: Shown;
  proposals: { made: Shown; declined: Shown; expired: Shown; declinedByReason: Table<{ reason: string; count: Shown }> };
  requestsClosedUnplaced: Shown;
}

/**
 * One table's measures protected as the other reports' (suppression.ts), each measure against
 * the table's published total; without suppression the plain counts and their sums.
 */
function table<K extends object, M extends string>(
  keys: K[],
  measures: Record<M, number[]>,
  suppress: boolean,
): Table<K & Record<M, Shown>> {
  const rows = keys.map((k) => ({ ...k })) as Record<string, unknown>[];
  const totals: Record<string, Shown> = {};
  for (const [m, values] of Object.entries(measures) as [M, number[]][]) {
    if (suppress) {
      const p = protect(values);
      p.cells.forEach((c, i) => (rows[i][m] = c));
      totals[m] = p.total;
    } else {
      values.forEach((v, i) => (rows[i][m] = v));
      totals[m] = values.reduce((a, b) => a + b, 0);
    }
  }
  return { rows: rows as (K & Record<M, Shown>)[], totals };
}

/** A single published count: 1 or 2 shows as "<3" under suppression. */
const single = (n: number, suppress: boolean): Shown => (suppress && (n === 1 || n === 2) ? '<3' : n);
/** Legacy discharges without dimensions can push an unknown group below zero: nobody is hosted twice less than nobody. */
const atLeast0 = (n: number) => Math.max(0, n);

/** The monitoring sheet from the raw counts: fixed rows (every gender and age, both sexes) so the sheet's layout never moves. */
export function summaryAnswer(
  head: { from: string; to: string; regionCode: string | null },
  raw: SummaryRaw,
  suppress: boolean,
): SummaryAnswer {
  const keys: { gender: string; age: string }[] = [];
  for (const gender of SUMMARY_GENDERS) for (const age of SUMMARY_AGES) keys.push({ gender, age });
  // a group without gender or age (facts written before they were recorded) shows as such, only when it has people
  const unknown = raw.people.filter((r) => !(SUMMARY_GENDERS as readonly (string | null)[]).includes(r.gender) || r.age === null);
  const unknownCarried = atLeast0(unknown.reduce((a, r) => a + r.carriedOver, 0));
  const unknownNew = unknown.reduce((a, r) => a + r.newAdmissions, 0);
  if (unknownCarried + unknownNew > 0) keys.push({ gender: 'unknown', age: 'unknown' });
  const find = (k: { gender: string; age: string }) =>
    k.gender === 'unknown' ? null : raw.people.find((r) => r.gender === k.gender && r.age === k.age);
  const people = table(
    keys,
    {
      carriedOver: keys.map((k) => (k.gender === 'unknown' ? unknownCarried : atLeast0(find(k)?.carriedOver ?? 0))),
      newAdmissions: keys.map((k) => (k.gender === 'unknown' ? unknownNew : (find(k)?.newAdmissions ?? 0))),
    },
    suppress,
  );

  const sum = (f: (r: SummaryRaw['people'][number]) => number) => raw.people.reduce((a, r) => a + f(r), 0);
  const carried = { female: atLeast0(sum((r) => r.childrenFemaleCarried)), male: atLeast0(sum((r) => r.childrenMaleCarried)) };
  const fresh = { female: sum((r) => r.childrenFemaleNew), male: sum((r) => r.childrenMaleNew) };
  const carriedUnknown = atLeast0(sum((r) => r.childrenCarried) - carried.female - carried.male);
  const freshUnknown = sum((r) => r.childrenNew) - fresh.female - fresh.male;
  const sexes = ['female', 'male', ...(carriedUnknown + freshUnknown > 0 ? ['unknown'] : [])];
  const children = table(
    sexes.map((sex) => ({ sex })),
    {
      carriedOver: sexes.map((s) => (s === 'unknown' ? carriedUnknown : carried[s as 'female'])),
      newAdmissions: sexes.map((s) => (s === 'unknown' ? freshUnknown : fresh[s as 'female'])),
    },
    suppress,
  );

  const types = raw.exploitation.filter((r) => atLeast0(r.carriedOver) + r.newAdmissions > 0);
  const exploitation = table(
    types.map((r) => ({ exploitation: r.exploitation })),
    { carriedOver: types.map((r) => atLeast0(r.carriedOver)), newAdmissions: types.map((r) => r.newAdmissions) },
    suppress,
  );

  const median = (e: SummaryRaw['exits'][number] | undefined) =>
    !e || e.median === null || (suppress && e.n < MIN_FOR_MEDIAN) ? null : Math.round(e.median * 10) / 10;
  const reasons = raw.exits.filter((e) => e.reason !== null);
  const exitsTable = table(
    reasons.map((e) => ({ reason: e.reason!, medianStayDays: median(e) })),
    { exits: reasons.map((e) => e.exits) },
    suppress,
  );
  const allExits = raw.exits.find((e) => e.reason === null);

  const count = (event: string) => raw.proposals.filter((p) => p.event === event).reduce((a, p) => a + p.n, 0);
  const declines = raw.proposals.filter((p) => p.event === 'decline');
  const declinedByReason = table(
    declines.map((d) => ({ reason: d.reason ?? 'other' })),
    { count: declines.map((d) => d.n) },
    suppress,
  );
  return {
    report: 'summary',
    from: head.from,
    to: head.to,
    filters: { regionCode: head.regionCode },
    suppressed: suppress,
    people,
    children,
    exploitation,
    exits: { ...exitsTable, medianStayDays: median(allExits) },
    transfers: single(raw.transfers, suppress),
    proposals: {
      made: single(count('proposal'), suppress),
      declined: declinedByReason.totals.count,
      expired: single(count('expiry'), suppress),
      declinedByReason,
    },
    requestsClosedUnplaced: single(raw.requestsClosedUnplaced, suppress),
  };
}

/**
 * The sheet as CSV, one figure a line (a spreadsheet pivots it): section, the row's two keys, the
 * measure, the value ("<3" small, "x" hidden, empty where no median is shown); "total" rows too.
 */
export function summaryCsv(a: SummaryAnswer): Buffer[] {
  const lines: string[] = [csvLine(['section', 'key', 'key2', 'measure', 'value'])];
  const v = (x: Shown | number | null, count = true): CsvValue => (x === null ? (count ? 'x' : '') : x);
  const add = (section: string, key: string, key2: string, measure: string, value: CsvValue) =>
    lines.push(csvLine([section, key, key2, measure, value]));
  for (const r of a.people.rows) for (const m of ['carriedOver', 'newAdmissions'] as const) add('people', r.gender, r.age, m, v(r[m]));
  for (const m of ['carriedOver', 'newAdmissions']) add('people', 'total', '', m, v(a.people.totals[m]));
  for (const r of a.children.rows) for (const m of ['carriedOver', 'newAdmissions'] as const) add('children', r.sex, '', m, v(r[m]));
  for (const m of ['carriedOver', 'newAdmissions']) add('children', 'total', '', m, v(a.children.totals[m]));
  for (const r of a.exploitation.rows)
    for (const m of ['carriedOver', 'newAdmissions'] as const) add('exploitation', r.exploitation, '', m, v(r[m]));
  for (const r of a.exits.rows) {
    add('exits', r.reason, '', 'exits', v(r.exits));
    add('exits', r.reason, '', 'medianStayDays', v(r.medianStayDays, false));
  }
  add('exits', 'total', '', 'exits', v(a.exits.totals.exits ?? 0));
  add('exits', 'total', '', 'medianStayDays', v(a.exits.medianStayDays, false));
  add('transfers', 'total', '', 'transfers', v(a.transfers));
  add('proposals', 'made', '', 'count', v(a.proposals.made));
  for (const r of a.proposals.declinedByReason.rows) add('proposals', 'declined', r.reason, 'count', v(r.count));
  add('proposals', 'declined', 'total', 'count', v(a.proposals.declined));
  add('proposals', 'expired', '', 'count', v(a.proposals.expired));
  add('requests', 'closedUnplaced', '', 'count', v(a.requestsClosedUnplaced));
  return csvDocument(lines);
}
