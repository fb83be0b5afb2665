import type { Response } from 'supertest';
import { ApiKeysService } from '../../src/api-keys/api-keys.service.js';
import type { Principal } from '../../src/auth/principal.js';
import { DirectoryService } from '../../src/members/directory.service.js';
import {
  controlToken,
  fastifyRoutes,
  FIXTURE_KINDS,
  forgedTokens,
  type ForgedToken,
  nestRoutes,
  SecurityWorld,
  type Fixture,
} from '../support/security.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import {
  CALLERS,
  type Caller,
  type Expectation,
  expectationOf,
  MATRIX,
  type Pass,
  type RouteRow,
  statusOf,
  TOKENLESS,
  UNCHECKED,
} from './authorization-matrix.js';

type Json = Record<string, any>;

interface Cell {
  name: string;
  row: RouteRow;
  caller: Caller;
  expected: Expectation;
}

const cellsOf = (pass: Pass): Cell[] =>
  MATRIX.flatMap((row) =>
    (Object.keys(CALLERS) as Caller[]).map((caller) => {
      const expected = expectationOf(row, caller, pass);
      return { row, caller, expected, name: `${row.route} as ${CALLERS[caller]} → ${statusOf(expected)}` };
    }),
  );
const CELLS = cellsOf('localToken');

const FORGED = new Set<Caller>(['expired', 'algNone', 'badSignature', 'hs512', 'rs256']);

