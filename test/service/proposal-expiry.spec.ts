import { FacilitiesService } from '../../src/facilities/facilities.service.js';
import { ProposalDecisionsService } from '../../src/lifecycle/proposals/proposal-decisions.service.js';
import { ProposalsService } from '../../src/lifecycle/proposals/proposals.service.js';
import { PlacementRequestsService } from '../../src/lifecycle/requests/placement-requests.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { startServices, type ServiceContext } from '../support/service-context.js';

/** Expiry is reached by no HTTP call: the job runs it. Here it is driven directly, on the real database. */
describe('ProposalDecisionsService.expireDue (service tier)', () => {
  let s: ServiceContext;
  const uor = principals.uor('07');
  const admin = principals.admin();

  beforeAll(async () => {
    s = await startServices();
  });
  afterAll(() => s.close());

  const facility = async (places = 1) =>
    (
      await s
        .get(FacilitiesService)
        .create(admin, aFacility({ places: [{ kind: 'adult', total: places }] }), { confirmedAt: s.clock.now() })
    ).id as string;
  const request = async () => (await s.get(PlacementRequestsService).create(uor, aRequest())).id as string;
  const propose = async (requestId: string, facilityId: string) =>
    (await s.get(ProposalsService).propose(uor, requestId, facilityId)).id as string;
  const statusOf = async (proposalId: string) =>
    (await s.sql<{ status: string }>(`SELECT status FROM proposal WHERE id = $1`, [proposalId]))[0].status;
  const liveHolds = async (facilityId: string) =>
    Number(
      (await s.sql<{ n: string }>(`SELECT count(*) AS n FROM place_hold WHERE facility_id = $1 AND released_at IS NULL`, [facilityId]))[0]
        .n,
    );
  /** Sets the clock `deltaMs` after the proposal's hold expires (negative: before). */
  const atExpiryOf = async (proposalId: string, deltaMs: number) => {
    const [{ expires_at }] = await s.sql<{ expires_at: Date }>(
      `SELECT h.expires_at FROM proposal p JOIN place_hold h ON h.id = p.hold_id WHERE p.id = $1`,
      [proposalId],
    );
    s.clock.set(new Date(expires_at.getTime() + deltaMs));
  };
  const expiryFacts = async (facilityId: string) =>
    Number(
      (await s.sql<{ n: string }>(`SELECT count(*) AS n FROM report_fact WHERE event = 'expiry' AND facility_id = $1`, [facilityId]))[0].n,
    );

  it('leaves a hold alone before its time, then expires the proposal, frees the bed, reopens the request and counts it once', async () => {
    const f = await facility();
    const r = await request();
    const p = await propose(r, f);
    expect(await liveHolds(f)).toBe(1);

    await atExpiryOf(p, -60_000);
    expect(await s.get(ProposalDecisionsService).expireDue()).toBe(0);
    expect(await statusOf(p)).toBe('pending');

    await atExpiryOf(p, 60_000);
    expect(await s.get(ProposalDecisionsService).expireDue()).toBe(1);
    expect(await statusOf(p)).toBe('expired');
    expect(await liveHolds(f)).toBe(0);
    expect((await s.sql<{ status: string }>(`SELECT status FROM placement_request WHERE id = $1`, [r]))[0].status).toBe('open');
    expect(await expiryFacts(f)).toBe(1);
    // the UOR and the facility are told, by mail queued in the same transaction
    const mails = await s.sql(`SELECT 1 FROM outbox WHERE event = 'proposal_expired'`);
    expect(mails.length).toBe(2);

    // a second sweep finds nothing more: expiry happens once
    expect(await s.get(ProposalDecisionsService).expireDue()).toBe(0);
    expect(await expiryFacts(f)).toBe(1);
  });

  it('does not expire a proposal that was declined before its time', async () => {
    const f = await facility();
    const p = await propose(await request(), f);
    await s.get(ProposalDecisionsService).decline(principals.manager(f), p, 'staff_capacity');
    await atExpiryOf(p, 60_000);
    expect(await s.get(ProposalDecisionsService).expireDue()).toBe(0);
    expect(await statusOf(p)).toBe('declined');
    expect(await expiryFacts(f)).toBe(0);
  });

  it('racing an acceptance at the deadline: exactly one outcome, and the bed is held only if accepted', async () => {
    for (let round = 0; round < 5; round++) {
      const f = await facility();
      const p = await propose(await request(), f);
      await atExpiryOf(p, 1_000);
      const [expired, accepted] = await Promise.allSettled([
        s.get(ProposalDecisionsService).expireDue(),
        s.get(ProposalDecisionsService).accept(principals.manager(f), p),
      ]);
      const status = await statusOf(p);
      expect(['expired', 'accepted']).toContain(status);
      if (status === 'expired') {
        // (the sweep may free other rounds' holds too: the clock moved past them)
        expect(expired.status === 'fulfilled' && expired.value >= 1).toBe(true);
        expect(accepted.status).toBe('rejected');
        expect(await liveHolds(f)).toBe(0);
      } else {
        expect(accepted.status).toBe('fulfilled');
        expect(await liveHolds(f)).toBe(1);
      }
    }
  });
});
