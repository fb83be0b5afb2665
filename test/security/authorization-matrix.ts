/**
 * The authorization matrix, as data: every endpoint the service serves × every kind of caller,
 * with the status the caller must get. `authorization-matrix.spec.ts` walks it against the real
 * service, and fails when a route exists without a row here (or a row without a route).
 *
 * The contract (shared/docs/domain.md, "Visibility"): an object outside the caller's scope answers
 * 404, never 403, so that existence does not leak. Two kinds of 403 remain, and neither leaks:
 *  - the role may never use the route (the guard answers before any lookup, so an existing id and
 *    a random one get the same 403; the walker checks it);
 *  - the object is visible to the caller but the role may not change it (a UOR sees the
 *    facilities of other regions, national sees every facility coarsely). Those cells say why with
 *    `visible(403, '…')`; docs/architecture.md, "Deviations", documents the choice.
 *
 * Every cell is walked three times (authorization-matrix.spec.ts): with a local token carrying the
 * role's claims, signed in to the pages (a session of a member with that role and scope), and with an
 * API key of such a member. Where a pass must differ, the row says so in `byPass`.
 *
 * Fixtures (test/support/security.ts): region 07 (Liguria) holds "the facility" with its manager,
 * another facility with another manager, a request with a pending proposal to the facility, an
 * admitted placement there. A UOR "own region" is 07, "other region" is 09. Routes that change
 * state get a fresh object per cell, so every cell sees the same state and only the caller varies.
 */
import type { Fixture, FixtureKind } from '../support/security.js';
import { aFacility, aRequest } from '../support/factories.js';

/** The columns: who calls. */
export const CALLERS = {
  anonymous: 'anonymous',
  expired: 'expired token',
  algNone: 'token with alg none',
  badSignature: 'token with a wrong signature',
  hs512: 'token signed HS512',
  rs256: 'RS256 token of an unknown key',
  admin: 'admin',
  uorOwn: 'uor(own region)',
  uorOther: 'uor(other region)',
  managerOwn: "shelter_manager(the object's facility)",
  managerOther: 'shelter_manager(another facility)',
  national: 'national',
} as const;
export type Caller = keyof typeof CALLERS;
/** Callers without a valid token: they never reach a service. */
export const TOKENLESS: readonly Caller[] = ['anonymous', 'expired', 'algNone', 'badSignature', 'hs512', 'rs256'];

/** A status, or a 403 on an object the caller can see (so the 403 reveals nothing it did not know). */
export type Expectation = number | { status: number; visible: string };
export const visible = (status: 403, why: string): Expectation => ({ status, visible: why });
export const statusOf = (e: Expectation) => (typeof e === 'number' ? e : e.status);

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRow {
  /** method and path exactly as Nest (or Fastify, for the docs) declares it */
  route: `${Method} /${string}`;
  /** what the path parameters point at (default: none) */
  fixture?: FixtureKind;
  /** a valid body, so that the caller is the only variable */
  body?: (fx: Fixture, ctx: { today: string }) => object;
  /** a valid CSV body instead (sent as text/csv) */
  csv?: () => string;
  /** a form body instead (sent as application/x-www-form-urlencoded) */
  form?: () => Record<string, string>;
  /** an endless answer (text/event-stream): the walker reads its status and headers, then hangs up */
  stream?: true;
  cells: Record<Caller, Expectation>;
  /** where one pass differs from `cells` (see Pass) */
  byPass?: Partial<Record<Pass, Partial<Record<Caller, Expectation>>>>;
}

/**
 * How the role's callers come: a local token with role claims (its subject is no member of the
 * registry), a page session, or an API key (both of a member with the same role and scope).
 */
export type Pass = 'localToken' | 'session' | 'apiKey';
export const expectationOf = (row: RouteRow, caller: Caller, pass: Pass): Expectation => row.byPass?.[pass]?.[caller] ?? row.cells[caller];

/** Every protected route answers 401 to a caller without a valid token, whoever the token claims to be. */
const NO_VALID_TOKEN = { anonymous: 401, expired: 401, algNone: 401, badSignature: 401, hs512: 401, rs256: 401 } as const;
/** Public routes answer everyone, whatever token comes along. */
const EVERYONE = { ...mapCallers(200) };
/** Every role may use the route and sees the object (or there is none). */
const EVERY_ROLE = { admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 200, managerOther: 200, national: 200 } as const;
/** Every role refused. */
const NO_ROLE = { admin: 403, uorOwn: 403, uorOther: 403, managerOwn: 403, managerOther: 403, national: 403 } as const;
/** Only the administrator. */
const ADMIN_ONLY = { admin: 200, uorOwn: 403, uorOther: 403, managerOwn: 403, managerOther: 403, national: 403 } as const;

