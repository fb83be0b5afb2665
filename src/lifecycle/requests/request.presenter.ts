import type { ProposalEntity } from '../proposals/proposal.entity.js';
import type { PlacementRequestEntity } from './placement-request.entity.js';

/** The requesting UOR's view: the whole pseudonymous profile (reading it is audited). */
export function presentRequest(
  r: PlacementRequestEntity,
  proposals: ProposalEntity[],
  expiries: Map<string, { expiresAt: Date; live: boolean }>,
) {
  return {
    id: r.id,
    caseCode: r.caseCode,
    status: r.status,
    regionCode: r.regionCode,
    person: r.profile,
    purged: r.purgedAt !== null,
    protectionLevel: r.protectionLevel,
    stage: r.stage,
    origin: { provinceCode: r.originProvince },
    safety: r.safety,
    preferences: r.preferences,
    urgency: r.urgency,
    referralChannel: r.referralChannel,
    note: r.note,
    previousPlacementId: r.previousPlacementId,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
    acceptedProposalId: proposals.find((p) => p.status === 'accepted')?.id ?? null,
    proposals: proposals.map((p) => ({
      id: p.id,
      facilityId: p.facilityId,
      status: p.status,
      placeKind: p.placeKind,
      holdExpiresAt: p.holdId && expiries.get(p.holdId)?.live ? expiries.get(p.holdId)!.expiresAt.toISOString() : null,
      placementId: p.placementId,
      withdrawnReason: p.withdrawnReason ?? null,
    })),
  };
}

/** The request's fields a facility's view of a case shows. */
export type CaseForFacility = Pick<PlacementRequestEntity, 'caseCode' | 'profile' | 'protectionLevel' | 'stage' | 'urgency' | 'regionCode'>;

/** What a shelter manager needs to decide, nothing else: no origin, safety, tags, operator note or
 * nationality (kept for reports only). Once the house accepted, the sending office's region too (its
 * UOR's on-call number, for the arrival), as the UOR then learns the house's address. */
export function presentCaseForFacility(r: CaseForFacility, accepted = false) {
  const { nationality: _forReportsOnly, ...person } = r.profile ?? ({} as NonNullable<PlacementRequestEntity['profile']>);
  return {
    caseCode: r.caseCode,
    person: r.profile ? person : null,
    protectionLevel: r.protectionLevel,
    stage: r.stage,
    urgency: r.urgency,
    ...(accepted ? { regionCode: r.regionCode } : {}),
  };
}
