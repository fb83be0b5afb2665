import { JobsService } from '../../src/jobs/jobs.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { SseClient } from '../support/sse-client.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The live event stream through HTTP, with two instances of the service on one database: a change
 * made through one reaches the streams open on the other (from PostgreSQL, not from memory).
 */
describe('GET /api/v1/events', () => {
  let one: TestApp;
  let two: TestApp;
  let base: string;
  const open: SseClient[] = [];
  const uor = principals.uor('07');
  /** another member of the same UOR (the stream cap counts per member) */
  const colleague = (n: number) => ({ ...uor, sub: `uor-07-${n}` });
  const otherUor = principals.uor('09');
  const admin = principals.admin();
  const ADDRESS = 'Vicolo Canarino Segreto 7, Genova';
  let facilityId: string;
  let manager: ReturnType<typeof principals.manager>;

  const stream = async (app: TestApp, p: Parameters<TestApp['token']>[0], headers: Record<string, string> = {}, query = '') => {
    const c = await SseClient.open(`${base}/api/v1/events${query}`, { ...bearer(app.token(p)), ...headers });
    open.push(c);
    return c;
  };
  /** a stream is live once its first `id:` line arrived */
  const live = async (c: SseClient) => expect(await c.waitFor((x) => x.lastEventId !== undefined)).toBe(true);

  beforeAll(async () => {
    one = await startTestApp({ EVENTS_MAX_STREAMS_PER_MEMBER: '4', EVENTS_HEARTBEAT_SECONDS: '1' });
    two = await startTestApp({}, one.dbUrl);
    await one.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(one.app.getHttpServer().address() as { port: number }).port}`;
    const created = await one
      .http()
      .post('/api/v1/facilities')
      .set(bearer(one.token(admin)))
      .send(aFacility({ provinceCode: 'SP', secretAddress: true, address: ADDRESS, places: [{ kind: 'adult', total: 3 }] }));
    facilityId = created.body.id;
    manager = principals.manager(facilityId);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await two.close();
    await one.close();
  });

  const newRequest = async () =>
    (
      await two
        .http()
        .post('/api/v1/placement-requests')
        .set(bearer(two.token(uor)))
        .send(aRequest({ note: 'Canarino: nota riservata' } as never))
    ).body as { id: string; caseCode: string };
  const propose = async (requestId: string) =>
    (
      await two
        .http()
        .post(`/api/v1/placement-requests/${requestId}/proposals`)
        .set(bearer(two.token(uor)))
        .send({ facilityId })
    ).body as { id: string };

  it('a UOR stream receives the acceptance made through the other instance; another region receives nothing of it', async () => {
    const mine = await stream(one, uor);
    const theirs = await stream(one, otherUor);
    const national = await stream(one, principals.national());
    await Promise.all([live(mine), live(theirs), live(national)]);
    expect(mine.status).toBe(200);
    expect(mine.headers['content-type']).toMatch(/^text\/event-stream/);

    const req = await newRequest();
    const proposal = await propose(req.id);
    const accepted = await two
      .http()
      .post(`/api/v1/proposals/${proposal.id}/accept`)
      .set(bearer(two.token(manager)));
    expect(accepted.status).toBe(200);

    const acceptance = (c: SseClient) => c.of('proposal').find((e) => e.id === proposal.id && e.status === 'accepted');
    expect(await mine.waitFor((c) => !!acceptance(c))).toBe(true);
    expect(acceptance(mine)).toEqual({ id: proposal.id, requestId: req.id, facilityId, status: 'accepted', _id: expect.any(String) });
    // the request's own changes, in commit order: open, then proposed
    expect(
      mine
        .of('request')
        .filter((e) => e.id === req.id)
        .map((e) => e.status),
    ).toEqual(['open', 'proposed']);
    // availability: the hold took a place
    expect(await mine.waitFor((c) => c.of('availability').some((e) => e.facilityId === facilityId))).toBe(true);

    // the national stream saw the same availability change, so everything before it reached the other streams too
    const lastAvailability = mine
      .of('availability')
      .filter((e) => e.facilityId === facilityId)
      .pop()!._id;
    expect(await national.waitFor((c) => c.events.some((e) => e.id === lastAvailability))).toBe(true);
    expect(await theirs.waitFor((c) => c.events.some((e) => e.id === lastAvailability))).toBe(true);
    for (const other of [theirs, national]) {
      expect(other.of('proposal')).toEqual([]);
      expect(other.of('request')).toEqual([]);
      expect(other.raw).not.toContain(proposal.id);
      expect(other.raw).not.toContain(req.id);
    }
    // canary: ids, statuses and numbers only
    for (const c of [mine, theirs, national]) {
      expect(c.raw).not.toContain('Canarino');
      expect(c.raw).not.toContain(req.caseCode);
      expect(c.raw).not.toMatch(/female|gender|age|languages|address|note|caseCode/);
    }
    // every event has an id, increasing
    const ids = mine.events.map((e) => Number(e.id));
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('the facility manager receives her proposals, and nothing of another facility', async () => {
    const other = (
      await one
        .http()
        .post('/api/v1/facilities')
        .set(bearer(one.token(admin)))
        .send(aFacility({ provinceCode: 'GE' }))
    ).body.id as string;
    const hers = await stream(one, manager);
    await live(hers);
    const req = await newRequest();
    const proposal = await propose(req.id);
    expect(await hers.waitFor((c) => c.of('proposal').some((e) => e.id === proposal.id && e.status === 'pending'))).toBe(true);
    await two
      .http()
      .post(`/api/v1/facilities/${other}/availability/confirm`)
      .set(bearer(two.token(admin)));
    await two
      .http()
      .post(`/api/v1/proposals/${proposal.id}/decline`)
      .set(bearer(two.token(manager)))
      .send({ reason: 'staff_capacity' });
    expect(await hers.waitFor((c) => c.of('proposal').some((e) => e.id === proposal.id && e.status === 'declined'))).toBe(true);
    expect(hers.of('request')).toEqual([]);
    expect(hers.of('availability').every((e) => e.facilityId === facilityId)).toBe(true);
    expect(hers.raw).not.toContain(other);
  });

  it('reconnecting with Last-Event-ID delivers exactly the missed events, in order', async () => {
    const watcher = await stream(one, colleague(3));
    const first = await stream(one, colleague(3));
    await Promise.all([live(watcher), live(first)]);
    const req = await newRequest();
    expect(await first.waitFor((c) => c.of('request').some((e) => e.id === req.id))).toBe(true);
    const last = first.lastEventId!;
    first.close();

    // changes while the page is away
    const p1 = await propose(req.id);
    await two
      .http()
      .post(`/api/v1/proposals/${p1.id}/withdraw`)
      .set(bearer(two.token(uor)));
    const req2 = await newRequest();
    expect(await watcher.waitFor((c) => c.of('request').some((e) => e.id === req2.id))).toBe(true);
    const missed = watcher.events.filter((e) => Number(e.id) > Number(last));
    expect(missed.map((e) => e.event)).toEqual(expect.arrayContaining(['proposal', 'request', 'availability']));

    const again = await stream(one, colleague(3), { 'last-event-id': last });
    expect(await again.waitFor((c) => c.events.length >= missed.length)).toBe(true);
    // a little later nothing more has come (the watcher saw nothing more either)
    expect(again.events.slice(0, missed.length)).toEqual(missed);
    expect(again.events.filter((e) => !watcher.events.some((w) => w.id === e.id))).toEqual([]);

    // the same through the query string (a new EventSource cannot set the header)
    const viaQuery = await stream(one, colleague(3), {}, `?lastEventId=${last}`);
    expect(await viaQuery.waitFor((c) => c.events.length >= missed.length)).toBe(true);
    expect(viaQuery.events.slice(0, missed.length)).toEqual(missed);
  });

  it('answers reset for an unknown or purged Last-Event-ID', async () => {
    const bad = await stream(one, colleague(4), { 'last-event-id': 'not-an-id' });
    expect(await bad.waitFor((c) => c.events.some((e) => e.event === 'reset'))).toBe(true);
    const future = await stream(one, colleague(4), { 'last-event-id': '999999999' });
    expect(await future.waitFor((c) => c.events.some((e) => e.event === 'reset'))).toBe(true);
    for (const c of [bad, future]) c.close();

    const [{ min }] = await one.sql<{ min: string }>(`SELECT min(id) AS min FROM live_event`);
    one.clock.advance(49 * 3600_000);
    expect(await one.app.get(JobsService).purgeLiveEvents()).toBeGreaterThan(0);
    const old = await stream(one, colleague(4), { 'last-event-id': min });
    expect(await old.waitFor((c) => c.events.some((e) => e.event === 'reset'))).toBe(true);
    // after reset the stream stays open and live
    const req = await newRequest();
    expect(await old.waitFor((c) => c.of('request').some((e) => e.id === req.id))).toBe(true);
  });

  it('refuses a stream past the cap per member with 503 service_busy and Retry-After', async () => {
    const who = principals.uor('12');
    const streams = [await stream(one, who), await stream(one, who), await stream(one, who), await stream(one, who)];
    await Promise.all(streams.map(live));
    const refused = await stream(one, who);
    await refused.waitFor((c) => c.ended);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'service_busy' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // closing one frees its slot
    streams[0].close();
    let reopened: SseClient | undefined;
    for (let i = 0; i < 50 && reopened?.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      reopened = await stream(one, who);
    }
    expect(reopened!.status).toBe(200);
  });

  it('the listener reconnects when its connection is cut, and the open streams miss nothing', async () => {
    const s = await stream(one, colleague(5));
    await live(s);
    const cut = await one.sql<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'approdo-events'`,
    );
    expect(cut[0].n).toBeGreaterThanOrEqual(2);
    // committed while nobody listens
    const req = await newRequest();
    expect(await s.waitFor((c) => c.of('request').some((e) => e.id === req.id), 30_000)).toBe(true);
    expect(s.ended).toBe(false);
  });

  it('keeps proxies open with a comment line (every 25 s by default; 1 s here)', async () => {
    const s = await stream(one, colleague(6));
    expect(await s.waitFor((c) => c.raw.includes('\n: ping\n\n') || c.raw.startsWith(': ping'))).toBe(true);
    expect(s.events.filter((e) => e.event === 'message')).toEqual([]);
  });

  it('HEAD answers the headers and ends', async () => {
    const res = await one
      .http()
      .head('/api/v1/events')
      .set(bearer(one.token(uor)));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
  });

  it('needs a token', async () => {
    const anon = await SseClient.open(`${base}/api/v1/events`, {});
    open.push(anon);
    await anon.waitFor((c) => c.ended);
    expect(anon.status).toBe(401);
  });
});
