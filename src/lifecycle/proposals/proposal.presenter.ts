import { type CaseForFacility, presentCaseForFacility } from '../requests/request.presenter.js';
import type { ProposalEntity } from './proposal.entity.js';

/** `proposal.profile` is decided by role alone: asked before the case is read, so no case is given. */
export const ANY_CASE = { regionCode: '', facilityId: '' };

export function presentProposal(p: ProposalEntity, hold: { expiresAt: Date; live: boolean } | undefined, forFacility?: CaseForFacility) {
  return {
    id: p.id,
    requestId: p.requestId,
    facilityId: p.facilityId,
    status: p.status,
    placeKind: p.placeKind,
    holdExpiresAt: hold?.live ? hold.expiresAt.toISOString() : null,
    createdAt: p.createdAt.toISOString(),
    decidedAt: p.decidedAt?.toISOString() ?? null,
    declineReason: p.declineReason,
    // staff-to-staff: the deciding facility and the requesting UOR read it, nobody is mailed it
    declineNote: p.declineNote,
    // request_changed: the request was edited and the house now fails a hard constraint (both sides see it)
    withdrawnReason: p.withdrawnReason ?? null,
    placementId: p.placementId,
    ...(forFacility ? { case: presentCaseForFacility(forFacility, p.status === 'accepted' || p.status === 'admitted') } : {}),
  };
}
