import { randomUUID } from 'node:crypto';
import { conflictTagScope, namesExcludedFacility, requireVisible, scopeOf } from '../../auth/access.js';
import { foldConflictTag, foldConflictTags } from '../../domain/conflict-tags.js';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import type { Principal } from '../../auth/principal.js';
import { HoldsService } from '../../availability/holds.service.js';
import { CLOCK, type Clock } from '../../common/clock.js';
import { conflict, ruleBroken } from '../../domain/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Transactions, type Tx } from '../../database/transactions.repository.js';
import { IdempotencyService } from '../../common/idempotency/idempotency.service.js';
import type { MatchProfileDto } from '../../matching/dto/match-profile.dto.js';
import { MatchingService } from '../../matching/matching.service.js';
import { pagePath } from '../../notifications/templates.js';
import { NotificationsService } from '../../notifications/notifications.service.js';
import { RecipientsRepository } from '../../notifications/recipients.repository.js';
import { haversineKm, withChildSexes } from '../../cores/matching/index.js';
import type { SnapshotRow } from '../../matching/matching.repository.js';
import type { ExclusionReason, FacilitySnapshot, GeoPoint, MatchRequest } from '../../domain/types.js';
import { PlacementsRepository } from '../placements/placements.repository.js';
import { ProposalsRepository } from '../proposals/proposals.repository.js';
import type { CreatePlacementRequestDto, ListRequestsQuery, UpdatePlacementRequestDto } from './dto/placement-request.dto.js';
import type { PlacementRequestEntity, Safety } from './placement-request.entity.js';
import { PlacementRequestsRepository } from './placement-requests.repository.js';
import { presentRequest } from './request.presenter.js';
import { ReportFactsService } from '../../reports/report-facts.service.js';
import { commonestExclusion } from '../../reports/report-facts.js';

/** What matching reads of a request. */
type MatchableRequest = Pick<
  PlacementRequestEntity,
  'profile' | 'protectionLevel' | 'stage' | 'originProvince' | 'safety' | 'preferences' | 'regionCode'
>;

/** How many houses "Perché le altre no" names under one reason (the count is always whole). */
export const EXCLUDED_NAMED_MAX = 50;

/** Safety as stored and answered: tags in their one canonical form, without a reason nobody needs. */
function canonicalSafety(safety: Safety): Safety {
  const out: Safety = { ...safety, conflictTags: foldConflictTags(safety.conflictTags ?? []) };
  if (!out.allowExploitationArea) delete out.allowExploitationAreaReason;
  return out;
}

/** The excluded houses the caller may see named (the access policy decides), nearest to her origin first, at most EXCLUDED_NAMED_MAX. */
function namedExcluded(
  p: Principal,
  reason: ExclusionReason,
  ids: string[],
  facility: (id: string) => FacilitySnapshot | undefined,
  origin: GeoPoint,
) {
  return ids
    .map((id) => facility(id))
    .filter((f): f is FacilitySnapshot => !!f && namesExcludedFacility(p, f, reason))
    .map((f) => ({ f, km: haversineKm(f.point, origin) }))
    .sort((a, b) => a.km - b.km || (a.f.id < b.f.id ? -1 : 1))
    .slice(0, EXCLUDED_NAMED_MAX)
    .map(({ f }) => f)
    .map((f) => ({ facilityId: f.id, facilityName: f.name, regionCode: f.regionCode, provinceCode: f.provinceCode }));
}

@Injectable()
export class PlacementRequestsService {
  constructor(
    private readonly repo: PlacementRequestsRepository,
    private readonly proposals: ProposalsRepository,
    private readonly placements: PlacementsRepository,
    private readonly holds: HoldsService,
    private readonly matching: MatchingService,
    private readonly idempotency: IdempotencyService,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly recipients: RecipientsRepository,
    private readonly facts: ReportFactsService,
  ) {}

