import type { Principal } from '../../src/auth/principal.js';
import { aFacility, principals } from './factories.js';
import { bearer, type TestApp } from './test-app.js';

/** A facility created by an admin and confirmed by its manager, so it is fresh; with that manager. */
export async function freshFacility(t: TestApp, o: Parameters<typeof aFacility>[0] = {}): Promise<{ id: string; manager: Principal }> {
  const res = await t
    .http()
    .post('/api/v1/facilities')
    .set(bearer(t.token(principals.admin())))
    .send(aFacility(o));
  if (res.status !== 201) throw new Error(`facility not created: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.id as string;
  const manager = principals.manager(id);
  const confirmed = await t
    .http()
    .post(`/api/v1/facilities/${id}/availability/confirm`)
    .set(bearer(t.token(manager)));
  if (confirmed.status !== 200 || confirmed.body.freshness !== 'fresh') throw new Error(`facility not confirmed: ${confirmed.status}`);
  return { id, manager };
}