function mapCallers<T>(v: T): Record<Caller, T> {
  return Object.fromEntries(Object.keys(CALLERS).map((k) => [k, v])) as Record<Caller, T>;
}

const profile = () => {
  const { caseCode: _c, urgency: _u, ...match } = aRequest();
  return match;
};

export const MATRIX: RouteRow[] = [
  // ---------------------------------------------------------------- public
  { route: 'GET /health', cells: EVERYONE },
  { route: 'GET /health/live', cells: EVERYONE },
  { route: 'GET /health/ready', cells: EVERYONE },
  // the scraper's token, not an API token: without METRICS_TOKEN (as here) the endpoint does not exist;
  // with it, test/e2e/operations.spec.ts checks 401 for any other credential
  { route: 'GET /metrics', cells: mapCallers(404) },
  { route: 'GET /api/docs-json', cells: EVERYONE },
  { route: 'GET /api/docs-yaml', cells: EVERYONE },
  // the pages' sign-in: browser navigations (redirects) whatever comes along; the session is read from
  // the cookie only, so a bearer token is no session (test/e2e/signin.spec.ts walks the flow itself)
  { route: 'GET /auth/login', cells: mapCallers(302) },
  { route: 'GET /auth/callback', cells: mapCallers(302) },
  { route: 'GET /auth/session', cells: mapCallers(401) },
  { route: 'POST /auth/logout', cells: mapCallers(200) },
  // RP-initiated logout's hop: only its own one-minute cookie counts; without it, the signed-out page
  { route: 'GET /auth/logout/provider', cells: mapCallers(303) },
  // the provider's back-channel logout: no caller's credential counts, only a valid logout token of the
  // provider (test/e2e/backchannel-logout.spec.ts signs real ones); this one is not, whoever sends it
  { route: 'POST /auth/backchannel-logout', form: () => ({ logout_token: 'not.a.logout-token' }), cells: mapCallers(400) },

  // ---------------------------------------------------------------- reference data
  { route: 'GET /api/v1/regions', cells: { ...NO_VALID_TOKEN, ...EVERY_ROLE } },
  {
    route: 'PUT /api/v1/regions/:code/contact',
    fixture: 'region',
    body: () => ({ uorEmail: 'uor.liguria@example.org' }),
    cells: { ...NO_VALID_TOKEN, ...ADMIN_ONLY },
  },

  // ---------------------------------------------------------------- facilities
  {
    route: 'POST /api/v1/facilities',
    body: () => aFacility({ provinceCode: 'GE' }), // a facility of region 07
    cells: { ...NO_VALID_TOKEN, admin: 201, uorOwn: 201, uorOther: 403, managerOwn: 403, managerOther: 403, national: 403 },
  },
  { route: 'GET /api/v1/facilities', cells: { ...NO_VALID_TOKEN, ...EVERY_ROLE } },
  {
    route: 'POST /api/v1/facilities/import',
    // a dry run (the default): a UOR of another region gets a report saying the row is not its region's
    csv: () =>
      `externalCode,name,organization,type,provinceCode,acceptsGenders,acceptsAdults,acceptsMinors,acceptsChildren,languages,exploitationExpertise,supports,secretAddress,address,contactEmail,adultTotal\nM-1,Casa Matrice,Coop,protected_flat,GE,female,true,false,true,it,sexual,,false,"Via Matrice 1, Genova",matrice@example.org,3\n`,
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'GET /api/v1/facilities/:id',
    fixture: 'facility',
    // other regions' UOR and national see it (limited, coarse); another facility's manager does not
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 200, managerOther: 404, national: 200 },
  },
  {
    route: 'PATCH /api/v1/facilities/:id',
    fixture: 'freshFacility',
    body: () => ({ name: 'Casa rinominata', languages: ['it', 'en', 'fr'] }),
    cells: {
      ...NO_VALID_TOKEN,
      admin: 200,
      uorOwn: 200,
      uorOther: visible(403, "a UOR sees other regions' facilities (limited) and may not edit them"),
      managerOwn: 403,
      managerOther: 403,
      national: 403,
    },
  },

  // ---------------------------------------------------------------- availability
  {
    route: 'GET /api/v1/facilities/:id/availability',
    fixture: 'facility',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 200, managerOther: 404, national: 200 },
  },
  {
    route: 'PUT /api/v1/facilities/:id/availability',
    fixture: 'freshFacility',
    body: (fx) => ({ version: fx.version, places: [{ kind: 'adult', total: 4, occupied: 1, outOfService: 0 }] }),
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 403, uorOther: 403, managerOwn: 200, managerOther: 404, national: 403 },
  },
  {
    route: 'POST /api/v1/facilities/:id/availability/confirm',
    fixture: 'freshFacility',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 403, uorOther: 403, managerOwn: 200, managerOther: 404, national: 403 },
  },
  {
    route: 'POST /api/v1/facilities/:id/availability/intake',
    fixture: 'freshFacility',
    body: () => ({ acceptingNewGuests: false, note: 'crisi in struttura' }),
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 403, uorOther: 403, managerOwn: 200, managerOther: 404, national: 403 },
  },
  {
    route: 'GET /api/v1/facilities/:id/availability/history',
    fixture: 'facility',
    cells: {
      ...NO_VALID_TOKEN,
      admin: 200,
      uorOwn: 200,
      uorOther: visible(403, "a UOR sees other regions' facilities (limited), not their history"),
      managerOwn: 200,
      managerOther: 404,
      national: visible(403, 'national sees every facility (coarse), not its history'),
    },
  },

  // ---------------------------------------------------------------- conflict tags (issue 28): tags only, from every region
  {
    route: 'GET /api/v1/conflict-tags',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 403, managerOther: 403, national: 403 },
  },

  // ---------------------------------------------------------------- capacity and search
  {
    route: 'GET /api/v1/capacity',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 403, managerOther: 403, national: 200 },
  },
  {
    route: 'POST /api/v1/placement-requests/batch-assignment',
    // a dry run plans every open request in the caller's scope; nothing is held
    body: () => ({ all: true }),
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 403, managerOther: 403, national: 200 },
  },
  {
    route: 'POST /api/v1/capacity/search',
    body: profile,
    // the contract's table: national, uor
    cells: { ...NO_VALID_TOKEN, admin: 403, uorOwn: 200, uorOther: 200, managerOwn: 403, managerOther: 403, national: 200 },
  },

  // ---------------------------------------------------------------- live events (issue 22): what a stream carries is scoped per event
  { route: 'GET /api/v1/events', stream: true, cells: { ...NO_VALID_TOKEN, ...EVERY_ROLE } },
  { route: 'GET /api/v1/push/key', cells: { ...NO_VALID_TOKEN, ...EVERY_ROLE } },
  {
    route: 'POST /api/v1/push-subscriptions',
    body: () => ({
      endpoint: `https://fcm.googleapis.com/fcm/send/matrix-${Math.random().toString(36).slice(2)}`,
      keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) },
    }),
    cells: { ...NO_VALID_TOKEN, admin: 201, uorOwn: 201, uorOther: 201, managerOwn: 201, managerOther: 201, national: 201 },
  },
  {
    route: 'DELETE /api/v1/push-subscriptions/:id',
    fixture: 'pushSubscription',
    // a phone's subscription is its owner's (the UOR of region 07 here): to anyone else it does not exist
    cells: { ...NO_VALID_TOKEN, admin: 404, uorOwn: 200, uorOther: 404, managerOwn: 404, managerOther: 404, national: 404 },
  },

  // ---------------------------------------------------------------- API keys (issue 34)
  {
    route: 'POST /api/v1/api-keys',
    body: () => ({ name: 'Sistema casi' }),
    // every member signed in to the pages makes her own keys; a token or a key makes none (403 session_required)
    cells: { ...NO_VALID_TOKEN, admin: 201, uorOwn: 201, uorOther: 201, managerOwn: 201, managerOther: 201, national: 201 },
    byPass: { localToken: NO_ROLE, apiKey: NO_ROLE },
  },
  // her own keys and those of the members she looks after
  { route: 'GET /api/v1/api-keys', cells: { ...NO_VALID_TOKEN, ...EVERY_ROLE } },
  {
    route: 'DELETE /api/v1/api-keys/:id',
    fixture: 'apiKey',
    // a key of a manager of the facility (region 07): her region's UOR and an administrator revoke it, to anyone else it does not exist
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 404, managerOther: 404, national: 404 },
  },

  // ---------------------------------------------------------------- audit and outbox
  { route: 'GET /api/v1/audit', cells: { ...NO_VALID_TOKEN, ...ADMIN_ONLY } },

  // ---------------------------------------------------------------- reports
  {
    route: 'GET /api/v1/reports/:name',
    fixture: 'report',
    // every role reads reports, each within its own scope (national and admin all regions, uor its region, managers their facilities)
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 200, managerOther: 200, national: 200 },
  },
  { route: 'GET /api/v1/admin/outbox', cells: { ...NO_VALID_TOKEN, ...ADMIN_ONLY } },
  { route: 'POST /api/v1/admin/outbox/:id/retry', fixture: 'failedOutboxMessage', cells: { ...NO_VALID_TOKEN, ...ADMIN_ONLY } },

  // ---------------------------------------------------------------- members
  {
    route: 'GET /api/v1/members',
    // a UOR lists the shelter managers of its own region's facilities (for another region's UOR: none)
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'POST /api/v1/members',
    body: (fx) => ({
      email: `nuova.${Math.random().toString(36).slice(2, 10)}@example.org`,
      role: 'shelter_manager',
      facilityIds: [fx.facilityId],
    }),
    cells: {
      ...NO_VALID_TOKEN,
      admin: 201,
      uorOwn: 201,
      // the facility is of region 07: another region's UOR may not give it a manager
      uorOther: 403,
      managerOwn: 403,
      managerOther: 403,
      national: 403,
    },
  },
  {
    route: 'GET /api/v1/members/:id',
    fixture: 'member',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'PATCH /api/v1/members/:id',
    fixture: 'freshMember',
    body: () => ({ name: 'Responsabile rinominata' }),
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'POST /api/v1/members/:id/disable',
    fixture: 'freshMember',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'POST /api/v1/members/:id/enable',
    fixture: 'freshMember',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 403, managerOther: 403, national: 403 },
  },

  // ---------------------------------------------------------------- placement requests
  {
    route: 'POST /api/v1/placement-requests',
    body: () => aRequest(),
    // a UOR opens requests in its own region, whichever it is
    cells: { ...NO_VALID_TOKEN, admin: 403, uorOwn: 201, uorOther: 201, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'GET /api/v1/placement-requests',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'GET /api/v1/placement-requests/:id',
    fixture: 'request',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'PATCH /api/v1/placement-requests/:id',
    fixture: 'openRequest',
    body: () => ({ urgency: 'planned', note: 'cambio vincoli' }),
    cells: { ...NO_VALID_TOKEN, admin: 403, uorOwn: 200, uorOther: 404, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'POST /api/v1/placement-requests/:id/cancel',
    fixture: 'proposedRequest',
    cells: { ...NO_VALID_TOKEN, admin: 403, uorOwn: 200, uorOther: 404, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'GET /api/v1/placement-requests/:id/candidates',
    fixture: 'request',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 403, managerOther: 403, national: 403 },
  },
  {
    route: 'POST /api/v1/placement-requests/:id/proposals',
    fixture: 'openRequest',
    body: (fx) => ({ facilityId: fx.facilityId }),
    cells: { ...NO_VALID_TOKEN, admin: 403, uorOwn: 201, uorOther: 404, managerOwn: 403, managerOther: 403, national: 403 },
  },

  // ---------------------------------------------------------------- proposals
  {
    route: 'GET /api/v1/proposals',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 200, managerOwn: 200, managerOther: 200, national: 403 },
  },
  {
    route: 'GET /api/v1/proposals/:id',
    fixture: 'proposal',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 200, managerOther: 404, national: 403 },
  },
  {
    route: 'POST /api/v1/proposals/:id/accept',
    fixture: 'pendingProposal',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 403, uorOther: 403, managerOwn: 200, managerOther: 404, national: 403 },
  },
  {
    route: 'POST /api/v1/proposals/:id/decline',
    fixture: 'pendingProposal',
    body: () => ({ reason: 'no_longer_free' }),
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 403, uorOther: 403, managerOwn: 200, managerOther: 404, national: 403 },
  },
  {
    route: 'POST /api/v1/proposals/:id/admit',
    fixture: 'acceptedProposal',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 403, uorOther: 403, managerOwn: 200, managerOther: 404, national: 403 },
  },
  {
    route: 'POST /api/v1/proposals/:id/withdraw',
    fixture: 'pendingProposal',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 403, managerOther: 403, national: 403 },
  },

  // ---------------------------------------------------------------- placements
  {
    route: 'GET /api/v1/placements/:id',
    fixture: 'placement',
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 200, managerOther: 404, national: 403 },
  },
  {
    route: 'POST /api/v1/placements/:id/discharge',
    fixture: 'admittedPlacement',
    body: (_fx, { today }) => ({ reason: 'completed', date: today }),
    cells: { ...NO_VALID_TOKEN, admin: 200, uorOwn: 200, uorOther: 404, managerOwn: 200, managerOther: 404, national: 403 },
  },
];

/** Routes that are not under the matrix's completeness check: the OpenAPI pages and the web pages' shell and
 * assets, service worker, manifest and icons (served by Fastify, not Nest; public and carrying no data:
 * test/browser checks them). */
export const UNCHECKED = /^GET \/(api\/docs|$|assets\/|sw\.js$|manifest\.webmanifest$|icons\/)/;
