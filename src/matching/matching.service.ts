import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { freshnessOf } from '../availability/freshness.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Tx } from '../database/transactions.repository.js';
import { RegionsService } from '../regions/regions.service.js';
import { checkHardConstraints, firstFailure, type HardConstraintResult, rankCandidates } from './core/index.js';
import type { MatchProfileDto } from './dto/match-profile.dto.js';
import { MatchingRepository, type SnapshotRow } from './matching.repository.js';
import type { ExclusionReason, FacilitySnapshot, MatchRequest, MatchResult } from './matching.types.js';

interface Catalogue {
  version: string;
  facilities: FacilitySnapshot[];
  confirmedAt: Map<string, Date | null>;
}

/** Glue between the database and the pure core: resolves places to points, loads snapshots, ranks. */
@Injectable()
export class MatchingService {
  constructor(
    private readonly repo: MatchingRepository,
    private readonly regions: RegionsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `requesterRegion`: out_of_region is measured against it (the UOR's region, else the origin's). */
  toMatchRequest(dto: MatchProfileDto, requesterRegion?: string): MatchRequest {
    const origin = this.regions.province(dto.origin.provinceCode, 'origin.provinceCode');
    dto.safety.excludedProvinces.forEach((c) => this.regions.province(c, 'safety.excludedProvinces'));
    dto.safety.excludedRegions.forEach((c) => this.regions.assertRegion(c, 'safety.excludedRegions'));
    const near = dto.preferences.nearProvinceCode ? this.regions.centroid(dto.preferences.nearProvinceCode) : null;
    return {
      person: dto.person,
      protectionLevel: dto.protectionLevel,
      stage: dto.stage,
      regionCode: requesterRegion ?? origin.regionCode,
      origin: { provinceCode: origin.code, regionCode: origin.regionCode, point: { lat: origin.lat, lon: origin.lon } },
      safety: { ...dto.safety, minDistanceKm: dto.safety.minDistanceKm ?? null },
      preferences: { crossRegion: dto.preferences.crossRegion, maxDistanceKm: dto.preferences.maxDistanceKm ?? null, near },
    };
  }

  /**
   * Ranks every facility for `req`. Facilities are judged first on the in-memory catalogue with
   * every place assumed free: whatever fails there fails for the same primary reason live
   * (no_free_place comes last in precedence). Only the survivors' free places are read live, and
   * the pure core judges and scores them on real numbers. `requestId`: its own proposals never
   * conflict with it.
   */
  async rank(req: MatchRequest, limit: number, requestId: string | null = null): Promise<{ result: MatchResult; snapshots: Map<string, FacilitySnapshot> }> {
    const [catalogue, tags] = await Promise.all([this.catalogue(), this.repo.conflictTags(req.safety.conflictTags, requestId)]);
    const excluded = new Map<ExclusionReason, number>();
    const survivors: FacilitySnapshot[] = [];
    for (const f of catalogue.facilities) {
      const reason = firstFailure(req, tags.has(f.id) ? { ...f, conflictTags: tags.get(f.id)! } : f);
      if (reason === null) survivors.push(f);
      else excluded.set(reason, (excluded.get(reason) ?? 0) + 1);
    }
    const live = await this.withLivePlaces(survivors, catalogue.confirmedAt);
    const result = rankCandidates(req, live, this.config.matching.weights, { limit, preExcluded: excluded });
    return { result, snapshots: new Map(live.map((x) => [x.id, x])) };
  }

  /** Every facility as the core sees it, places assumed free; reloaded when the catalogue version moves. */
  private async catalogue(): Promise<Catalogue> {
    const version = await this.repo.catalogVersion();
    if (this.cache?.version === version) return this.cache;
    // one reload per version, however many searches ask at once
    if (this.loading?.version !== version) {
      const loading = this.repo.loadSnapshots().then((rows): Catalogue => {
        const now = this.clock.now();
        return {
          version,
          facilities: rows.map((r) => {
            const f = this.toSnapshot(r, now, []);
            return { ...f, places: f.places.map((p) => ({ ...p, free: Number.POSITIVE_INFINITY })) };
          }),
          // freshness is computed per search from this, not cached
          confirmedAt: new Map(rows.map((r) => [r.id, r.confirmedAt ? new Date(r.confirmedAt) : null])),
        };
      });
      this.loading = { version, promise: loading };
      loading.then((c) => (this.cache = c)).catch(() => undefined).finally(() => this.loading?.promise === loading && (this.loading = undefined));
    }
    return this.loading!.promise;
  }

  private cache?: Catalogue;
  private loading?: { version: string; promise: Promise<Catalogue> };

  /** The survivors with their real free places and current freshness. */
  private async withLivePlaces(survivors: FacilitySnapshot[], confirmedAt: Map<string, Date | null>): Promise<FacilitySnapshot[]> {
    if (!survivors.length) return [];
    const rows = await this.repo.freePlaces(survivors.map((f) => f.id));
    const byFacility = new Map<string, FacilitySnapshot['places']>();
    for (const r of rows) {
      const list = byFacility.get(r.facilityId) ?? [];
      list.push({ kind: r.kind, free: r.free, childCapacity: r.childCapacity });
      byFacility.set(r.facilityId, list);
    }
    const now = this.clock.now();
    return survivors.map((f) => ({
      ...f,
      places: byFacility.get(f.id) ?? [],
      freshness: freshnessOf(confirmedAt.get(f.id) ?? null, now, this.config.staleAfterHours),
    }));
  }

  /** Who each facility hosts or holds, by conflict tag (see MatchingRepository.conflictTags). */
  conflictTags(tags: string[] | null, exceptRequestId: string | null, tx?: Tx): Promise<Map<string, string[]>> {
    return this.repo.conflictTags(tags, exceptRequestId, tx);
  }

  /** Hard constraints of one facility, on live numbers; null when it does not exist. */
  async checkOne(req: MatchRequest, facilityId: string, conflictTags: string[]): Promise<HardConstraintResult | null> {
    const [snapshot] = await this.loadSnapshots([facilityId], () => conflictTags);
    return snapshot ? checkHardConstraints(req, snapshot) : null;
  }

  /** Snapshots as the core sees them, on live numbers (every facility when `ids` is undefined). */
  async loadSnapshots(ids: string[] | undefined, conflictTagsOf: (facilityId: string) => string[]): Promise<FacilitySnapshot[]> {
    const now = this.clock.now();
    return (await this.repo.loadSnapshots(ids)).map((r) => this.toSnapshot(r, now, conflictTagsOf(r.id)));
  }

  private toSnapshot(r: SnapshotRow, now: Date, conflictTags: string[]): FacilitySnapshot {
    return {
      id: r.id,
      name: r.name,
      type: r.type,
      regionCode: r.regionCode,
      provinceCode: r.provinceCode,
      protectionLevel: r.protectionLevel,
      accepts: { genders: r.genders, adults: r.adults, minors: r.minors, children: r.children },
      languages: r.languages,
      exploitationExpertise: r.exploitationExpertise,
      supports: r.supports,
      acceptingNewGuests: r.acceptingNewGuests,
      point: { lat: r.lat, lon: r.lon },
      freshness: freshnessOf(r.confirmedAt ? new Date(r.confirmedAt) : null, now, this.config.staleAfterHours),
      places: r.places ?? [],
      conflictTags,
    };
  }

  /** Capacity search: a profile in, coarse ranked candidates out, nothing stored. */
  async search(p: Principal, dto: MatchProfileDto & { limit?: number }) {
    const req = this.toMatchRequest(dto, p.role === 'uor' ? p.region : undefined);
    const { result, snapshots } = await this.rank(req, dto.limit ?? this.config.matching.defaultLimit);
    return {
      candidates: result.candidates.map((c) => {
        const f = snapshots.get(c.facilityId)!;
        // coarse: no name, address or contact
        return { ...c, type: f.type, regionCode: f.regionCode, provinceCode: f.provinceCode };
      }),
      excluded: result.excluded,
    };
  }
}
