import { Inject, Injectable } from '@nestjs/common';
import { reportsNationally, scopeOf } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { invalidInput, DomainError } from '../domain/errors.js';
import { RegionsService } from '../regions/regions.service.js';
import {
  monthsOf,
  OFFICE_FILE,
  parseReportQuery,
  parseSummaryQuery,
  SUMMARY,
  todayInItaly,
  type ReportQuery,
} from './report-definitions.js';
import { csvItDocument, notesOf, reportTable, summaryTables, xlsxDocument, type OfficeTable } from './office-export.js';
import { factTable, jsonChunks, occupancyTable, toCsv, totalOf, type Row } from './report-table.js';
import { ReportsRepository, type Period, type RawRow, type Scope } from './reports.repository.js';
import { summaryAnswer, summaryCsv, type SummaryAnswer } from './summary.js';
import { SummaryRepository } from './summary.repository.js';

export interface ReportAnswer {
  report: string;
  from: string;
  to: string;
  filters: { regionCode: string | null };
  dimensions: string[];
  suppressed: boolean;
  rows: Row[];
  totals: Row;
}

@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly summaries: SummaryRepository,
    private readonly regions: RegionsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The report as an HTTP answer carries it: JSON or CSV (with a file name), in chunks of bytes. */
  async download(
    p: Principal,
    name: string,
    query: Record<string, unknown>,
    accept?: string,
  ): Promise<{ contentType: string; chunks: Buffer[]; filename?: string }> {
    const office = officeFormat(query, accept);
    if (office) return this.forPeople(p, name, query, office);
    if (name === SUMMARY) {
      const out = await this.summary(p, query, accept);
      if ('json' in out) return { contentType: 'application/json; charset=utf-8', chunks: [Buffer.from(JSON.stringify(out.json), 'utf8')] };
      return { contentType: 'text/csv; charset=utf-8', chunks: out.csv, filename: out.filename };
    }
    const out = await this.render(p, name, query, accept);
    if ('json' in out) return { contentType: 'application/json; charset=utf-8', chunks: jsonChunks(out.json) };
    return { contentType: 'text/csv; charset=utf-8', chunks: out.csv, filename: out.filename };
  }

  /**
   * A report or the monitoring sheet as people open it (office-export.ts): a workbook, one sheet per
   * table, or a `;`-separated CSV with Italian words; made from the JSON answer, so the same scope,
   * suppression and validation.
   */
  private async forPeople(
    p: Principal,
    name: string,
    query: Record<string, unknown>,
    format: 'xlsx' | 'csv-it',
  ): Promise<{ contentType: string; chunks: Buffer[]; filename: string }> {
    const { format: _format, ...rest } = query;
    let tables: OfficeTable[];
    let head: { from: string; to: string; regionCode: string | null; suppressed: boolean; file: string };
    if (name === SUMMARY) {
      const out = await this.summary(p, rest);
      if (!('json' in out)) throw new Error('the summary answers JSON without a format');
      const s = out.json;
      tables = summaryTables(s);
      head = { from: s.from, to: s.to, regionCode: s.filters.regionCode, suppressed: s.suppressed, file: 'riepilogo' };
    } else {
      const out = await this.render(p, name, rest);
      if (!('json' in out)) throw new Error('a report answers JSON without a format');
      const a = out.json;
      const ids = a.dimensions.includes('facilityId') ? [...new Set(a.rows.map((r) => r.facilityId as string).filter(Boolean))] : [];
      tables = [reportTable(a.report as ReportQuery['name'], a, await this.repo.facilityNames(ids))];
      head = {
        from: a.from,
        to: a.to,
        regionCode: a.filters.regionCode,
        suppressed: a.suppressed,
        file: OFFICE_FILE[a.report as ReportQuery['name']],
      };
    }
    const notes = notesOf(head.from, head.to, head.regionCode, head.suppressed);
    const filename = `approdo-${head.file}-${head.from}-${head.to}${head.regionCode ? `-${head.regionCode}` : ''}`;
    return format === 'xlsx'
      ? { contentType: XLSX_TYPE, chunks: [await xlsxDocument(tables, notes)], filename: `${filename}.xlsx` }
      : { contentType: 'text/csv; charset=utf-8', chunks: csvItDocument(tables, notes), filename: `${filename}-it.csv` };
  }

  /** The report in JSON, or as the chunks of a CSV file (UTF-8 with a byte-order mark) with its name. */
  async render(
    p: Principal,
    name: string,
    query: Record<string, unknown>,
    accept?: string,
  ): Promise<{ json: ReportAnswer } | { csv: Buffer[]; filename: string }> {
    const today = todayInItaly(this.clock.now());
    const q = parseReportQuery(name, query, accept, today, (regionCode) => (reportsNationally(p) ? regionCode !== null : true));
    if (q.regionCode) this.assertRegion(q.regionCode);
    const answer = await this.answer(p, q, today);
    if (q.format === 'json') return { json: answer };
    return {
      csv: toCsv(q.name, answer.dimensions, answer.rows, answer.totals),
      filename: `approdo-${q.name}${q.monthly ? '-monthly' : ''}-${q.from}-${q.to}${q.regionCode ? `-${q.regionCode}` : ''}.csv`,
    };
  }

  /** The monitoring sheet of the programme's final reports (summary.ts), same scopes and suppression. */
  async summary(
    p: Principal,
    query: Record<string, unknown>,
    accept?: string,
  ): Promise<{ json: SummaryAnswer } | { csv: Buffer[]; filename: string }> {
    const q = parseSummaryQuery(query, accept, todayInItaly(this.clock.now()));
    if (q.regionCode) this.assertRegion(q.regionCode);
    const raw = await this.summaries.summary({ from: q.from, to: q.to }, reportScope(p, q.regionCode));
    const answer = summaryAnswer(q, raw, suppressedFor(p));
    if (q.format === 'json') return { json: answer };
    return { csv: summaryCsv(answer), filename: `approdo-summary-${q.from}-${q.to}${q.regionCode ? `-${q.regionCode}` : ''}.csv` };
  }

  private async answer(p: Principal, q: ReportQuery, today: string): Promise<ReportAnswer> {
    const scope = reportScope(p, q.regionCode);
    const suppressed = suppressedFor(p);
    const dims = q.monthly ? ['month', ...q.dims] : q.dims;
    const head = { report: q.name, from: q.from, to: q.to, filters: { regionCode: q.regionCode }, dimensions: dims };
    if (q.name === 'occupancy') {
      // bed-nights are not people: no suppression; days after today are not counted
      const to = q.to < today ? q.to : today;
      const perFacility = q.dims.includes('facilityId');
      const raw =
        q.from > to
          ? []
          : q.monthly
            ? await this.monthly(q.from, to, dims, (ps) => this.repo.occupancyByPeriod(q.dims, ps, scope, perFacility))
            : await this.repo.occupancy(q.dims, { from: q.from, to }, scope, perFacility);
      return { ...head, suppressed: false, ...occupancyTable(dims, raw) };
    }
    const name = q.name;
    const months = (ps: Period[]) => this.repo.factsByPeriod(name, q.dims, ps, scope);
    let raw: RawRow[];
    if (!q.monthly) raw = await this.repo.facts(name, q.dims, { from: q.from, to: q.to }, scope);
    else if (name !== 'flow') raw = await this.monthly(q.from, q.to, dims, months);
    else {
      // percentiles of the whole period are not sums of the months': the total from a read of the period (one dimension)
      const rows = await this.monthly(q.from, q.to, dims, months);
      const [total] = (await this.repo.facts(name, q.dims.slice(0, 1), { from: q.from, to: q.to }, scope)).filter((r) => r._total);
      raw = [...rows.filter((r) => !r._total), total];
    }
    return { ...head, suppressed, ...factTable(name, dims, raw, suppressed) };
  }

  /**
   * A report month by month (`groupBy=month`): each calendar month of the period read as a period
   * of its own (its whole months from the roll-ups), its rows carrying `month`; the grand total the
   * sum of the months' (counts and bed-nights add up over disjoint periods).
   */
  private async monthly(from: string, to: string, dims: string[], read: (ps: Period[]) => Promise<RawRow[][]>): Promise<RawRow[]> {
    const rows: RawRow[] = [];
    const totals: RawRow[] = [];
    const months = monthsOf(from, to);
    const answers = await read(months);
    months.forEach((m, i) => {
      for (const r of answers[i]) (r._total ? totals : rows).push(r._total ? r : ({ month: m.month, ...r } as unknown as RawRow));
    });
    const total = totals.length ? totalOf(totals, dims) : ({ _total: true } as RawRow);
    return [...rows, total];
  }

  private assertRegion(code: string) {
    try {
      this.regions.assertRegion(code);
    } catch (e) {
      if (e instanceof DomainError)
        throw invalidInput('invalid_region', `regionCode: no region with code ${code}`, { field: 'regionCode' });
      throw e;
    }
  }
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `format=xlsx` or `format=csv-it`, or a spreadsheet asked for by Accept: the files for people. */
function officeFormat(query: Record<string, unknown>, accept?: string): 'xlsx' | 'csv-it' | null {
  if (query.format === 'xlsx' || query.format === 'csv-it') return query.format;
  if (query.format === undefined && accept?.includes(XLSX_TYPE)) return 'xlsx';
  return null;
}

/** One facility's own numbers need no protection; a scope of several facilities does. */
function suppressedFor(p: Principal): boolean {
  const own = scopeOf(p).facilityIds;
  return !(own && own.length <= 1);
}

/** The caller's scope (the access policy's) narrowed by the `regionCode` filter; a filter never widens it. */
function reportScope(p: Principal, regionCode: string | null): Scope {
  const scope = scopeOf(p);
  if (scope.regionCode) return { regions: !regionCode || regionCode === scope.regionCode ? [scope.regionCode] : [], facilities: null };
  return { regions: regionCode ? [regionCode] : null, facilities: scope.facilityIds ?? null };
}
