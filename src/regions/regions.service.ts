import { Injectable, OnModuleInit } from '@nestjs/common';
import { notFound, ruleBroken } from '../domain/errors.js';
import type { GeoPoint } from '../domain/types.js';
import { ProvinceEntity } from './region.entity.js';
import { RegionsRepository } from './regions.repository.js';

/** Reference data changes only with a migration, so it is read once and kept in memory. */
@Injectable()
export class RegionsService implements OnModuleInit {
  private provinces = new Map<string, ProvinceEntity>();
  private regionCodes = new Set<string>();

  constructor(private readonly repo: RegionsRepository) {}

  async onModuleInit(): Promise<void> {
    const all = await this.repo.findAllProvinces();
    this.provinces = new Map(all.map((p) => [p.code, p]));
    this.regionCodes = new Set(all.map((p) => p.regionCode));
  }

  async list() {
    const regions = await this.repo.findAllWithProvinces();
    return regions.map((r) => ({
      code: r.code,
      name: r.name,
      uorOnCallPhone: r.uorOnCallPhone,
      provinces: r.provinces.map((p) => ({ code: p.code, name: p.name, centroid: { lat: p.lat, lon: p.lon } })),
    }));
  }

  /** The province, or 422 unknown_province. */
  province(code: string, field = 'provinceCode'): ProvinceEntity {
    const p = this.provinces.get(code);
    if (!p) throw ruleBroken('unknown_province', `${field}: no province with sigla ${code}`, { field });
    return p;
  }

  centroid(code: string): GeoPoint {
    const p = this.province(code);
    return { lat: p.lat, lon: p.lon };
  }

  assertRegion(code: string, field = 'regionCode'): void {
    if (!this.regionCodes.has(code)) throw ruleBroken('unknown_region', `${field}: no region with code ${code}`, { field });
  }

  /** The UOR's e-mail; its on-call number too when given (undefined: unchanged). */
  async setUorContact(code: string, email: string | null, phone?: string | null) {
    const saved = await this.repo.setUorContact(code, email, phone);
    if (!saved) throw notFound('region');
    return { code, uorEmail: email, uorOnCallPhone: saved.phone };
  }
}
