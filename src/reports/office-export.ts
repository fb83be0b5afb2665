/**
 * The reports as Italian offices open them: a workbook (.xlsx, one sheet per table) and a CSV for
 * people (`;` between fields, decimal commas, UTF-8 with a byte-order mark, Italian headers and
 * labels) — Excel with Italian settings splits the machine CSV (commas, English codes) wrongly.
 * The words are the pages' own (web/messages/it.json), so a column reads the same on the page, in
 * the sheet and in the CSV; suppressed cells as on the page: "<3", and "x" for a hidden one.
 */
import ExcelJS from 'exceljs';
import it from '../../web/messages/it.json' with { type: 'json' };
import { REGIONS } from '../regions/regions.data.js';
import { csvDocument } from './csv.js';
import { OCCUPANCY_MEASURES, REPORTS, type ReportName } from './report-definitions.js';
import type { Row } from './report-table.js';
import type { SummaryAnswer } from './summary.js';

const WORDS = it as Record<string, string>;
const word = (key: string, fallback: string) => WORDS[key] ?? fallback;
const fill = (key: string, vars: Record<string, string>) => word(key, key).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');

export type Value = string | number | null;
/** A table as a person reads it: its title (the sheet's name), a caption, headers, rows; `percent`: columns of shares. */
export interface OfficeTable {
  title: string;
  caption: string;
  headers: string[];
  rows: Value[][];
  percent?: number[];
}

const regionNames = new Map(REGIONS.map((r) => [r.code, r.name]));
const DAY = new Intl.DateTimeFormat('it-IT', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const MONTH = new Intl.DateTimeFormat('it-IT', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const NUMBER = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 2, useGrouping: false });
let nations: Intl.DisplayNames | null = null;

/** 2026-12-07 → "7 dicembre 2026". */
export const dayWords = (iso: string) => DAY.format(new Date(`${iso}T12:00:00Z`));
export const periodWords = (from: string, to: string) => fill('report.period', { from: dayWords(from), to: dayWords(to) });

/** A column's header as the page says it (web/src/words/report-format.ts `columnText`). */
export function columnWords(report: string, col: string): string {
  return WORDS[`report.col.${report}.${col}`] ?? WORDS[`report.col.${col}`] ?? col;
}

/** A dimension's value as the page says it (web/src/words/report-format.ts `dimText`). */
export function valueWords(dim: string, v: string | null, report: string, facilities: Map<string, string>): string {
  if (v === null) return word('report.unknown', '');
  const label = (prefix: string) => word(`${prefix}.${v}`, v);
  switch (dim) {
    case 'regionCode':
    case 'fromRegionCode':
    case 'toRegionCode':
      return regionNames.get(v) ?? v;
    case 'facilityId':
      return facilities.get(v) ?? word('report.facility', 'Struttura');
    case 'month':
      return MONTH.format(new Date(`${v}-15T12:00:00Z`));
    case 'gender':
      return label('gender');
    case 'ageBand':
    case 'age':
      return label('report.age');
    case 'sex':
      return label('report.sex');
    case 'exploitation':
      return v === 'none'
        ? word('report.exploitation.none', v)
        : v
            .split('+')
            .map((x) => word(`exploitation.${x}`, x))
            .join(' + ');
    case 'nationality':
      try {
        nations ??= new Intl.DisplayNames(['it'], { type: 'region' });
        return nations.of(v) ?? v;
      } catch {
        return v;
      }
    case 'referralChannel':
      return label('referral');
    case 'facilityType':
      return label('type');
    case 'kind':
      return label('kind');
    case 'urgency':
      return label('urgency');
    case 'reason':
      if (report === 'declines') return label('decline');
      if (report === 'exits') return label('discharge');
      return v === 'none' ? word('report.reason.none', v) : label('reason');
    default:
      return v;
  }
}

/** A count as shown: a number, "<3", or "x" where the page hides it. */
const shown = (v: unknown): Value => (v === null || v === undefined ? 'x' : (v as Value));

