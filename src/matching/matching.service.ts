import { Inject, Injectable } from '@nestjs/common';
import { homeRegion } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { freshnessOf } from '../domain/freshness.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Tx } from '../database/transactions.repository.js';
import { RegionsService } from '../regions/regions.service.js';
import { canonical, canonicalAll } from './canonical.js';
import { checkHardConstraints, type HardConstraintResult, rankPacked, withChildSexes } from '../cores/matching/index.js';
import type { MatchProfileDto } from './dto/match-profile.dto.js';
import { MatchingCatalogue } from './matching-catalogue.js';
import { MatchingRepository, type SnapshotRow } from './matching.repository.js';
import type { FacilitySnapshot, MatchRequest, MatchResult } from '../domain/types.js';
import { toSnapshot } from './snapshot.mapper.js';
import { foldConflictTags } from '../domain/conflict-tags.js';
import { ReportFactsService } from '../reports/report-facts.service.js';

/** Glue between the database and the pure core: resolves places to points, loads snapshots, ranks. */
@Injectable()
export class MatchingService {
  constructor(
    private readonly repo: MatchingRepository,
    private readonly catalogue: MatchingCatalogue,
    private readonly regions: RegionsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly facts: ReportFactsService,
  ) {}

  /** `requesterRegion`: out_of_region is measured against it (the UOR's region, else the origin's). */
  toMatchRequest(dto: MatchProfileDto, requesterRegion?: string, currentFacilityId: string | null = null): MatchRequest {
    const origin = this.regions.province(dto.origin.provinceCode, 'origin.provinceCode');
    dto.safety.excludedProvinces.forEach((c) => this.regions.province(c, 'safety.excludedProvinces'));
    dto.safety.excludedRegions.forEach((c) => this.regions.assertRegion(c, 'safety.excludedRegions'));
    const exploitationAreas = (dto.safety.exploitationProvinces ?? []).map((c) => {
      const p = this.regions.province(c, 'safety.exploitationProvinces');
      return { provinceCode: canonical(p.code), regionCode: canonical(p.regionCode), point: { lat: p.lat, lon: p.lon } };
    });
    // travel is from where she is now: proximity defaults to her origin
    const near = this.regions.centroid(dto.preferences.nearProvinceCode ?? origin.code);
    // codes pooled like the catalogue's, so the rules compare them by identity (see canonical)
    return {
      person: { ...withChildSexes(dto.person), gender: canonical(dto.person.gender) },
      protectionLevel: dto.protectionLevel,
      stage: dto.stage,
      regionCode: canonical(requesterRegion ?? origin.regionCode),
      origin: { provinceCode: origin.code, regionCode: origin.regionCode, point: { lat: origin.lat, lon: origin.lon } },
      safety: {
        ...dto.safety,
        excludedProvinces: canonicalAll(dto.safety.excludedProvinces),
        excludedRegions: canonicalAll(dto.safety.excludedRegions),
        minDistanceKm: dto.safety.minDistanceKm ?? null,
        // stored before the tags were folded, or typed by a client: compared in the one canonical form
        conflictTags: foldConflictTags(dto.safety.conflictTags),
        exploitationAreas,
        allowExploitationArea: dto.safety.allowExploitationArea === true,
      },
      preferences: {
        crossRegion: dto.preferences.crossRegion,
        maxDistanceKm: dto.preferences.maxDistanceKm ?? null,
        near,
        services: dto.preferences.services ?? [],
        lgbtSafe: dto.preferences.lgbtSafe === true,
      },
      currentFacilityId,
    };
  }

  /**
   * Ranks every facility for `req` on the in-memory catalogue with live free places (see
   * MatchingCatalogue). `requestId`: its own proposals never conflict with it.
   */
  async rank(
    req: MatchRequest,
    limit: number,
    requestId: string | null = null,
    opts: { listExcluded?: boolean } = {},
  ): Promise<{ result: MatchResult; snapshots: Map<string, FacilitySnapshot>; facility: (id: string) => FacilitySnapshot | undefined }> {
    const network = await this.catalogue.network(req.safety.conflictTags, requestId);
    const result = rankPacked(req, network.packed, this.config.matching.weights, {
      limit,
      replaced: network.replaced,
      listExcluded: opts.listExcluded,
    });
    const snapshots = new Map(result.candidates.map((c) => [c.facilityId, network.snapshot(c.facilityId)!]));
    return { result, snapshots, facility: (id) => network.snapshot(id) };
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

  /** The reads checkOne needs, for a caller that sends them with its own in one statement (see sql-parts). */
  checkParts(facilityId: string, tags: string[], exceptRequestId: string | null) {
    return { snapshot: this.repo.snapshotPart(facilityId), conflictTags: this.repo.conflictTagsPart(tags, exceptRequestId, facilityId) };
  }

  /** conflictTags of one facility as a read of the caller's one statement (rows of `tags`). */
  conflictTagsPart(tags: string[], exceptRequestId: string | null, facilityId: string) {
    return this.repo.conflictTagsPart(tags, exceptRequestId, facilityId);
  }

  /** checkOne on what checkParts read (rows as JSON); null when the facility does not exist. */
  checkRead(req: MatchRequest, read: { snapshot: SnapshotRow[]; conflictTags: { tags: string[] }[] }): HardConstraintResult | null {
    const [row] = read.snapshot;
    if (!row) return null;
    const now = this.clock.now();
    const freshness = freshnessOf(row.confirmedAt ? new Date(row.confirmedAt) : null, now, this.config.staleAfterHours);
    return checkHardConstraints(req, toSnapshot(row, freshness, read.conflictTags[0]?.tags ?? []));
  }

  /** Snapshots as the core sees them, on live numbers (every facility when `ids` is undefined). */
  async loadSnapshots(ids: string[] | undefined, conflictTagsOf: (facilityId: string) => string[]): Promise<FacilitySnapshot[]> {
    const now = this.clock.now();
    return (await this.repo.loadSnapshots(ids)).map((r) =>
      toSnapshot(r, freshnessOf(r.confirmedAt ? new Date(r.confirmedAt) : null, now, this.config.staleAfterHours), conflictTagsOf(r.id)),
    );
  }

  /** Capacity search: a profile in, coarse ranked candidates out, nothing stored. */
  async search(p: Principal, dto: MatchProfileDto & { limit?: number }) {
    const req = this.toMatchRequest(dto, homeRegion(p));
    const { result, snapshots } = await this.rank(req, dto.limit ?? this.config.matching.defaultLimit);
    if (!result.candidates.length) await this.facts.searchWithoutCandidates(req.regionCode, null, result.excluded);
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
