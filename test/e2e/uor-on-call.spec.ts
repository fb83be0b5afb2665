import { aRequest, principals } from '../support/factories.js';
import { freshFacility } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** The house deciding a proposal at night calls the office that sent it: the region's UOR on-call number. */
describe("the sending UOR's on-call number (e2e)", () => {
  let t: TestApp;
  const admin = principals.admin();
  const as = (p: Parameters<TestApp['token']>[0]) => bearer(t.token(p));

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const region = async (code: string) =>
    ((await t.http().get('/api/v1/regions').set(as(principals.national()))).body as { code: string; uorOnCallPhone: string | null }[]).find(
      (r) => r.code === code,
    )!;

  it('the admin sets it (E.164 only), every member reads it in /regions; an e-mail change without it keeps it', async () => {
    const bad = await t
      .http()
      .put('/api/v1/regions/07/contact')
      .set(as(admin))
      .send({ uorEmail: 'uor07@example.org', uorOnCallPhone: '010 123' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['uorOnCallPhone']);
    const ok = await t
      .http()
      .put('/api/v1/regions/07/contact')
      .set(as(admin))
      .send({ uorEmail: 'uor07@example.org', uorOnCallPhone: '+390101234567' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ code: '07', uorEmail: 'uor07@example.org', uorOnCallPhone: '+390101234567' });
    expect((await region('07')).uorOnCallPhone).toBe('+390101234567');
    expect((await region('09')).uorOnCallPhone).toBeNull();
    const mailOnly = await t.http().put('/api/v1/regions/07/contact').set(as(admin)).send({ uorEmail: 'uor.liguria@example.org' });
    expect(mailOnly.body.uorOnCallPhone).toBe('+390101234567');
    const cleared = await t
      .http()
      .put('/api/v1/regions/07/contact')
      .set(as(admin))
      .send({ uorEmail: 'uor.liguria@example.org', uorOnCallPhone: null });
    expect(cleared.body.uorOnCallPhone).toBeNull();
    expect((await region('07')).uorOnCallPhone).toBeNull();
  });

  it("the case names the sending office's region once the house accepted, never while it decides", async () => {
    const f = await freshFacility(t, { provinceCode: 'GE' });
    const uor = principals.uor('07');
    const req = await t.http().post('/api/v1/placement-requests').set(as(uor)).send(aRequest());
    expect(req.status).toBe(201);
    const p = await t.http().post(`/api/v1/placement-requests/${req.body.id}/proposals`).set(as(uor)).send({ facilityId: f.id });
    expect(p.status).toBe(201);
    const pending = await t.http().get(`/api/v1/proposals/${p.body.id}`).set(as(f.manager));
    expect(pending.body.case.caseCode).toBe(req.body.caseCode);
    expect(pending.body.case).not.toHaveProperty('regionCode');
    expect((await t.http().post(`/api/v1/proposals/${p.body.id}/accept`).set(as(f.manager)).send({})).status).toBe(200);
    const accepted = await t.http().get(`/api/v1/proposals/${p.body.id}`).set(as(f.manager));
    expect(accepted.body.case).toMatchObject({ caseCode: req.body.caseCode, regionCode: '07' });
  });
});
