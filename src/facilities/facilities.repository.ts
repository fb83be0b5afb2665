import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import { conflict } from '../domain/errors.js';
import type { FacilityType, PlaceKind } from '../domain/types.js';
import { FacilityEntity, FacilityPlaceEntity } from './facility.entity.js';
import { byKind, FacilityRecord, PlaceRecord } from './facility.record.js';

export interface FacilityFilter {
  regionCode?: string;
  provinceCode?: string;
  type?: FacilityType;
  kind?: PlaceKind;
  hasFree?: boolean;
  /** restrict to these ids (a shelter manager's facilities) */
  ids?: string[];
  limit: number;
  offset: number;
}

export type NewFacility = Omit<FacilityEntity, 'id' | 'places' | 'createdAt' | 'updatedAt' | 'availabilityVersion'> & {
  places: Omit<FacilityPlaceEntity, 'facilityId' | 'facility'>[];
};

const LIVE_HELD = `(SELECT count(*) FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind AND h.released_at IS NULL)`;

/** A second facility with the same (region, externalCode) is the caller's mistake: 409, not 500. */
function duplicateCode(e: { driverError?: { code?: string; constraint?: string } }): never {
  if (e.driverError?.code === '23505' && e.driverError.constraint === 'facility_region_external_code_key')
    throw conflict('external_code_taken', 'another facility of this region has this externalCode', { field: 'externalCode' });
  throw e;
}

@Injectable()
export class FacilitiesRepository {
  constructor(private readonly db: Transactions) {}

  /** On the ambient transaction when there is one (see Transactions.manager). */
  private get facilities() {
    return this.db.repository(FacilityEntity);
  }

  async insert(tx: Tx, data: NewFacility): Promise<string> {
    const { places, ...facility } = data;
    const saved = await tx.getRepository(FacilityEntity).save(tx.getRepository(FacilityEntity).create(facility)).catch(duplicateCode);
    await tx.getRepository(FacilityPlaceEntity).insert(places.map((p) => ({ ...p, facilityId: saved.id })));
    return saved.id;
  }

  /** Many facilities with their places, a few statements per 500 (a bulk import); ids in the order given. */
  async insertMany(tx: Tx, data: NewFacility[]): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < data.length; i += 500) {
      const chunk = data.slice(i, i + 500);
      const result = await tx
        .getRepository(FacilityEntity)
        .insert(chunk.map(({ places: _places, ...facility }) => facility))
        .catch(duplicateCode);
      const chunkIds = result.identifiers.map((x) => x.id as string);
      await tx.getRepository(FacilityPlaceEntity).insert(chunk.flatMap((f, j) => f.places.map((p) => ({ ...p, facilityId: chunkIds[j] }))));
      ids.push(...chunkIds);
    }
    return ids;
  }

  async update(tx: Tx, id: string, patch: Partial<Omit<FacilityEntity, 'id' | 'places'>>): Promise<void> {
    await tx.getRepository(FacilityEntity).update({ id }, patch);
  }

  /** Row lock on the facility: serialises edits of one facility across processes. */
  async lockById(tx: Tx, id: string): Promise<FacilityEntity | null> {
    return tx.getRepository(FacilityEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async findById(id: string, tx?: Tx): Promise<FacilityRecord | null> {
    const [found] = await this.loadWithPlaces([id], tx);
    return found ?? null;
  }

  /** The facilities of these (region, externalCode) pairs. */
  async findByExternalCodes(pairs: { regionCode: string; externalCode: string }[], tx?: Tx): Promise<FacilityRecord[]> {
    if (!pairs.length) return [];
    const rows: { id: string }[] = await (tx ?? this.facilities.manager).query(
      `SELECT f.id FROM facility f JOIN unnest($1::text[], $2::text[]) AS k(region_code, external_code)
         ON f.region_code = k.region_code AND f.external_code = k.external_code`,
      [pairs.map((x) => x.regionCode), pairs.map((x) => x.externalCode)],
    );
    return this.loadWithPlaces(
      rows.map((r) => r.id),
      tx,
    );
  }

  async findMany(f: FacilityFilter): Promise<FacilityRecord[]> {
    const rows: { id: string }[] = await this.facilities.query(
      `SELECT f.id FROM facility f
       WHERE ($1::text IS NULL OR f.region_code = $1)
         AND ($2::text IS NULL OR f.province_code = $2)
         AND ($3::text IS NULL OR f.type = $3)
         AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM facility_place p WHERE p.facility_id = f.id AND p.kind = $4))
         AND ($5::boolean IS NULL OR $5 = EXISTS (
               SELECT 1 FROM facility_place p WHERE p.facility_id = f.id AND ($4::text IS NULL OR p.kind = $4)
                 AND free_places(p.total, p.occupied, p.out_of_service, ${LIVE_HELD}) > 0))
         AND ($6::uuid[] IS NULL OR f.id = ANY($6))
       ORDER BY f.region_code, f.province_code, f.name, f.id
       LIMIT $7 OFFSET $8`,
      [f.regionCode ?? null, f.provinceCode ?? null, f.type ?? null, f.kind ?? null, f.hasFree ?? null, f.ids ?? null, f.limit, f.offset],
    );
    return this.loadWithPlaces(rows.map((r) => r.id));
  }

  async count(): Promise<number> {
    return this.facilities.count();
  }

  /** Facilities with their places and live held counts, in the order of `ids`. */
  private async loadWithPlaces(ids: string[], tx?: Tx): Promise<FacilityRecord[]> {
    if (!ids.length) return [];
    const manager = this.db.manager(tx);
    const entities = await manager.getRepository(FacilityEntity).find({ where: { id: In(ids) }, relations: { places: true } });
    const held: { facility_id: string; kind: PlaceKind; n: number }[] = await manager.query(
      `SELECT facility_id, kind, count(*)::int AS n FROM place_hold WHERE released_at IS NULL AND facility_id = ANY($1) GROUP BY 1, 2`,
      [ids],
    );
    const heldOf = (id: string, kind: PlaceKind) => held.find((h) => h.facility_id === id && h.kind === kind)?.n ?? 0;
    const byId = new Map(entities.map((e) => [e.id, e]));
    return ids.flatMap((id) => {
      const e = byId.get(id);
      if (!e) return [];
      const places: PlaceRecord[] = e.places
        .map((p) => ({
          kind: p.kind,
          total: p.total,
          occupied: p.occupied,
          outOfService: p.outOfService,
          childCapacity: p.childCapacity,
          held: heldOf(id, p.kind),
        }))
        .sort(byKind);
      return [{ ...e, places }];
    });
  }
}
