import { csvDocument, csvLine, type CsvValue } from './csv.js';
import { band, OCCUPANCY_MEASURES, ratio, REPORTS, type ReportName } from './report-definitions.js';
import type { RawRow } from './reports.repository.js';
import { protect, type Shown } from './suppression.js';

export type Percentiles = { p50: number | null; p90: number | null };
export type Value = Shown | string | Percentiles;
export type Row = Record<string, Value>;

/** Fewer observations than this behind a percentile, under suppression: it is not shown. */
const MIN_FOR_PERCENTILES = 3;
const round2 = (x: unknown) => (x === null || x === undefined ? null : Math.round(Number(x) * 100) / 100);
const num = (x: unknown) => Number(x ?? 0);

/**
 * Rows and totals of a fact report from the grouped rows: counts protected cell by cell (see
 * suppression.ts) when `suppress`, groups being the rows' regions (a region-filtered answer
 * publishes each region's total), percentiles shown only over enough observations.
 */
export function factTable(
  name: Exclude<ReportName, 'occupancy'>,
  dims: string[],
  raw: RawRow[],
  suppress: boolean,
): { rows: Row[]; totals: Row } {
  const def = REPORTS[name];
  const body = raw.filter((r) => !r._total);
  const total = raw.find((r) => r._total);
  const n = body.length;
  // a year of `people` has tens of thousands of rows: each measure's cells first, then each row built
  // in one pass with its keys in the answer's order (dimensions, counts, durations)
  const totals: Row = {};
  const byRegion = dims.includes('regionCode');
  // each published total protects its own cells: a region's (the regionCode filter), a month's (a one-month period)
  const byMonth = dims.includes('month');
  const groups = suppress ? body.map((r) => `${byMonth ? String(r.month) : ''}|${byRegion ? String(r.regionCode) : ''}`) : [];
  const counts: Shown[][] = def.counts.map((m) => {
    const values = new Array<number>(n);
    for (let i = 0; i < n; i++) values[i] = num(body[i][m]);
    if (suppress) {
      const p = protect(values, groups);
      totals[m] = p.total;
      return p.cells;
    }
    totals[m] = values.reduce((a, b) => a + b, 0);
    return values;
  });
  const percentilesOf = (r: RawRow | undefined, m: string): Percentiles =>
    !r || (suppress && num(r[`${m}N`]) < MIN_FOR_PERCENTILES)
      ? { p50: null, p90: null }
      : { p50: round2(r[`${m}P50`]), p90: round2(r[`${m}P90`]) };
  // every row copied from one template: all its keys laid out at once, in order
  const template: Row = Object.fromEntries([...dims, ...def.counts, ...def.durations].map((k) => [k, null]));
  const rows: Row[] = new Array<Row>(n);
  for (let i = 0; i < n; i++) {
    const row: Row = { ...template };
    for (const d of dims) row[d] = (body[i][d] as string | null) ?? null;
    for (let k = 0; k < counts.length; k++) row[def.counts[k]] = counts[k][i];
    for (const m of def.durations) row[m] = percentilesOf(body[i], m);
    rows[i] = row;
  }
  for (const m of def.durations) totals[m] = percentilesOf(total, m);
  return { rows, totals };
}

/**
 * The grand total of grouped rows whose measures are sums or counts (at least one row): each
 * measure summed over the groups, null where every group has null (as SQL's sum has it); the
 * dimensions null; the keys in the rows' order.
 */
export function totalOf(rows: RawRow[], dims: string[]): RawRow {
  const total: Record<string, string | number | boolean | null> = {};
  for (const d of dims) total[d] = null;
  total._total = true;
  for (const m of Object.keys(rows[0]).filter((k) => k !== '_total' && !dims.includes(k))) {
    let sum: number | null = null;
    for (const r of rows) if (r[m] !== null && r[m] !== undefined) sum = (sum ?? 0) + Number(r[m]);
    total[m] = sum;
  }
  return total as RawRow;
}

