/**
 * A placement lifecycle as a deployer's program would drive it: openapi-fetch typed by the types
 * openapi-typescript generates from the OpenAPI document (`npm run client:generate`). Self-contained
 * (no project imports): test/e2e/typed-client.spec.ts type-checks this file against the generated
 * types (in place of the stand-in ./approdo-api.d.ts), then runs it against the real service and
 * compiles every JSON answer it recorded against the generated type of its operation and status.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './approdo-api.js';

type Schemas = components['schemas'];

/** One JSON answer as the service sent it, keyed by the documented operation. */
export interface RecordedAnswer {
  path: string;
  method: string;
  status: number;
  body: unknown;
}

export interface Callers {
  admin: string;
  national: string;
  /** UOR of region 07 (Liguria) */
  uor: string;
  manager: (facilityIds: string[]) => string;
}

/** Throws unless the answer has the expected status; returns its parsed body. */
async function expectStatus<T extends { response: Response; data?: unknown; error?: unknown }>(
  call: Promise<T>,
  status: number,
): Promise<NonNullable<T['data']>> {
  const { response, data, error } = await call;
  if (response.status !== status)
    throw new Error(`${response.url}: expected ${status}, got ${response.status} ${JSON.stringify(error ?? data)}`);
  return data as NonNullable<T['data']>;
}

