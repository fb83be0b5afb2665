import { invalidInput } from '../domain/errors.js';
import { dayOf } from '../domain/italian-day.js';

/** The six reports of the contract: their row dimensions and measures. */
export const REPORTS = {
  people: {
    dims: ['regionCode', 'gender', 'ageBand', 'exploitation', 'referralChannel', 'nationality'],
    counts: ['admissions', 'accompanyingChildren', 'childrenFemale', 'childrenMale'],
    durations: [],
  },
  occupancy: {
    dims: ['regionCode', 'facilityType', 'kind', 'facilityId'],
    counts: [],
    durations: [],
  },
  flow: {
    dims: ['regionCode', 'urgency'],
    counts: ['requests', 'placed', 'declines', 'expiries', 'withdrawals'],
    durations: ['hoursToFirstProposal', 'hoursToAcceptance', 'hoursToAdmission'],
  },
  declines: { dims: ['reason', 'facilityType'], counts: ['count'], durations: [] },
  unmet: { dims: ['regionCode', 'reason'], counts: ['searchesWithoutCandidates', 'requestsClosedUnplaced'], durations: [] },
  movements: { dims: ['fromRegionCode', 'toRegionCode'], counts: ['admissions', 'transfers'], durations: [] },
} as const satisfies Record<string, { dims: readonly string[]; counts: readonly string[]; durations: readonly string[] }>;
export type ReportName = keyof typeof REPORTS;
export const REPORT_NAMES = Object.keys(REPORTS) as ReportName[];
export const OCCUPANCY_MEASURES = ['bedNightsAvailable', 'bedNightsOccupied', 'utilisation', 'band', 'staleShare'] as const;

/** The longest period a report covers, in days (a leap year). */
export const MAX_PERIOD_DAYS = 366;
const DAY = 86_400_000;
const ALLOWED_PARAMS = new Set(['from', 'to', 'regionCode', 'format', 'by', 'groupBy']);
/** The reports that answer a row per month with `groupBy=month`. */
export const MONTHLY: readonly ReportName[] = ['occupancy', 'people', 'flow'];
/** The monitoring sheet (summary.ts): not a table of rows, so no `by` and no `groupBy`. */
export const SUMMARY = 'summary';

export interface ReportQuery {
  name: ReportName;
  from: string;
  to: string;
  regionCode: string | null;
  format: 'json' | 'csv';
  /** the row dimensions, in the report's order */
  dims: string[];
  /** `groupBy=month`: a row per month and dimensions, each carrying `month` (YYYY-MM) */
  monthly: boolean;
}

/** The summary's query: a period, a region, a format (400 as `parseReportQuery` for the same mistakes). */
export function parseSummaryQuery(
  q: Record<string, unknown>,
  accept: string | undefined,
  today: string,
): Pick<ReportQuery, 'from' | 'to' | 'regionCode' | 'format'> {
  for (const k of ['by', 'groupBy'])
    if (q[k] !== undefined) throw invalidInput('unknown_parameter', `the summary takes no ${k}`, { field: k });
  const { from, to, regionCode, format } = parseReportQuery('people', q, accept, today, () => false);
  return { from, to, regionCode, format };
}

/** Days since the epoch of a YYYY-MM-DD date, or null when it is not a real date. */
export function dayNumber(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const d = new Date(t);
  if (d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) return null;
  return t / DAY;
}
export const dateOf = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);

/** The files for people (.xlsx, Italian CSV) are named in Italian, as the page names the reports; the machine CSV keeps the API's name. */
export const OFFICE_FILE: Record<keyof typeof REPORTS, string> = {
  people: 'persone-accolte',
  occupancy: 'utilizzo-posti',
  flow: 'flusso-richieste',
  declines: 'rifiuti-per-motivo',
  unmet: 'bisogni-non-soddisfatti',
  movements: 'spostamenti-tra-regioni',
};

/** Today in Italy, where the network's days begin and end (the one rule, src/domain/italian-day.ts). */
export const todayInItaly = dayOf;

/** Nights of a stay: from the day of the admission in Italy to the discharge date (YYYY-MM-DD), never negative. */
export const nightsOfStay = (admittedAt: Date, dischargeDate: string): number =>
  Math.max(0, Math.round((Date.parse(`${dischargeDate}T00:00:00Z`) - Date.parse(`${todayInItaly(admittedAt)}T00:00:00Z`)) / 86_400_000));

/**
 * Validates a report query: 400 with `unknown_report`, `unknown_parameter`, `invalid_date`,
 * `invalid_period`, `period_too_long`, `invalid_region`, `unknown_dimension`, `unknown_format`.
 * `from` defaults to the first day of `to`'s month, `to` to today; both are inclusive.
 * `facilityIdAllowed`: facility rows exist only within one region or a manager's facilities.
 */