  async create(p: Principal, dto: CreatePlacementRequestDto, idempotencyKey?: string) {
    // validates provinces and regions before anything is written
    this.matching.toMatchRequest(dto, p.region);
    return this.tx.run(async (t) => {
      const { id, replayed } = await this.idempotency.once(t, p, 'placement-requests', idempotencyKey, dto, async () => {
        if (dto.previousPlacementId) await this.assertPreviousPlacement(p, dto.previousPlacementId, t);
        // one open request per person: a second submission of the same case (a double tap, a form
        // opened twice) would hold a second bed for her
        const existing = await this.repo.openWithCaseCode(t, p.region!, dto.caseCode);
        if (existing)
          throw conflict('case_code_in_use', 'an open request of your region already has this case code', {
            caseCode: dto.caseCode,
            requestId: existing,
          });
        const now = this.clock.now();
        const id = randomUUID();
        await this.repo.insert(t, {
          id,
          caseCode: dto.caseCode,
          regionCode: p.region!,
          status: 'open',
          profile: withChildSexes(dto.person),
          note: dto.note ?? null,
          protectionLevel: dto.protectionLevel,
          stage: dto.stage,
          originProvince: dto.origin.provinceCode,
          safety: canonicalSafety(dto.safety),
          preferences: dto.preferences,
          conflictTags: foldConflictTags(dto.safety.conflictTags),
          urgency: dto.urgency,
          referralChannel: dto.referralChannel ?? null,
          previousPlacementId: dto.previousPlacementId ?? null,
          createdBySub: p.sub,
          createdByEmail: p.email ?? null,
          createdAt: now,
          updatedAt: now,
          closedAt: null,
          purgedAt: null,
        });
        await this.audit.record(t, p, 'request.create', 'placement_request', id);
        await this.auditExploitationArea(t, p, id, dto.safety);
        await this.facts.requestCreated(t, id);
        return id;
      });
      // a replay hands the profile out again: audited like a read
      return { ...(await this.view(p, id, replayed)), replayed };
    });
  }

  get(p: Principal, id: string) {
    return this.view(p, id, true);
  }

  async list(p: Principal, q: ListRequestsQuery) {
    const rows = await this.repo.list({ regionCode: scopeOf(p).regionCode, status: q.status, limit: q.limit ?? 50, offset: q.offset ?? 0 });
    const accepted = await this.repo.acceptedProposals(rows.map((r) => r.id));
    // a list carries no profile: reading one is a deliberate, audited act
    return {
      items: rows.map((r) => ({
        id: r.id,
        caseCode: r.caseCode,
        status: r.status,
        urgency: r.urgency,
        stage: r.stage,
        // a transfer names the placement it follows: the pages show one person's requests as one line
        previousPlacementId: r.previousPlacementId,
        // accepted by a house, waiting for her arrival: the list says so, not "proposed"
        acceptedProposalId: accepted.get(r.id) ?? null,
        createdAt: r.createdAt.toISOString(),
      })),
    };
  }

  async update(p: Principal, id: string, dto: UpdatePlacementRequestDto) {
    return this.tx.run(async (t) => {
      const r = await this.lockVisible(p, id, t);
      if (r.status === 'closed' || r.status === 'cancelled') throw conflict('request_closed', `the request is ${r.status}`);
      const safety = canonicalSafety(dto.safety ?? r.safety);
      const patch: Partial<PlacementRequestEntity> = { updatedAt: this.clock.now() };
      if (dto.protectionLevel) patch.protectionLevel = dto.protectionLevel;
      if (dto.stage) patch.stage = dto.stage;
      if (dto.urgency) patch.urgency = dto.urgency;
      if (dto.note !== undefined) patch.note = dto.note;
      if (dto.preferences) patch.preferences = dto.preferences;
      if (dto.safety) Object.assign(patch, { safety, conflictTags: safety.conflictTags });
      const edited = { ...r, ...patch } as PlacementRequestEntity;
      this.matching.toMatchRequest(this.profileOf(edited));
      await this.repo.update(t, id, patch);
      // which constraints changed, never their values
      await this.audit.record(t, p, 'request.update_constraints', 'placement_request', id, { fields: Object.keys(dto) });
      if (dto.safety) await this.auditExploitationArea(t, p, id, dto.safety);
      const withdrawnProposals = await this.withdrawBroken(t, p, edited);
      return { ...(await this.view(p, id, true, t)), withdrawnProposals };
    });
  }