/** A report (rows of dimensions and measures) as one table. */
export function reportTable(
  name: ReportName,
  a: { from: string; to: string; dimensions: string[]; rows: Row[]; totals: Row },
  facilities: Map<string, string>,
): OfficeTable {
  const def = REPORTS[name];
  const durations = new Set<string>(def.durations);
  const measures: string[] = name === 'occupancy' ? [...OCCUPANCY_MEASURES] : [...def.counts, ...def.durations];
  const headers = [
    ...a.dimensions.map((d) => columnWords(name, d)),
    ...measures.flatMap((m) =>
      durations.has(m) ? [`${columnWords(name, m)} (mediana)`, `${columnWords(name, m)} (90° percentile)`] : [columnWords(name, m)],
    ),
  ];
  const percent: number[] = [];
  let c = a.dimensions.length;
  for (const m of measures) {
    if (m === 'utilisation' || m === 'staleShare') percent.push(c);
    c += durations.has(m) ? 2 : 1;
  }
  const line = (r: Row, total: boolean): Value[] => [
    ...a.dimensions.map((d, i) =>
      total ? (i === 0 ? word('report.total', 'Totale') : '') : valueWords(d, (r[d] as string | null) ?? null, name, facilities),
    ),
    ...measures.flatMap((m): Value[] => {
      const v = r[m] as unknown;
      if (durations.has(m)) {
        const p = (v ?? {}) as { p50?: number | null; p90?: number | null };
        return [p.p50 ?? null, p.p90 ?? null];
      }
      if (m === 'band') return [typeof v === 'string' ? word(`report.band.${v}`, v) : null];
      if (m === 'utilisation' || m === 'staleShare' || m.startsWith('bedNights')) return [(v as number | null) ?? null];
      return [shown(v)];
    }),
  ];
  return {
    title: word(`report.${name}`, name),
    caption: `${word(`report.${name}`, name)} · ${periodWords(a.from, a.to)}`,
    headers,
    rows: [...a.rows.map((r) => line(r, false)), line(a.totals, true)],
    percent,
  };
}

/** The monitoring sheet as its tables, in the order of the printed sheet. */
export function summaryTables(s: SummaryAnswer): OfficeTable[] {
  const period = periodWords(s.from, s.to);
  const w = (k: string) => word(k, k);
  const gender = (g: string) => (g === 'unknown' ? w('report.unknown') : word(`gender.${g}`, g));
  const genders = [...new Set(s.people.rows.map((r) => r.gender))];
  const people = (m: 'carriedOver' | 'newAdmissions', title: string, caption: string): OfficeTable => {
    const of = (g: string, age: string) => shown(s.people.rows.find((r) => r.gender === g && r.age === age)?.[m] ?? 0);
    return {
      title,
      caption: `${caption} · ${period}`,
      headers: [w('summary.gender'), w('report.age.adult'), w('report.age.minor')],
      rows: [...genders.map((g) => [gender(g), of(g, 'adult'), of(g, 'minor')]), [w('report.total'), shown(s.people.totals[m]), '']],
    };
  };
  const both = [w('summary.col.carriedOver'), w('summary.col.newAdmissions')];
  return [
    people('carriedOver', 'In continuità', w('summary.carriedOverTable')),
    people('newAdmissions', 'Nuove prese in carico', w('summary.newAdmissionsTable')),
    {
      title: 'Figli al seguito',
      caption: `${w('report.col.accompanyingChildren')} · ${period}`,
      headers: [word('report.col.sex', 'Sesso'), ...both],
      rows: [
        ...s.children.rows.map((r) => [word(`report.sex.${r.sex}`, r.sex), shown(r.carriedOver), shown(r.newAdmissions)]),
        [w('report.total'), shown(s.children.totals.carriedOver), shown(s.children.totals.newAdmissions)],
      ],
    },
    {
      title: 'Sfruttamento',
      caption: `${w('summary.exploitationTable')} · ${period}`,
      headers: [w('report.col.exploitation'), ...both],
      rows: s.exploitation.rows.map((r) => [
        valueWords('exploitation', r.exploitation, 'people', new Map()),
        shown(r.carriedOver),
        shown(r.newAdmissions),
      ]),
    },
    {
      title: 'Uscite',
      caption: `${w('summary.exitsTable')} · ${period}`,
      headers: [w('summary.col.reason'), w('summary.col.exits'), `${w('summary.col.medianStay')} (giorni)`],
      rows: [
        ...s.exits.rows.map((r) => [valueWords('reason', r.reason, 'exits', new Map()), shown(r.exits), r.medianStayDays]),
        [w('report.total'), shown(s.exits.totals.exits), s.exits.medianStayDays],
      ],
    },
    {
      title: 'Proposte e richieste',
      caption: `${w('summary.proposalsAndRequests')} · ${period}`,
      headers: [w('summary.col.reason'), w('report.col.count')],
      rows: [
        [w('summary.transfers'), shown(s.transfers)],
        [w('summary.proposalsMade'), shown(s.proposals.made)],
        [w('summary.proposalsDeclined'), shown(s.proposals.declined)],
        ...s.proposals.declinedByReason.rows.map((r) => [`– ${valueWords('reason', r.reason, 'declines', new Map())}`, shown(r.count)]),
        [w('summary.proposalsExpired'), shown(s.proposals.expired)],
        [w('summary.closedUnplaced'), shown(s.requestsClosedUnplaced)],
      ],
    },
  ];
}