export function parseReportQuery(
  name: string,
  q: Record<string, unknown>,
  accept: string | undefined,
  today: string,
  facilityIdAllowed: (regionCode: string | null) => boolean,
): ReportQuery {
  if (!(REPORT_NAMES as string[]).includes(name))
    throw invalidInput('unknown_report', `no report named ${name.slice(0, 40)}; reports: ${REPORT_NAMES.join(', ')}`);
  const report = REPORTS[name as ReportName];
  for (const k of Object.keys(q))
    if (!ALLOWED_PARAMS.has(k))
      throw invalidInput('unknown_parameter', `unknown query parameter ${k.slice(0, 40)}`, { field: k.slice(0, 40) });
  const str = (k: string) => {
    const v = q[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw invalidInput('validation_failed', `${k}: give it once`, { field: k });
    return v;
  };
  const to = str('to') ?? today;
  const toN = dayNumber(to);
  if (toN === null) throw invalidInput('invalid_date', 'to: a date YYYY-MM-DD', { field: 'to' });
  const from = str('from') ?? `${to.slice(0, 8)}01`;
  const fromN = dayNumber(from);
  if (fromN === null) throw invalidInput('invalid_date', 'from: a date YYYY-MM-DD', { field: 'from' });
  if (fromN > toN) throw invalidInput('invalid_period', 'from is after to');
  if (toN - fromN + 1 > MAX_PERIOD_DAYS) throw invalidInput('period_too_long', `a report covers at most ${MAX_PERIOD_DAYS} days`);
  const regionCode = str('regionCode') ?? null;
  if (regionCode !== null && !/^\d{2}$/.test(regionCode))
    throw invalidInput('invalid_region', 'regionCode: a two-digit ISTAT code', { field: 'regionCode' });
  const format = str('format') ?? (accept && /\btext\/csv\b/i.test(accept) ? 'csv' : 'json');
  // the spreadsheets for people (xlsx, csv-it) are made from the JSON answer: reports.service.ts `download`
  if (format !== 'json' && format !== 'csv') throw invalidInput('unknown_format', 'format: json, csv, csv-it or xlsx', { field: 'format' });
  const all = report.dims as readonly string[];
  const by = str('by');
  let dims: string[];
  if (by === undefined) dims = all.filter((d) => d !== 'facilityId' || facilityIdAllowed(regionCode));
  else {
    const asked = by.split(',').map((x) => x.trim());
    const unknown = asked.find((d) => !all.includes(d));
    if (unknown !== undefined || !asked.length) throw invalidInput('unknown_dimension', `by: among ${all.join(', ')}`, { field: 'by' });
    if (asked.includes('facilityId') && !facilityIdAllowed(regionCode))
      throw invalidInput('unknown_dimension', 'by: facilityId rows exist only within one region (regionCode) or for a shelter manager', {
        field: 'by',
      });
    dims = all.filter((d) => asked.includes(d));
  }
  const groupBy = str('groupBy');
  if (groupBy !== undefined && (groupBy !== 'month' || !MONTHLY.includes(name as ReportName)))
    throw invalidInput('unknown_dimension', `groupBy: month, for ${MONTHLY.join(', ')}`, { field: 'groupBy' });
  return { name: name as ReportName, from, to, regionCode, format, dims, monthly: groupBy === 'month' };
}

/** HUD's bed-utilisation band: low < 0.65 <= ok <= 1.05 < over. */
export function band(utilisation: number | null): 'low' | 'ok' | 'over' | null {
  if (utilisation === null) return null;
  if (utilisation < 0.65) return 'low';
  return utilisation <= 1.05 ? 'ok' : 'over';
}

export const ratio = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null);

/**
 * The whole calendar months within [from, to] (both inclusive, YYYY-MM-DD), as the first day of
 * the first and the last day of the last, or null when the period holds no whole month. Reports
 * read whole months from the monthly roll-ups and the other days from the day rows or facts.
 */
export function wholeMonths(from: string, to: string): { from: string; to: string } | null {
  const [fy, fm] = [+from.slice(0, 4), +from.slice(5, 7)];
  const [ty, tm] = [+to.slice(0, 4), +to.slice(5, 7)];
  // Date.UTC rolls month 13 over to January and day 0 back to the month before's last day
  const first = from.endsWith('-01') ? from : dateOf(Date.UTC(fy, fm, 1) / DAY);
  const last = dateOf(Date.UTC(ty, tm, 1) / DAY - 1) === to ? to : dateOf(Date.UTC(ty, tm - 1, 1) / DAY - 1);
  return first <= last ? { from: first, to: last } : null;
}

/** The calendar months of [from, to], each clamped to the period: `month` YYYY-MM, its first and last day within it. */
export function monthsOf(from: string, to: string): { month: string; from: string; to: string }[] {
  const out: { month: string; from: string; to: string }[] = [];
  let y = +from.slice(0, 4);
  let m = +from.slice(5, 7);
  for (;;) {
    const first = dateOf(Date.UTC(y, m - 1, 1) / DAY);
    const last = dateOf(Date.UTC(y, m, 1) / DAY - 1);
    if (first > to) return out;
    out.push({ month: first.slice(0, 7), from: first < from ? from : first, to: last > to ? to : last });
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
}
