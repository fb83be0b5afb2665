import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { freshnessOf } from '../availability/freshness.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RegionsService } from '../regions/regions.service.js';
import { checkHardConstraints, type HardConstraintResult, neededPlaceKinds, rankCandidates, requiredSupports } from './core/index.js';
import type { MatchProfileDto } from './dto/match-profile.dto.js';
import { MatchingRepository } from './matching.repository.js';
import { PROTECTION_LEVELS, type FacilitySnapshot, type MatchRequest, type MatchResult } from './matching.types.js';

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
   * Ranks every facility for `req`. The database pre-filter judges most facilities and counts them
   * by reason; only those it passes (or cannot decide) are loaded and judged by the pure core.
   * `requestId`: that request's own proposals never conflict with it.
   */
  async rank(req: MatchRequest, limit: number, requestId: string | null = null): Promise<{ result: MatchResult; snapshots: Map<string, FacilitySnapshot> }> {
    const { person, safety, preferences } = req;
    const { excluded, undecided } = await this.repo.prefilter([
      req.origin.point.lat,
      req.origin.point.lon,
      safety.excludedProvinces,
      safety.excludedRegions,
      safety.minDistanceKm ?? null,
      preferences.crossRegion,
      req.regionCode,
      preferences.maxDistanceKm ?? null,
      person.gender,
      person.age < 18,
      person.children.length,
      PROTECTION_LEVELS.indexOf(req.protectionLevel),
      requiredSupports(person),
      neededPlaceKinds(person),
      safety.conflictTags,
      requestId,
    ]);
    // the pre-filter has already ruled out every conflict among these
    const snapshots = undecided.length ? await this.loadSnapshots(undecided, () => []) : [];
    const result = rankCandidates(req, snapshots, this.config.matching.weights, { limit, preExcluded: excluded });
    return { result, snapshots: new Map(snapshots.map((x) => [x.id, x])) };
  }

  /** Hard constraints of one facility, on live numbers; null when it does not exist. */
  async checkOne(req: MatchRequest, facilityId: string, conflictTags: string[]): Promise<HardConstraintResult | null> {
    const [snapshot] = await this.loadSnapshots([facilityId], () => conflictTags);
    return snapshot ? checkHardConstraints(req, snapshot) : null;
  }

  /** Snapshots as the core sees them (every facility when `ids` is undefined). */
  async loadSnapshots(ids: string[] | undefined, conflictTagsOf: (facilityId: string) => string[]): Promise<FacilitySnapshot[]> {
    const now = this.clock.now();
    return (await this.repo.loadSnapshots(ids)).map((r) => ({
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
      conflictTags: conflictTagsOf(r.id),
    }));
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