export async function driveLifecycle(baseUrl: string, callers: Callers): Promise<RecordedAnswer[]> {
  const recorded: RecordedAnswer[] = [];
  const recorder: Middleware = {
    async onResponse({ request, response, schemaPath }) {
      if (!(response.headers.get('content-type') ?? '').includes('application/json')) return;
      const text = await response.clone().text();
      if (text) recorded.push({ path: schemaPath, method: request.method.toLowerCase(), status: response.status, body: JSON.parse(text) });
    },
  };
  const as = (token?: string) => {
    const client = createClient<paths>({ baseUrl, headers: token ? { Authorization: `Bearer ${token}` } : {} });
    client.use(recorder);
    return client;
  };
  const anonymous = as();
  const admin = as(callers.admin);
  const national = as(callers.national);
  const uor = as(callers.uor);

  await expectStatus(anonymous.GET('/health/ready'), 200);
  await expectStatus(anonymous.GET('/health/live'), 200);
  await expectStatus(uor.GET('/api/v1/regions'), 200);
  await expectStatus(
    admin.PUT('/api/v1/regions/{code}/contact', { params: { path: { code: '07' } }, body: { uorEmail: 'uor07@example.org' } }),
    200,
  );

  // facilities
  const facility = (
    o: Pick<Schemas['CreateFacilityDto'], 'name' | 'provinceCode'> & Partial<Schemas['CreateFacilityDto']>,
  ): Schemas['CreateFacilityDto'] => ({
    organization: 'Cooperativa Client',
    type: 'casa_di_fuga',
    accepts: { genders: ['female', 'transgender'], adults: true, minors: false, children: true },
    languages: ['it', 'en'],
    exploitationExpertise: ['sexual'],
    supports: [],
    secretAddress: false,
    address: `Via ${o.name}, ${o.provinceCode}`,
    contactEmail: 'casa.client@example.org',
    places: [{ kind: 'adult', total: 4 }],
    ...o,
  });
  const secret = await expectStatus(
    admin.POST('/api/v1/facilities', {
      body: facility({
        name: 'Casa Client Riservata',
        provinceCode: 'GE',
        secretAddress: true,
        onCallPhone: '+393331234567',
        location: { lat: 44.41, lon: 8.93 },
        places: [
          { kind: 'adult', total: 3 },
          { kind: 'mother_child', total: 2, childCapacity: 2 },
        ],
      }),
    }),
    201,
  );
  const plain = await expectStatus(admin.POST('/api/v1/facilities', { body: facility({ name: 'Casa Client', provinceCode: 'SP' }) }), 201);
  await expectStatus(uor.GET('/api/v1/facilities'), 200);
  await expectStatus(national.GET('/api/v1/facilities', { params: { query: { regionCode: '07', kind: 'adult' } } }), 200);
  await expectStatus(national.GET('/api/v1/facilities/{id}', { params: { path: { id: secret.id } } }), 200);
  await expectStatus(
    admin.PATCH('/api/v1/facilities/{id}', { params: { path: { id: plain.id } }, body: { name: 'Casa Client rinominata' } }),
    200,
  );

  // availability, as the shelter manager keeps it
  const manager = as(callers.manager([secret.id, plain.id]));
  const availability = await expectStatus(
    manager.GET('/api/v1/facilities/{id}/availability', { params: { path: { id: secret.id } } }),
    200,
  );
  await expectStatus(
    manager.PUT('/api/v1/facilities/{id}/availability', {
      params: { path: { id: secret.id } },
      body: { version: availability.version, places: [{ kind: 'adult', total: 3, occupied: 1, outOfService: 0 }] },
    }),
    200,
  );
  await expectStatus(manager.POST('/api/v1/facilities/{id}/availability/confirm', { params: { path: { id: plain.id } } }), 200);
  await expectStatus(
    manager.POST('/api/v1/facilities/{id}/availability/intake', {
      params: { path: { id: plain.id } },
      body: { acceptingNewGuests: true, note: 'di nuovo aperti' },
    }),
    200,
  );
  await expectStatus(manager.GET('/api/v1/facilities/{id}/availability/history', { params: { path: { id: secret.id } } }), 200);

  // capacity and search
  const profile: Omit<Schemas['CapacitySearchDto'], 'limit'> = {
    person: { gender: 'female', age: 24, children: [], pregnant: false, languages: ['en'], exploitation: ['sexual'], needs: [] },
    protectionLevel: 'high',
    stage: 'first_reception',
    origin: { provinceCode: 'GE' },
    safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [] },
    preferences: { crossRegion: true },
  };
  await expectStatus(national.GET('/api/v1/capacity', { params: { query: { regionCode: '07' } } }), 200);
  await expectStatus(national.POST('/api/v1/capacity/search', { body: { ...profile, limit: 10 } }), 200);

  // a placement request, its proposals, the admission and the discharge
  const asked: Schemas['CreatePlacementRequestDto'] = { ...profile, caseCode: 'CLI-2026-0001', urgency: 'immediate', note: 'nota' };
  const idempotent = { params: { header: { 'Idempotency-Key': 'typed-client-0001' } }, body: asked };
  const request = await expectStatus(uor.POST('/api/v1/placement-requests', idempotent), 201);
  const replay = await expectStatus(uor.POST('/api/v1/placement-requests', idempotent), 201);
  if (replay.id !== request.id || replay.replayed !== true) throw new Error('the Idempotency-Key retry did not return the first answer');
  const other = await expectStatus(uor.POST('/api/v1/placement-requests', { body: { ...asked, caseCode: 'CLI-2026-0002' } }), 201);
  await expectStatus(uor.GET('/api/v1/placement-requests'), 200);
  await expectStatus(
    uor.PATCH('/api/v1/placement-requests/{id}', { params: { path: { id: request.id } }, body: { urgency: 'within_24h', note: null } }),
    200,
  );
  await expectStatus(uor.GET('/api/v1/placement-requests/{id}/candidates', { params: { path: { id: request.id } } }), 200);
  const proposal = await expectStatus(
    uor.POST('/api/v1/placement-requests/{id}/proposals', { params: { path: { id: request.id } }, body: { facilityId: secret.id } }),
    201,
  );
  const declined = await expectStatus(
    uor.POST('/api/v1/placement-requests/{id}/proposals', { params: { path: { id: other.id } }, body: { facilityId: plain.id } }),
    201,
  );
  await expectStatus(uor.GET('/api/v1/placement-requests/{id}', { params: { path: { id: request.id } } }), 200);
  await expectStatus(manager.GET('/api/v1/proposals'), 200);
  await expectStatus(manager.GET('/api/v1/proposals/{id}', { params: { path: { id: proposal.id } } }), 200);
  await expectStatus(
    manager.POST('/api/v1/proposals/{id}/decline', {
      params: { path: { id: declined.id } },
      body: { reason: 'no_longer_free', note: 'piena stanotte' },
    }),
    200,
  );
  await expectStatus(uor.POST('/api/v1/placement-requests/{id}/cancel', { params: { path: { id: other.id } } }), 200);
  await expectStatus(manager.POST('/api/v1/proposals/{id}/accept', { params: { path: { id: proposal.id } } }), 200);
  const admitted = await expectStatus(manager.POST('/api/v1/proposals/{id}/admit', { params: { path: { id: proposal.id } } }), 200);
  if (!admitted.placementId) throw new Error('admitted without a placement');
  await expectStatus(manager.GET('/api/v1/placements/{id}', { params: { path: { id: admitted.placementId } } }), 200);
  await expectStatus(
    manager.POST('/api/v1/placements/{id}/discharge', {
      params: { path: { id: admitted.placementId } },
      body: { reason: 'completed', date: new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date()) },
    }),
    200,
  );

  // reports and administration
  await expectStatus(national.GET('/api/v1/reports/{name}', { params: { path: { name: 'people' } } }), 200);
  await expectStatus(uor.GET('/api/v1/reports/{name}', { params: { path: { name: 'occupancy' }, query: { regionCode: '07' } } }), 200);
  await expectStatus(admin.GET('/api/v1/audit'), 200);
  await expectStatus(admin.GET('/api/v1/admin/outbox'), 200);

  // errors, in the documented shared shape
  await expectStatus(anonymous.GET('/api/v1/facilities'), 401);
  await expectStatus(uor.GET('/api/v1/audit'), 403);
  await expectStatus(admin.GET('/api/v1/facilities/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } }), 404);
  await expectStatus(manager.POST('/api/v1/proposals/{id}/accept', { params: { path: { id: proposal.id } } }), 409);
  await expectStatus(admin.POST('/api/v1/facilities', { body: facility({ name: '', provinceCode: 'GE' }) }), 400);
  await expectStatus(admin.POST('/api/v1/facilities', { body: facility({ name: 'Casa Altrove', provinceCode: 'XX' }) }), 422);
  return recorded;
}
