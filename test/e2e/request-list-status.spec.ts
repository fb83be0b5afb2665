/** The region's list of requests says where each one is: once a house accepted, "accepted, waiting for arrival". */
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { aRequest, principals } from '../support/factories.js';
import { freshFacility } from '../support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

it('a request whose proposal was accepted carries acceptedProposalId in the list and in its own view; others do not', async () => {
  const uor = bearer(t.token(principals.uor('07')));
  const { id: facilityId, manager } = await freshFacility(t, { provinceCode: 'GE' });
  const accepted = (await t.http().post('/api/v1/placement-requests').set(uor).send(aRequest())).body;
  const pending = (await t.http().post('/api/v1/placement-requests').set(uor).send(aRequest())).body;
  const p1 = (await t.http().post(`/api/v1/placement-requests/${accepted.id}/proposals`).set(uor).send({ facilityId })).body;
  await t.http().post(`/api/v1/placement-requests/${pending.id}/proposals`).set(uor).send({ facilityId });
  expect(
    (
      await t
        .http()
        .post(`/api/v1/proposals/${p1.id}/accept`)
        .set(bearer(t.token(manager)))
    ).status,
  ).toBe(200);

  const list = (await t.http().get('/api/v1/placement-requests').set(uor)).body.items as {
    id: string;
    status: string;
    acceptedProposalId: string | null;
  }[];
  expect(list.find((r) => r.id === accepted.id)).toMatchObject({ status: 'proposed', acceptedProposalId: p1.id });
  expect(list.find((r) => r.id === pending.id)).toMatchObject({ status: 'proposed', acceptedProposalId: null });
  const one = (await t.http().get(`/api/v1/placement-requests/${accepted.id}`).set(uor)).body;
  expect(one.acceptedProposalId).toBe(p1.id);
});