describe('authorization matrix', () => {
  let t: TestApp;
  let world: SecurityWorld;
  let forged: Record<ForgedToken, string>;

  beforeAll(async () => {
    t = await startTestApp();
    world = new SecurityWorld(t);
    await world.setup();
    forged = forgedTokens(t.config);
  });
  afterAll(() => t.close());

  function principalFor(caller: Caller, fx: Fixture): Principal {
    return {
      admin: world.admin,
      uorOwn: world.uorOwn,
      uorOther: world.uorOther,
      managerOwn: world.managerOf(fx.facilityId),
      managerOther: world.otherManager(),
      national: world.national,
    }[caller as Exclude<Caller, ForgedToken | 'anonymous'>];
  }

  function headersFor(caller: Caller, fx: Fixture): Record<string, string> {
    if (caller === 'anonymous') return {};
    if (FORGED.has(caller)) return bearer(forged[caller as ForgedToken]);
    return bearer(t.token(principalFor(caller, fx)));
  }

  function send(
    row: RouteRow,
    params: Record<string, string>,
    headers: Record<string, string>,
    body: object | undefined,
  ): Promise<Response> {
    const [method, pattern] = row.route.split(' ');
    const path = pattern.replace(/:(\w+)/g, (_, name: string) => {
      if (!(name in params)) throw new Error(`${row.route}: the fixture has no ${name}`);
      return encodeURIComponent(params[name]);
    });
    const req = t.http()[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path).set(headers);
    if (row.csv) return req.set('Content-Type', 'text/csv').send(row.csv());
    if (row.form) return req.type('form').send(row.form());
    if (row.stream)
      return req.buffer(true).parse((res, done) => {
        // an event stream never ends: its status is the answer
        if (/event-stream/.test(String(res.headers['content-type']))) {
          done(null, {});
          return void (res as unknown as { destroy: () => void }).destroy();
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => done(null, text ? JSON.parse(text) : {}));
      });
    return body === undefined ? req : req.send(body);
  }

  const errorOf = (res: Response) => ({ status: res.status, code: (res.body as Json)?.code, message: (res.body as Json)?.message });

  describe('the data', () => {
    it('has one row per route, a cell for every caller, and ids resolved for every route with parameters', () => {
      const routes = MATRIX.map((r) => r.route);
      expect(routes.filter((r, i) => routes.indexOf(r) !== i)).toEqual([]);
      for (const row of MATRIX) {
        expect({ route: row.route, callers: Object.keys(row.cells).sort() }).toEqual({
          route: row.route,
          callers: Object.keys(CALLERS).sort(),
        });
        for (const [caller, e] of Object.entries(row.cells)) {
          expect({ route: row.route, caller, status: statusOf(e) }).toEqual({ route: row.route, caller, status: expect.any(Number) });
          // a "visible" 403 is about an object the caller can see: only on routes with one, only for roles
          if (typeof e === 'object')
            expect({ route: row.route, caller, ok: e.status === 403 && !!row.fixture && !TOKENLESS.includes(caller as Caller) }).toEqual({
              route: row.route,
              caller,
              ok: true,
            });
        }
        const params = row.route.match(/:\w+/g) ?? [];
        expect({ route: row.route, fixture: params.length ? (row.fixture ?? 'missing') : (row.fixture ?? 'none') }).toEqual({
          route: row.route,
          fixture: params.length ? expect.not.stringMatching(/^(missing|none)$/) : 'none',
        });
        if (row.fixture) expect(Object.keys(FIXTURE_KINDS)).toContain(row.fixture);
      }
    });

    it('covers every route the service registers, and nothing else (adding an endpoint without a row fails here)', () => {
      const nest = nestRoutes(t.app);
      const served = fastifyRoutes(t.app);
      expect(nest.length).toBeGreaterThanOrEqual(30);
      // every controller route is served (the two sources agree)
      expect(nest.filter((r) => !served.includes(r))).toEqual([]);
      const rows = new Set(MATRIX.map((r) => r.route as string));
      const missingRows = [...new Set([...nest, ...served])].filter((r) => !UNCHECKED.test(r) && !rows.has(r));
      const rowsWithoutRoute = [...rows].filter((r) => !nest.includes(r) && !served.includes(r));
      expect({ missingRows, rowsWithoutRoute }).toEqual({ missingRows: [], rowsWithoutRoute: [] });
    });
  });

  describe('the callers', () => {
    it('each forged token is one fault away from a token the service accepts', async () => {
      const res = await t
        .http()
        .get('/api/v1/audit')
        .set(bearer(controlToken(t.config)));
      expect(res.status).toBe(200);
    });

    it('the HEAD twin Fastify adds to every GET is guarded like the GET', async () => {
      for (const row of MATRIX.filter((r) => r.route.startsWith('GET '))) {
        const fx = await world.fixture(row.fixture ?? 'none');
        for (const caller of ['anonymous', 'algNone'] as Caller[]) {
          const path = row.route.slice(4).replace(/:(\w+)/g, (_, name: string) => fx.params[name]);
          const res = await t.http().head(path).set(headersFor(caller, fx));
          expect({ route: `HEAD ${path}`, caller, status: res.status }).toEqual({
            route: `HEAD ${path}`,
            caller,
            status: statusOf(row.cells[caller]),
          });
        }
      }
    });
  });

  /** The same principal as a member of the registry (same role and scope, active), one per scope. */
  const members = new Map<string, Promise<Principal>>();
  function memberFor(caller: Caller, fx: Fixture): Promise<Principal> {
    const p = principalFor(caller, fx);
    const key = `${p.role}|${p.region ?? ''}|${p.facilities.join(',')}`;
    if (!members.has(key)) members.set(key, world.activeMember(p));
    return members.get(key)!;
  }

  /** Signed in to the pages: a session cookie (changes carry the Origin and the CSRF token, as the pages send them). */
  const sessions = new Map<string, Promise<Record<string, string>>>();
  async function cookieFor(caller: Caller, fx: Fixture): Promise<Record<string, string>> {
    const m = await memberFor(caller, fx);
    if (!sessions.has(m.sub))
      sessions.set(
        m.sub,
        (async () => {
          const { cookie } = await t.app.get(DirectoryService).openSession(m.sub, null);
          const [{ csrf_token }] = await t.sql<{ csrf_token: string }>(`SELECT csrf_token FROM web_session WHERE member_id = $1`, [m.sub]);
          return { cookie: `approdo_session=${cookie}`, origin: t.config.publicBaseUrl, 'x-csrf-token': csrf_token };
        })(),
      );
    return sessions.get(m.sub)!;
  }

  /** With an API key of that member: `X-Api-Key` on reads, `Authorization: Bearer` on changes (both are accepted). */
  const keys = new Map<string, Promise<string>>();
  async function apiKeyFor(caller: Caller, fx: Fixture, method: string): Promise<Record<string, string>> {
    const m = await memberFor(caller, fx);
    if (!keys.has(m.sub))
      keys.set(
        m.sub,
        t.app
          .get(ApiKeysService)
          .create({ ...m, via: 'session' }, { name: 'Matrice' })
          .then((k) => k.key),
      );
    const key = await keys.get(m.sub)!;
    return method === 'GET' ? { 'X-Api-Key': key } : bearer(key);
  }

  // the sign-in's own routes are about the cookie itself (signin.spec.ts): a session reads /auth/session, and signing out ends it;
  // a push subscription belongs to the sub that made it (the fixture's token): a member's own is walked in test/browser/push.spec.ts
  const memberCells = (pass: Pass) =>
    cellsOf(pass).filter(
      (c) => !TOKENLESS.includes(c.caller) && !c.row.route.includes(' /auth/') && c.row.route !== 'DELETE /api/v1/push-subscriptions/:id',
    );

  describe('every cell', () => {
    test.each(CELLS.map((c) => [c.name, c] as const))('%s', async (_name, cell) => {
      const fx = await world.fixture(cell.row.fixture ?? 'none');
      await checkCell(cell, fx, headersFor(cell.caller, fx));
    });
  });

  describe('every cell, the caller signed in to the pages (session cookie, principal from the members registry)', () => {
    test.each(memberCells('session').map((c) => [c.name, c] as const))('%s', async (_name, cell) => {
      const fx = await world.fixture(cell.row.fixture ?? 'none');
      await checkCell(cell, fx, await cookieFor(cell.caller, fx));
    });
  });

  describe('every cell, the caller a machine client with an API key of a member of that role and scope', () => {
    test.each(memberCells('apiKey').map((c) => [c.name, c] as const))('%s', async (_name, cell) => {
      const fx = await world.fixture(cell.row.fixture ?? 'none');
      await checkCell(cell, fx, await apiKeyFor(cell.caller, fx, cell.row.route.split(' ')[0]));
    });
  });

  async function checkCell({ row, caller, expected }: Cell, fx: Fixture, headers: Record<string, string>): Promise<void> {
    {
      const body = row.body?.(fx, { today: world.today() });
      const res = await send(row, fx.params, headers, body);
      const status = statusOf(expected);
      const got = {
        route: row.route,
        caller,
        status: res.status,
        ...(res.status >= 400 ? { code: res.body?.code, message: res.body?.message } : {}),
      };
      expect(got).toEqual({ ...got, status });

      if (status === 401 || status === 403 || status === 404) {
        expect(res.body).toMatchObject({ statusCode: status, code: expect.any(String), message: expect.any(String) });
        expect(res.body).not.toHaveProperty('stack');
        expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
      }

      // existence must not leak: an object out of scope answers exactly like one that does not exist
      const objectRoute = Object.keys(fx.params).length > 0;
      const refused = status === 403 || status === 404;
      if (objectRoute && refused && !TOKENLESS.includes(caller) && typeof expected === 'number') {
        const ghost = await send(row, world.missing(fx), headers, body);
        expect({ route: row.route, caller, ...errorOf(ghost) }).toEqual({ route: row.route, caller, ...errorOf(res) });
      }
    }
  }
});
