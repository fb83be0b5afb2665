import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, TestApp } from '../support/test-app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('health answers', async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body.database.status).toBe('up');
  });

  it('creates a facility', async () => {
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(principals.admin())))
      .send(aFacility());
    expect(res.status).toBe(201);
    expect(res.body.regionCode).toBe('07');
  });
});