  /**
   * After an edit, every live proposal whose house now fails a hard constraint (other than
   * no_free_place: its own hold fills it) is withdrawn and its hold freed, in the edit's
   * transaction: a house must not keep a place, nor accept her, against her constraints. An
   * accepted one too: she must not travel to a house that hosts her network or lies where she was
   * exploited; refusing the edit would hide the danger the UOR just told us about.
   */
  private async withdrawBroken(t: Tx, p: Principal, r: PlacementRequestEntity) {
    const live = await this.proposals.findLiveForRequest(t, r.id);
    if (!live.length) return [];
    const req = this.toMatch(r, await this.currentFacilityOf(r, t));
    const withdrawn: { id: string; facilityId: string; was: string; reason: 'request_changed'; reasons: string[] }[] = [];
    const now = this.clock.now();
    for (const x of live) {
      // under the facility lock, as an offer reads it: a person of the network placed there meanwhile is seen
      await this.holds.lockFacility(t, x.facilityId);
      const read = await this.tx.readTogether<{ snapshot: SnapshotRow[]; conflictTags: { tags: string[] }[] }>(
        t,
        this.matching.checkParts(x.facilityId, r.conflictTags, r.id),
      );
      const check = this.matching.checkRead(req, read);
      const reasons = check && !check.ok ? check.reasons.filter((c) => c !== 'no_free_place') : [];
      if (!reasons.length) continue;
      if (x.holdId) await this.holds.release(p, x.holdId, 'withdrawn', t);
      await this.proposals.update(t, x.id, {
        status: 'withdrawn',
        withdrawnReason: 'request_changed',
        decidedAt: now,
        decidedBySub: p.sub,
      });
      await this.audit.record(t, p, 'proposal.withdraw', 'proposal', x.id, { requestId: r.id, reason: 'request_changed', reasons });
      // the house stops keeping the place: it is told (case code only; the why stays with the UOR)
      const to = [await this.recipients.facilityContact(t, x.facilityId)];
      await this.notifications.notify(t, { event: 'proposal_withdrawn', to, reference: r.caseCode, path: pagePath.proposal(x.id) });
      await this.facts.proposalClosed(t, x, 'withdrawn');
      withdrawn.push({ id: x.id, facilityId: x.facilityId, was: x.status, reason: 'request_changed', reasons });
    }
    // nothing live any more: the request is open again, as after a decline
    if (withdrawn.length === live.length && r.status === 'proposed') await this.repo.update(t, r.id, { status: 'open', updatedAt: now });
    return withdrawn;
  }

  async cancel(p: Principal, id: string) {
    const unmet = await this.unmetReason(p, id);
    return this.tx.run(async (t) => {
      const r = await this.lockVisible(p, id, t);
      if (r.status === 'placed' || r.status === 'closed' || r.status === 'cancelled')
        throw conflict('request_not_cancellable', `a ${r.status} request cannot be cancelled`);
      const now = this.clock.now();
      for (const live of await this.proposals.findLiveForRequest(t, id)) {
        if (live.holdId) await this.holds.release(p, live.holdId, 'cancelled', t);
        await this.proposals.update(t, live.id, { status: 'withdrawn', decidedAt: now, decidedBySub: p.sub });
        // the facility stops keeping the place for her: it is told
        const to = [await this.recipients.facilityContact(t, live.facilityId)];
        await this.notifications.notify(t, { event: 'proposal_withdrawn', to, reference: r.caseCode, path: pagePath.proposal(live.id) });
        await this.facts.proposalClosed(t, live, 'withdrawn');
      }
      await this.facts.closedUnplaced(t, id, unmet);
      await this.repo.update(t, id, { status: 'cancelled', closedAt: now, updatedAt: now });
      await this.audit.record(t, p, 'request.cancel', 'placement_request', id);
      return this.view(p, id, true);
    });
  }

  /** Conflict tags in use starting with `prefix` (folded like a tag), from every region: tags only. */
  async conflictTagsInUse(p: Principal, prefix: string, limit: number): Promise<{ tags: string[] }> {
    const folded = foldConflictTag(prefix);
    if (conflictTagScope(p).facilityIds || !/^[a-z0-9-]*$/.test(folded)) return { tags: [] };
    return { tags: await this.repo.conflictTagsInUse(folded, limit) };
  }

  /** Lifting exploitation_area is audited with the operator's reason (free text, guarded: never personal data). */
  private async auditExploitationArea(t: Tx, p: Principal, id: string, safety: Safety) {
    if (safety.allowExploitationArea)
      await this.audit.record(t, p, 'request.allow_exploitation_area', 'placement_request', id, {
        reason: safety.allowExploitationAreaReason,
        provinces: safety.exploitationProvinces ?? [],
      });
  }

