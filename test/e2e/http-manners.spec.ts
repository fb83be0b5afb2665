import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** Domain "Operations": 415 for a body that is not JSON, bodiless POSTs whatever the content type, WWW-Authenticate on 401. */
describe('HTTP manners (e2e)', () => {
  let t: TestApp;
  let facilityId: string;
  const admin = () => bearer(t.token(principals.admin()));

  beforeAll(async () => {
    t = await startTestApp();
    facilityId = (await t.http().post('/api/v1/facilities').set(admin()).send(aFacility())).body.id;
  });
  afterAll(() => t.close());

  it.each([
    ['form-encoded (curl -d)', 'application/x-www-form-urlencoded', 'name=x&type=y'],
    ['plain text', 'text/plain', '{"name":"x"}'],
    ['XML', 'application/xml', '<facility/>'],
    ['no content type at all', undefined, '{"name":"x"}'],
  ])('a %s body where JSON is expected answers 415 unsupported_media_type', async (_what, ct, body) => {
    const req = t.http().post('/api/v1/facilities').set(admin());
    if (ct) req.set('Content-Type', ct);
    else req.unset('Content-Type');
    const res = await req.send(Buffer.from(body));
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ statusCode: 415, code: 'unsupported_media_type' });
  });

  it('a JSON body with a charset parameter is JSON', async () => {
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(admin())
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify(aFacility()));
    expect(res.status).toBe(201);
  });

  it.each([
    ['application/json', 'application/json'],
    ['text/plain', 'text/plain'],
    ['form-encoded', 'application/x-www-form-urlencoded'],
    ['no content type', undefined],
  ])('a bodiless POST (confirm) with %s and an empty body succeeds', async (_what, ct) => {
    const req = t.http().post(`/api/v1/facilities/${facilityId}/availability/confirm`).set(admin());
    if (ct) req.set('Content-Type', ct);
    const res = await req.send('');
    expect(res.status).toBe(200);
  });

  it('a JSON content type with an empty body on a route that needs a body is a validation error, not a parser error', async () => {
    const res = await t.http().post('/api/v1/facilities').set(admin()).set('Content-Type', 'application/json').send('');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it.each([
    ['no token', {}],
    ['a malformed header', { Authorization: 'Basic abc' }],
    ['a bad token', { Authorization: 'Bearer not.a.token' }],
  ])('401 with %s carries WWW-Authenticate: Bearer', async (_what, headers) => {
    const res = await t.http().get('/api/v1/facilities').set(headers);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
  });

  it('other errors carry no WWW-Authenticate', async () => {
    const res = await t
      .http()
      .get('/api/v1/audit')
      .set(bearer(t.token(principals.national())));
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });
});