/** A sheet's name: at most 31 characters, none of : \ / ? * [ ] (Excel's rules), unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base = title.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 28)} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

/** The workbook: one sheet per table (caption, headers in bold and frozen, the rows), and a sheet of notes. */
export async function xlsxDocument(tables: OfficeTable[], notes: [string, string][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Approdo';
  const taken = new Set<string>();
  for (const table of tables) {
    const ws = wb.addWorksheet(sheetName(table.title, taken), { views: [{ state: 'frozen', ySplit: 2 }] });
    ws.addRow([table.caption]).font = { italic: true };
    const head = ws.addRow(table.headers);
    head.font = { bold: true };
    for (const r of table.rows) ws.addRow(r.map((v) => v ?? ''));
    const last = ws.lastRow;
    if (last && String(last.getCell(1).value) === word('report.total', 'Totale')) last.font = { bold: true };
    table.headers.forEach((h, i) => {
      const col = ws.getColumn(i + 1);
      const widest = Math.max(h.length, ...table.rows.map((r) => String(r[i] ?? '').length));
      col.width = Math.min(48, Math.max(10, widest + 2));
      if (table.percent?.includes(i)) col.numFmt = '0%';
    });
  }
  const ws = wb.addWorksheet(sheetName('Note', taken));
  for (const [k, v] of notes) ws.addRow([k, v]).getCell(1).font = { bold: true };
  ws.getColumn(1).width = 24;
  ws.getColumn(2).width = 90;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A field of the CSV for people: `;` between fields, quoted when it holds one, a quote or a line break. */
const field = (v: Value, percent: boolean): string => {
  if (v === null) return '';
  const s = typeof v === 'number' ? NUMBER.format(percent ? Math.round(v * 1000) / 10 : v) + (percent ? '%' : '') : v;
  return /[";\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The CSV for people: each table under its caption, an empty line between tables, then the notes. */
export function csvItDocument(tables: OfficeTable[], notes: [string, string][]): Buffer[] {
  const lines: string[] = [];
  tables.forEach((table, i) => {
    if (i > 0) lines.push('');
    if (tables.length > 1) lines.push(field(table.caption, false));
    lines.push(table.headers.map((h) => field(h, false)).join(';'));
    for (const r of table.rows) lines.push(r.map((v, j) => field(v, !!table.percent?.includes(j))).join(';'));
  });
  lines.push('');
  for (const [k, v] of notes) lines.push(`${field(k, false)};${field(v, false)}`);
  return csvDocument(lines);
}

/** What a reader of the file needs beside the numbers: the period, the scope, what "<3" and "x" mean. */
export function notesOf(from: string, to: string, regionCode: string | null, suppressed: boolean): [string, string][] {
  return [
    [word('summary.period', 'Periodo'), periodWords(from, to)],
    [
      word('summary.scope', 'Ambito'),
      regionCode ? (regionNames.get(regionCode) ?? regionCode) : word('report.allRegions', 'Tutte le regioni'),
    ],
    ...(suppressed ? [[word('summary.suppressedNote', 'Riservatezza'), word('summary.suppressedText', '')] as [string, string]] : []),
    ['Fonte', word('summary.legend', '')],
  ];
}