  async candidates(p: Principal, id: string, limit?: number) {
    const r = await this.findVisible(p, id);
    if (!r.profile) throw conflict('request_purged', 'the profile of this request was purged');
    const req = await this.toMatchLive(r);
    const { result, snapshots, facility } = await this.matching.rank(req, limit ?? this.config.matching.defaultLimit, r.id, {
      listExcluded: true,
    });
    if (!result.candidates.length) await this.facts.searchWithoutCandidates(r.regionCode, r.urgency, result.excluded);
    return {
      requestId: r.id,
      candidates: result.candidates.map((c) => {
        const f = snapshots.get(c.facilityId)!;
        return {
          facilityId: c.facilityId,
          facilityName: f.name,
          type: f.type,
          regionCode: f.regionCode,
          provinceCode: f.provinceCode,
          placeKind: c.placeKind,
          distanceKm: c.distanceKm,
          exploitationDistanceKm: c.exploitationDistanceKm,
          warnings: c.warnings,
          placeKindFallback: c.placeKindFallback,
          freshness: c.freshness,
          score: c.score,
          breakdown: c.breakdown,
        };
      }),
      excluded: result.excluded.map(({ reason, count, facilityIds }) => ({
        reason,
        count,
        facilities: namedExcluded(p, reason, facilityIds ?? [], facility, req.origin.point),
      })),
    };
  }

  /** Reports: the commonest exclusion when a search for this request would find nobody now. */
  private async unmetReason(p: Principal, id: string): Promise<string | null> {
    const r = await this.findVisible(p, id);
    if (!r.profile || r.status === 'placed' || r.status === 'closed' || r.status === 'cancelled') return null;
    const { result } = await this.matching.rank(await this.toMatchLive(r), 1, r.id);
    return result.candidates.length ? null : commonestExclusion(result.excluded);
  }

  /** The request as the core sees it (used by proposals to re-check one facility). */
  toMatch(r: MatchableRequest, currentFacilityId: string | null = null): MatchRequest {
    return this.matching.toMatchRequest(this.profileOf(r), r.regionCode, currentFacilityId);
  }

  /** toMatch with, for a transfer, the facility the person still lives in (her own tags never exclude it). */
  async toMatchLive(r: PlacementRequestEntity, tx?: Tx): Promise<MatchRequest> {
    return this.toMatch(r, await this.currentFacilityOf(r, tx));
  }

  /** A transfer's current facility: that of the previous placement while it is active, else null. */
  async currentFacilityOf(r: Pick<PlacementRequestEntity, 'previousPlacementId'>, tx?: Tx): Promise<string | null> {
    if (!r.previousPlacementId) return null;
    return this.currentFacilityIn(await this.placements.findById(r.previousPlacementId, tx));
  }

  /** currentFacilityOf on the previous placement as the caller read it. */
  currentFacilityIn(previous: { status: string; facilityId: string } | null | undefined): string | null {
    return previous?.status === 'active' ? previous.facilityId : null;
  }

  /** 404 unless the caller is a UOR of the request's region or an admin. */
  async findVisible(p: Principal, id: string, tx?: Tx): Promise<PlacementRequestEntity> {
    return this.visible(p, await this.repo.findById(id, tx));
  }

  /** The row locked, read once: the lock's read is the visibility check (a refused caller's rollback frees the lock). */
  async lockVisible(p: Principal, id: string, t: Tx): Promise<PlacementRequestEntity> {
    return this.visible(p, await this.repo.lockById(t, id));
  }

  private visible(p: Principal, r: PlacementRequestEntity | null): PlacementRequestEntity {
    requireVisible(p, 'request.read', r, 'placement request');
    return r!;
  }

  private profileOf(r: MatchableRequest): MatchProfileDto {
    if (!r.profile) throw conflict('request_purged', 'the profile of this request was purged');
    return {
      person: r.profile,
      protectionLevel: r.protectionLevel,
      stage: r.stage,
      origin: { provinceCode: r.originProvince },
      safety: r.safety,
      preferences: r.preferences,
    } as MatchProfileDto;
  }

  private async assertPreviousPlacement(p: Principal, placementId: string, t: Tx) {
    const prev = await this.placements.findById(placementId, t);
    const prevRequest = prev ? await this.repo.findById(prev.requestId, t) : null;
    if (!prev || !prevRequest || prevRequest.regionCode !== p.region)
      throw ruleBroken('unknown_placement', 'previousPlacementId: no placement of your region with this id', {
        field: 'previousPlacementId',
      });
  }

  private async view(p: Principal, id: string, audit: boolean, tx?: Tx) {
    const r = await this.findVisible(p, id, tx);
    const proposals = await this.proposals.findForRequest(id, tx);
    // inside the caller's transaction when given: an edit's answer sees the holds it just freed
    const expiries = await this.holds.expiries(
      proposals.flatMap((x) => (x.holdId ? [x.holdId] : [])),
      tx,
    );
    if (audit && r.profile) await this.audit.record(null, p, 'request.read_profile', 'placement_request', id);
    return presentRequest(r, proposals, expiries);
  }
}