/** Bed-nights, utilisation and its band, and the share of bed-nights whose facility had not confirmed that day. */
export function occupancyTable(dims: string[], raw: RawRow[]): { rows: Row[]; totals: Row } {
  const measures = (r: RawRow | undefined): Row => {
    const available = num(r?.bedNightsAvailable);
    const occupied = num(r?.bedNightsOccupied);
    const utilisation = ratio(occupied, available);
    const fresh = Math.min(num(r?.freshBedNights), available);
    return {
      bedNightsAvailable: available,
      bedNightsOccupied: occupied,
      utilisation,
      band: band(utilisation),
      staleShare: ratio(available - fresh, available),
    };
  };
  return {
    rows: raw
      .filter((r) => !r._total)
      .map((r) => ({ ...Object.fromEntries(dims.map((d) => [d, (r[d] as string | null) ?? null])), ...measures(r) })),
    totals: measures(raw.find((r) => r._total)),
  };
}

/**
 * CSV for a spreadsheet: UTF-8 with a byte-order mark (Excel reads UTF-8 only with it), a header
 * row, one row per JSON row, then a last row "total". A count hidden to protect another is "x"; a
 * small count is "<3"; percentiles become two columns (…P50, …P90).
 */
export function toCsv(name: ReportName, dims: string[], rows: Row[], totals: Row): Buffer[] {
  const def = REPORTS[name];
  const counts = new Set<string>(def.counts);
  const durations = new Set<string>(def.durations);
  const measures = name === 'occupancy' ? [...OCCUPANCY_MEASURES] : [...def.counts, ...def.durations];
  const columns = [...dims, ...measures.flatMap((m) => (durations.has(m) ? [`${m}P50`, `${m}P90`] : [m]))];
  // one array of fields, refilled for every row: a year of `people` is 36,000 lines
  const fields = new Array<CsvValue>(columns.length);
  const line = (row: Row, total: boolean): string => {
    let k = 0;
    for (let i = 0; i < dims.length; i++) fields[k++] = total ? (i === 0 ? 'total' : '') : ((row[dims[i]] as string | null) ?? '');
    for (const m of measures) {
      const v = row[m];
      if (durations.has(m)) {
        const p = v as Percentiles;
        fields[k++] = p.p50 ?? '';
        fields[k++] = p.p90 ?? '';
      } else if (v === null || v === undefined) fields[k++] = counts.has(m) ? 'x' : '';
      else fields[k++] = v as string | number;
    }
    return csvLine(fields);
  };
  const lines = new Array<string>(rows.length + 2);
  lines[0] = csvLine(columns);
  for (let i = 0; i < rows.length; i++) lines[i + 1] = line(rows[i], false);
  lines[rows.length + 1] = line(totals, true);
  return csvDocument(lines);
}

/** Rows per chunk of a JSON answer (about 50 kB for `people`). */
const ROWS_PER_CHUNK = 250;

/**
 * The JSON text of `answer` in chunks of bytes, exactly `JSON.stringify(answer)`: a year of
 * `people` is 8 MB of JSON, which as one string and one buffer of megabytes is fresh memory (page
 * faults) on every answer; chunks of tens of kB are not (they are all built before the answer is
 * sent, so the whole body is still held at once). The rows are cut out of the object's text at a
 * marker and written a batch at a time.
 */
export function jsonChunks<T extends { rows: unknown[] }>(answer: T): Buffer[] {
  const marker = JSON.stringify('\u0000rows\u0000');
  const text = JSON.stringify({ ...answer, rows: JSON.parse(marker) as string });
  const at = text.indexOf(marker);
  if (at < 0 || text.lastIndexOf(marker) !== at) throw new Error('jsonChunks: the rows marker must appear exactly once');
  const chunks = [Buffer.from(`${text.slice(0, at)}[`, 'utf8')];
  for (let i = 0; i < answer.rows.length; i += ROWS_PER_CHUNK) {
    const batch = JSON.stringify(answer.rows.slice(i, i + ROWS_PER_CHUNK)).slice(1, -1);
    chunks.push(Buffer.from(i === 0 ? batch : `,${batch}`, 'utf8'));
  }
  chunks.push(Buffer.from(`]${text.slice(at + marker.length)}`, 'utf8'));
  return chunks;
}
