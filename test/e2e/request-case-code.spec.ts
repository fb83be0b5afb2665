import { randomUUID } from 'node:crypto';
import { aRequest, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * One open request per case code in a region (found by a walk: the same form sent twice made two
 * open requests for one woman, which could hold two beds for her). The code as people type it:
 * lower case is the same code.
 */
describe('a case code already open in the region (e2e)', () => {
  let t: TestApp;
  const uor = principals.uor('07');
  const as = () => bearer(t.token(uor));
  const create = (caseCode: string, key?: string) =>
    t
      .http()
      .post('/api/v1/placement-requests')
      .set({ ...as(), ...(key ? { 'Idempotency-Key': key } : {}) })
      .send({ ...aRequest(), caseCode });
  const code = () => `LIG-2026-${randomUUID().slice(0, 8).toUpperCase()}`;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('refuses a second open request with the same code, however it is cased: 409 case_code_in_use with the open one', async () => {
    const c = code();
    const first = await create(c);
    expect(first.status).toBe(201);
    for (const again of [c, c.toLowerCase()]) {
      const res = await create(again);
      expect({ status: res.status, code: res.body.code, requestId: res.body.requestId }).toEqual({
        status: 409,
        code: 'case_code_in_use',
        requestId: first.body.id,
      });
    }
    expect(await t.sql(`SELECT count(*)::int AS n FROM placement_request WHERE upper(case_code) = $1`, [c])).toEqual([{ n: 1 }]);
  });

  it('a retry with the same Idempotency-Key is the same request, not a refusal', async () => {
    const c = code();
    const key = randomUUID();
    const a = await create(c, key);
    const b = await create(c, key);
    expect([a.status, b.status, b.body.id]).toEqual([201, 201, a.body.id]);
  });

  it('two submissions at once: one request, the other told', async () => {
    for (let round = 0; round < 5; round++) {
      const c = code();
      const answers = await Promise.all([create(c), create(c), create(c)]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(await t.sql(`SELECT count(*)::int AS n FROM placement_request WHERE case_code = $1`, [c])).toEqual([{ n: 1 }]);
    }
  });

  it('the code is free again once her request is cancelled, and another region may use it', async () => {
    const c = code();
    const first = await create(c);
    expect((await t.http().post(`/api/v1/placement-requests/${first.body.id}/cancel`).set(as()).send({})).status).toBe(200);
    expect((await create(c)).status).toBe(201);
    const other = await t
      .http()
      .post('/api/v1/placement-requests')
      .set(bearer(t.token(principals.uor('09'))))
      .send({ ...aRequest({ origin: { provinceCode: 'FI' } }), caseCode: c });
    expect(other.status).toBe(201);
  });
});
