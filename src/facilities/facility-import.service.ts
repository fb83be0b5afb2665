import { can } from '../auth/access.js';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { AddressCipher } from '../common/crypto/address-cipher.js';
import { DomainError, ruleBroken } from '../domain/errors.js';
import { Transactions } from '../database/transactions.repository.js';
import type { GeoPoint } from '../domain/types.js';
import { RegionsService } from '../regions/regions.service.js';
import type { CreateFacilityDto } from './dto/create-facility.dto.js';
import type { UpdateFacilityDto } from './dto/update-facility.dto.js';
import { FacilitiesRepository } from './facilities.repository.js';
import { FacilitiesService } from './facilities.service.js';
import { descriptiveChanges, parseFacilityCsv, rowToDto, type RowProblem } from './facility-csv.js';
import { assertPlacesConsistent } from './facility-input.js';
import type { FacilityRecord } from './facility.record.js';

export interface ImportReport {
  dryRun: boolean;
  /** true when every row is valid (then, without dryRun, everything was applied) */
  valid: boolean;
  applied: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: RowProblem[];
}

type Planned =
  { line: number; create: CreateFacilityDto } | { line: number; id: string; update: UpdateFacilityDto } | { line: number; unchanged: true };

/**
 * A region's spreadsheet in one call: every row is checked with the API's own rules (dry run by
 * default: the report of every row's problems), then applied all or nothing in one transaction,
 * through the same create and edit paths as the API (addresses encrypted there). Rows match existing
 * facilities by (region, externalCode): importing the same file twice creates nothing.
 */
@Injectable()
export class FacilityImportService {
  constructor(
    private readonly facilities: FacilitiesService,
    private readonly repo: FacilitiesRepository,
    private readonly regions: RegionsService,
    private readonly cipher: AddressCipher,
    private readonly tx: Transactions,
  ) {}

  async import(p: Principal, csv: string, dryRun: boolean): Promise<ImportReport> {
    const rows = parseFacilityCsv(csv);
    const errors: RowProblem[] = [];
    const valid: { line: number; dto: CreateFacilityDto; regionCode: string }[] = [];
    const seen = new Map<string, number>();
    for (const row of rows) {
      const { dto, problems } = rowToDto(row);
      errors.push(...problems);
      if (!dto) continue;
      const problem = (field: string, text: string) =>
        errors.push({ line: row.line, externalCode: dto.externalCode, field, problems: [text] });
      let province;
      try {
        province = this.regions.province(dto.provinceCode);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        problem('provinceCode', e.message);
        continue;
      }
      if (!can(p, 'facility.create', province)) {
        problem('provinceCode', 'a UOR imports facilities of its own region only');
        continue;
      }
      try {
        assertPlacesConsistent(dto.places);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        problem(
          `${(e.details?.kind as string) === 'mother_child' ? 'motherChild' : ((e.details?.kind as string) ?? 'adult')}Total`,
          e.message,
        );
        continue;
      }
      const key = `${province.regionCode}:${dto.externalCode}`;
      if (seen.has(key)) {
        problem('externalCode', `the same externalCode as line ${seen.get(key)}`);
        continue;
      }
      seen.set(key, row.line);
      valid.push({ line: row.line, dto, regionCode: province.regionCode });
    }

    const existing = new Map(
      (await this.repo.findByExternalCodes(valid.map((v) => ({ regionCode: v.regionCode, externalCode: v.dto.externalCode! })))).map(
        (f) => [`${f.regionCode}:${f.externalCode}`, f],
      ),
    );
    const plan: Planned[] = [];
    for (const v of valid) {
      const f = existing.get(`${v.regionCode}:${v.dto.externalCode}`);
      if (!f) {
        plan.push({ line: v.line, create: v.dto });
        continue;
      }
      const update = descriptiveChanges(f, v.dto, this.current(f));
      if (update.secretAddress !== undefined && !can(p, 'facility.secrecy', f)) {
        errors.push({
          line: v.line,
          externalCode: v.dto.externalCode,
          field: 'secretAddress',
          problems: ['only an administrator changes whether an address is secret'],
        });
        continue;
      }
      plan.push(Object.keys(update).length ? { line: v.line, id: f.id, update } : { line: v.line, unchanged: true });
    }

    errors.sort((a, b) => a.line - b.line);
    const report: ImportReport = {
      dryRun,
      valid: errors.length === 0,
      applied: false,
      rows: rows.length,
      created: plan.filter((x) => 'create' in x).length,
      updated: plan.filter((x) => 'update' in x).length,
      unchanged: plan.filter((x) => 'unchanged' in x).length,
      errors,
    };
    if (dryRun) return report;
    if (errors.length) throw ruleBroken('import_invalid', `nothing was imported: ${errors.length} problem(s) in the file`, { ...report });
    await this.tx.run(async (t) => {
      await this.facilities.createManyIn(
        t,
        p,
        plan.flatMap((x) => ('create' in x ? [x.create] : [])),
      );
      for (const x of plan) if ('update' in x) await this.facilities.updateIn(t, p, x.id, x.update);
    });
    return { ...report, applied: true };
  }

  private current(f: FacilityRecord): { address: string; location: GeoPoint | null } {
    return {
      address: this.cipher.decrypt(f.addressEnc),
      location: f.locationEnc ? (JSON.parse(this.cipher.decrypt(f.locationEnc)) as GeoPoint) : null,
    };
  }
}
