import { FacilitiesService } from '../../src/facilities/facilities.service.js';
import { Transactions } from '../../src/database/transactions.repository.js';
import { ProposalsService } from '../../src/lifecycle/proposals/proposals.service.js';
import { PlacementRequestsService } from '../../src/lifecycle/requests/placement-requests.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { startServices, type ServiceContext } from '../support/service-context.js';

/**
 * A propose holds its place inside the statement that writes the proposal (issue 32). Every path
 * that takes a place locks the facility first, as the propose does, so the checks' read cannot be
 * overtaken today; should a hold ever be taken without that lock, the place is still never given
 * twice: the hold is refused inside the write statement, 409 no_free_place, and nothing of the
 * proposal is written. Played here by a hold written straight into the table in between.
 */
describe('propose: the hold refused inside the write statement', () => {
  let s: ServiceContext;
  const uor = principals.uor('07');
  const admin = principals.admin();

  beforeAll(async () => {
    s = await startServices();
  });
  afterAll(() => s.close());

  /** Runs `between` on another connection right after the propose's read of what its checks need. */
  async function proposeWith(between: () => Promise<unknown>, requestId: string, facilityId: string) {
    const tx = s.get(Transactions);
    const read = tx.readTogether.bind(tx);
    tx.readTogether = (async (...args: Parameters<typeof read>) => {
      const out = await read(...args);
      tx.readTogether = read;
      await between();
      return out;
    }) as typeof read;
    try {
      return await s.get(ProposalsService).propose(uor, requestId, facilityId);
    } finally {
      tx.readTogether = read;
    }
  }

  it('answers 409 no_free_place and writes no proposal, hold, audit row, fact, e-mail or status change', async () => {
    const f = (
      await s.get(FacilitiesService).create(admin, aFacility({ places: [{ kind: 'adult', total: 1 }] }), { confirmedAt: s.clock.now() })
    ).id as string;
    const r = (await s.get(PlacementRequestsService).create(uor, aRequest())).id as string;
    const count = async () =>
      (
        await s.sql<Record<string, number>>(
          `SELECT (SELECT count(*) FROM proposal WHERE request_id = $1)::int AS proposals,
                  (SELECT count(*) FROM place_hold WHERE facility_id = $2)::int AS holds,
                  (SELECT count(*) FROM audit_log WHERE action = 'proposal.create' AND details->>'requestId' = $1::text)::int AS audits,
                  (SELECT count(*) FROM report_fact WHERE facility_id = $2)::int AS facts,
                  (SELECT count(*) FROM outbox WHERE event = 'proposal_created')::int AS mails`,
          [r, f],
        )
      )[0];
    const before = await count();
    // the checks saw one free bed; a hold that took no facility lock takes it before the write statement
    const other = () =>
      s.sql(`INSERT INTO place_hold (facility_id, kind, created_at, expires_at) VALUES ($1, 'adult', now(), now() + interval '1 hour')`, [
        f,
      ]);
    await expect(proposeWith(other, r, f)).rejects.toMatchObject({ code: 'no_free_place', details: { facilityId: f, kind: 'adult' } });
    expect(await count()).toEqual({ ...before, holds: before.holds + 1 });
    expect(await s.sql(`SELECT status FROM placement_request WHERE id = $1`, [r])).toEqual([{ status: 'open' }]);

    // the bed comes back: the same propose goes through, its hold written by the same statement
    await s.sql(`UPDATE place_hold SET released_at = now(), release_reason = 'released' WHERE facility_id = $1`, [f]);
    const p = await s.get(ProposalsService).propose(uor, r, f);
    expect(p.status).toBe('pending');
    expect(
      await s.sql(
        `SELECT h.reference_id = p.id AS mine, h.released_at FROM proposal p JOIN place_hold h ON h.id = p.hold_id WHERE p.id = $1`,
        [p.id],
      ),
    ).toEqual([{ mine: true, released_at: null }]);
  });
});
