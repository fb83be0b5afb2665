import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.repository.js';
import type { FacilityType, PlaceKind } from '../domain/types.js';

export interface CapacityFilter {
  regionCode?: string;
  type?: FacilityType;
  kind?: PlaceKind;
}

export interface CapacityRow {
  regionCode: string;
  provinceCode: string;
  type: FacilityType;
  kind: PlaceKind;
  facilities: number;
  total: number;
  free: number;
  freeStale: number;
  staleFacilities: number;
  unknownFacilities: number;
  pausedFacilities: number;
}

/** Aggregates only: no facility name, address or contact ever leaves this query. */
@Injectable()
export class CapacityRepository {
  constructor(private readonly db: Transactions) {}

  aggregate(f: CapacityFilter, now: Date, staleAfterHours: number): Promise<CapacityRow[]> {
    return this.db.manager().query(
      `WITH p AS (
         SELECT f.region_code, f.province_code, f.type, p.kind, p.total, f.accepting_new_guests AS accepting,
                freshness(f.confirmed_at, $4::timestamptz, $5::integer) AS freshness,
                free_places(p.total, p.occupied, p.out_of_service,
                  (SELECT count(*) FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind AND h.released_at IS NULL)) AS free
         FROM facility f JOIN facility_place p ON p.facility_id = f.id
         WHERE ($1::text IS NULL OR f.region_code = $1) AND ($2::text IS NULL OR f.type = $2) AND ($3::text IS NULL OR p.kind = $3))
       SELECT region_code AS "regionCode", province_code AS "provinceCode", type, kind,
              count(*)::int AS facilities,
              sum(total)::int AS total,
              -- unknown is "call first", never "free"; paused intake is not free either
              coalesce(sum(free) FILTER (WHERE freshness = 'fresh' AND accepting), 0)::int AS free,
              coalesce(sum(free) FILTER (WHERE freshness = 'stale' AND accepting), 0)::int AS "freeStale",
              count(*) FILTER (WHERE freshness = 'stale')::int AS "staleFacilities",
              count(*) FILTER (WHERE freshness = 'unknown')::int AS "unknownFacilities",
              count(*) FILTER (WHERE NOT accepting)::int AS "pausedFacilities"
       FROM p GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      [f.regionCode ?? null, f.type ?? null, f.kind ?? null, now, staleAfterHours],
    );
  }
}
