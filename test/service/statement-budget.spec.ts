import pg from 'pg';
import { FacilitiesService } from '../../src/facilities/facilities.service.js';
import { PlacementsService } from '../../src/lifecycle/placements/placements.service.js';
import { ProposalDecisionsService } from '../../src/lifecycle/proposals/proposal-decisions.service.js';
import { ProposalsService } from '../../src/lifecycle/proposals/proposals.service.js';
import { PlacementRequestsService } from '../../src/lifecycle/requests/placement-requests.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { startServices, type ServiceContext } from '../support/service-context.js';
import { dayOf } from '../../src/domain/italian-day.js';

/**
 * The write path's budget (issue 25): every lifecycle call does its reads, checks and writes in at
 * most 4 statements besides BEGIN and COMMIT, a propose + withdraw pair in at most 12 in all.
 * Statements are counted where every one of them passes: pg's Client.query, one round trip each.
 */
const BUDGET = 4;
const TX_CONTROL = /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)\b/i;

describe('statements per lifecycle call (service tier)', () => {
  let s: ServiceContext;
  const uor = principals.uor('07');
  const admin = principals.admin();
  const sent: string[] = [];
  const original = pg.Client.prototype.query;

  beforeAll(async () => {
    s = await startServices();
  });
  afterAll(() => s.close());

  /**
   * Every statement any pg client of the pool sends while `work` runs (the test's own SQL client stays
   * idle meanwhile). The live-events listener (its own connection, `approdo-events`) reads what a commit
   * published after the fact: that read belongs to the streams, not to the call.
   */
  async function counted<T>(work: () => Promise<T>): Promise<{ result: T; all: number; work: number; statements: string[] }> {
    sent.length = 0;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0] as string | { text: string };
      const listener = (this as unknown as { connectionParameters?: { application_name?: string } }).connectionParameters?.application_name;
      if (listener !== 'approdo-events') sent.push(typeof q === 'string' ? q : q.text);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      const result = await work();
      const statements = [...sent];
      return { result, all: statements.length, work: statements.filter((x) => !TX_CONTROL.test(x)).length, statements };
    } finally {
      pg.Client.prototype.query = original;
    }
  }

  const facility = async (places = 2) =>
    (
      await s
        .get(FacilitiesService)
        .create(admin, aFacility({ places: [{ kind: 'adult', total: places }] }), { confirmedAt: s.clock.now() })
    ).id as string;
  const request = async () => (await s.get(PlacementRequestsService).create(uor, aRequest())).id as string;
  const proposals = () => s.get(ProposalsService);
  const decisions = () => s.get(ProposalDecisionsService);

  it('propose and withdraw: at most 4 statements each besides BEGIN and COMMIT, the pair at most 12 in all', async () => {
    const f = await facility();
    const r = await request();
    const propose = await counted(() => proposals().propose(uor, r, f));
    expect(propose.result.status).toBe('pending');
    const withdraw = await counted(() => decisions().withdraw(uor, propose.result.id));
    expect(withdraw.result.status).toBe('withdrawn');
    expect({ propose: propose.work, withdraw: withdraw.work }).toEqual({
      propose: Math.min(propose.work, BUDGET),
      withdraw: Math.min(withdraw.work, BUDGET),
    });
    expect(propose.all + withdraw.all).toBeLessThanOrEqual(12);
  });

  it("propose: the place held inside the statement that writes the proposal (locks, the checks' read, the write)", async () => {
    const [r, f] = [await request(), await facility()];
    const propose = await counted(() => proposals().propose(uor, r, f));
    const work = propose.statements.filter((x) => !TX_CONTROL.test(x));
    expect(work).toHaveLength(3);
    expect(work[2]).toMatch(/INSERT INTO proposal[\s\S]*approdo_hold_or_fail/);
    expect(work.some((x) => /approdo_hold\(/.test(x))).toBe(false);
  });

  it('opening a proposal: one statement for the UOR; the manager, who reads the case, one more (the audit of that read)', async () => {
    const f = await facility();
    const r = await request();
    const { id } = await proposals().propose(uor, r, f);
    const byUor = await counted(() => proposals().get(uor, id));
    expect(byUor.result).toMatchObject({ id, status: 'pending', holdExpiresAt: expect.any(String) });
    expect(byUor.result).not.toHaveProperty('case');
    expect(byUor.all).toBe(1);
    const byManager = await counted(() => proposals().get(principals.manager(f), id));
    expect(byManager.result).toMatchObject({ id, case: { caseCode: expect.any(String) } });
    expect(byManager.statements).toHaveLength(2);
    expect(byManager.statements[1]).toMatch(/INSERT INTO "?audit_log/i);
    // and nobody else: another region's UOR is told there is no such proposal
    await expect(proposals().get(principals.uor('09'), id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('decline: at most 4 statements besides BEGIN and COMMIT', async () => {
    const f = await facility();
    const r = await request();
    const { id } = await proposals().propose(uor, r, f);
    const decline = await counted(() => decisions().decline(principals.manager(f), id, 'staff_capacity', 'no staff tonight'));
    expect(decline.result).toMatchObject({ status: 'declined', declineReason: 'staff_capacity', declineNote: 'no staff tonight' });
    expect(decline.work).toBeLessThanOrEqual(BUDGET);
  });

  it('accept, with two other offers of the request withdrawn by it: at most 4 statements besides BEGIN and COMMIT', async () => {
    const [f, g, h] = [await facility(), await facility(), await facility()];
    const r = await request();
    const { id } = await proposals().propose(uor, r, f);
    await proposals().propose(uor, r, g);
    await proposals().propose(uor, r, h);
    const accept = await counted(() => decisions().accept(principals.manager(f), id));
    expect(accept.result.status).toBe('accepted');
    const statuses = await s.sql<{ status: string }>(`SELECT status FROM proposal WHERE request_id = $1 ORDER BY status`, [r]);
    expect(statuses.map((x) => x.status)).toEqual(['accepted', 'withdrawn', 'withdrawn']);
    expect(accept.work).toBeLessThanOrEqual(BUDGET);
  });

  it('admit and discharge: at most 4 statements each besides BEGIN and COMMIT', async () => {
    const f = await facility();
    const r = await request();
    const manager = principals.manager(f);
    const { id } = await proposals().propose(uor, r, f);
    await decisions().accept(manager, id);
    const admit = await counted(() => decisions().admit(manager, id));
    expect(admit.result.status).toBe('admitted');
    expect(admit.work).toBeLessThanOrEqual(BUDGET);
    const { placementId } = admit.result;
    const today = dayOf(s.clock.now());
    const discharge = await counted(() => s.get(PlacementsService).discharge(manager, placementId!, 'completed', today));
    expect(discharge.result).toMatchObject({ status: 'discharged', dischargeReason: 'completed', dischargeDate: today });
    expect(discharge.work).toBeLessThanOrEqual(BUDGET);
  });

  it('a transfer within the same house: admitted within the budget, the previous placement ended, one bed for one person', async () => {
    const f = await facility(2);
    const manager = principals.manager(f);
    const first = await proposals().propose(uor, await request(), f);
    await decisions().accept(manager, first.id);
    const { placementId } = await decisions().admit(manager, first.id);
    const r = (await s.get(PlacementRequestsService).create(uor, aRequest({ previousPlacementId: placementId! }))).id as string;
    const { id } = await proposals().propose(uor, r, f);
    await decisions().accept(manager, id);
    const admit = await counted(() => decisions().admit(manager, id));
    expect(admit.result.status).toBe('admitted');
    expect(admit.work).toBeLessThanOrEqual(BUDGET);
    expect(await s.sql(`SELECT status, discharge_reason FROM placement WHERE id = $1`, [placementId])).toEqual([
      { status: 'discharged', discharge_reason: 'transferred' },
    ]);
    expect(await s.sql(`SELECT occupied FROM facility_place WHERE facility_id = $1`, [f])).toEqual([{ occupied: 1 }]);
    expect(await s.sql(`SELECT count(*)::int AS n FROM place_hold WHERE facility_id = $1 AND released_at IS NULL`, [f])).toEqual([
      { n: 0 },
    ]);
    const events = await s.sql<{ type: string; after: { occupied: number; held: number } }>(
      `SELECT type, after FROM availability_event WHERE facility_id = $1 AND type IN ('admission', 'discharge') ORDER BY id`,
      [f],
    );
    expect(events.map((e) => [e.type, e.after.occupied, e.after.held])).toEqual([
      ['admission', 1, 0],
      ['admission', 2, 0],
      ['discharge', 1, 0],
    ]);
  });

  it('expire one proposal whose hold is past its TTL (the due holds read, then its own unit): at most 4 statements besides BEGIN and COMMIT', async () => {
    const f = await facility();
    const r = await request();
    const { id } = await proposals().propose(uor, r, f);
    const [{ expires_at }] = await s.sql<{ expires_at: Date }>(
      `SELECT h.expires_at FROM proposal p JOIN place_hold h ON h.id = p.hold_id WHERE p.id = $1`,
      [id],
    );
    const before = s.clock.now();
    s.clock.set(new Date(expires_at.getTime() + 60_000));
    try {
      // every hold of this file's earlier tests is due too: one read of the due holds, then a unit per hold
      const expire = await counted(() => decisions().expireDue());
      expect(await s.sql(`SELECT status FROM proposal WHERE id = $1`, [id])).toEqual([{ status: 'expired' }]);
      expect(expire.result).toBeGreaterThanOrEqual(1);
      expect(expire.work).toBeLessThanOrEqual(1 + (BUDGET - 1) * expire.result);
    } finally {
      s.clock.set(before);
    }
  });

  it('propose with an Idempotency-Key, first and replayed: within the budget', async () => {
    const f = await facility();
    const r = await request();
    const first = await counted(() => proposals().propose(uor, r, f, 'budget-key-1'));
    const replay = await counted(() => proposals().propose(uor, r, f, 'budget-key-1'));
    expect(replay.result).toMatchObject({ id: first.result.id, replayed: true });
    expect({ first: first.work, replay: replay.work }).toEqual({
      first: Math.min(first.work, BUDGET),
      replay: Math.min(replay.work, BUDGET),
    });
  });
});
