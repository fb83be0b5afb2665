import { Inject, Injectable } from '@nestjs/common';
import { reportsNationally, scopeOf } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { invalidInput, DomainError } from '../domain/errors.js';
import { RegionsService } from '../regions/regions.service.js';
import { parseReportQuery, todayInItaly, type ReportQuery } from './report-definitions.js';
import { factTable, jsonChunks, occupancyTable, toCsv, type Row } from './report-table.js';
import { ReportsRepository, type Scope } from './reports.repository.js';

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
    const out = await this.render(p, name, query, accept);
    if ('json' in out) return { contentType: 'application/json; charset=utf-8', chunks: jsonChunks(out.json) };
    return { contentType: 'text/csv; charset=utf-8', chunks: out.csv, filename: out.filename };
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
      csv: toCsv(q.name, q.dims, answer.rows, answer.totals),
      filename: `approdo-${q.name}-${q.from}-${q.to}${q.regionCode ? `-${q.regionCode}` : ''}.csv`,
    };
  }

  private async answer(p: Principal, q: ReportQuery, today: string): Promise<ReportAnswer> {
    const scope = reportScope(p, q.regionCode);
    // one facility's own numbers need no protection; a scope of several facilities does
    const own = scopeOf(p).facilityIds;
    const suppressed = !(own && own.length <= 1);
    const head = { report: q.name, from: q.from, to: q.to, filters: { regionCode: q.regionCode }, dimensions: q.dims };
    if (q.name === 'occupancy') {
      // bed-nights are not people: no suppression; days after today are not counted
      const to = q.to < today ? q.to : today;
      const raw = q.from > to ? [] : await this.repo.occupancy(q.dims, { from: q.from, to }, scope, q.dims.includes('facilityId'));
      return { ...head, suppressed: false, ...occupancyTable(q.dims, raw) };
    }
    const raw = await this.repo.facts(q.name, q.dims, { from: q.from, to: q.to }, scope);
    return { ...head, suppressed, ...factTable(q.name, q.dims, raw, suppressed) };
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

/** The caller's scope (the access policy's) narrowed by the `regionCode` filter; a filter never widens it. */
function reportScope(p: Principal, regionCode: string | null): Scope {
  const scope = scopeOf(p);
  if (scope.regionCode) return { regions: !regionCode || regionCode === scope.regionCode ? [scope.regionCode] : [], facilities: null };
  return { regions: regionCode ? [regionCode] : null, facilities: scope.facilityIds ?? null };
}
