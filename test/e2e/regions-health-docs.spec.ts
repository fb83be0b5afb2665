import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { Principal } from '../../src/auth/principal.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, TestApp } from '../support/test-app.js';

type Json = Record<string, any>;

const ROLES: [string, () => Principal][] = [
  ['admin', principals.admin],
  ['uor', () => principals.uor('07')],
  ['national', principals.national],
  ['shelter_manager', () => principals.manager()],
];

/** Every route the Nest controllers declare, as OpenAPI paths ("/api/v1/facilities/{id}") with their methods. */
function controllerRoutes(t: TestApp): Map<string, Set<string>> {
  const routes = new Map<string, Set<string>>();
  const join = (...parts: string[]) =>
    `/${parts
      .flatMap((p) => p.split('/'))
      .filter(Boolean)
      .join('/')}`.replace(/:(\w+)/g, '{$1}');
  for (const mod of t.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as { prototype: object } | null;
      // the pages' sign-in (/auth) is browser navigation, left out of the API's document on purpose
      if (!ctrl || Reflect.getMetadata('swagger/apiExcludeController', ctrl)) continue;
      const base = [Reflect.getMetadata('path', ctrl) ?? ''].flat()[0] as string;
      for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
        const handler = (ctrl.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        for (const path of [Reflect.getMetadata('path', handler) ?? ''].flat() as string[]) {
          const key = join(base, path);
          if (!routes.has(key)) routes.set(key, new Set());
          routes.get(key)!.add(RequestMethod[method].toLowerCase());
        }
      }
    }
  }
  return routes;
}

describe('regions, health, docs and audit (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('GET /api/v1/regions', () => {
    it.each(ROLES)('%s gets the 20 regions with their 107 provinces and centroids', async (_role, who) => {
      const res = await t
        .http()
        .get('/api/v1/regions')
        .set(bearer(t.token(who())));
      expect(res.status).toBe(200);
      const regions = res.body as Json[];
      expect(regions).toHaveLength(20);
      expect(regions.map((r) => r.code)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1).padStart(2, '0')));
      const provinces = regions.flatMap((r) => r.provinces as Json[]);
      expect(provinces).toHaveLength(107);
      expect(new Set(provinces.map((p) => p.code)).size).toBe(107);
      for (const p of provinces) {
        expect(p.code).toMatch(/^[A-Z]{2}$/);
        expect(typeof p.name).toBe('string');
        expect(p.centroid.lat).toBeGreaterThan(35);
        expect(p.centroid.lat).toBeLessThan(48);
        expect(p.centroid.lon).toBeGreaterThan(6);
        expect(p.centroid.lon).toBeLessThan(19);
      }
      for (const r of regions) expect(r.provinces.length).toBeGreaterThan(0);
    });

    it('Liguria (07) has GE, SP, SV and IM; Toscana (09) has LU; Lombardia (03) has BS', async () => {
      const res = await t
        .http()
        .get('/api/v1/regions')
        .set(bearer(t.token(principals.national())));
      const byCode = new Map((res.body as Json[]).map((r) => [r.code, r]));
      const liguria = byCode.get('07')!;
      expect(liguria.name).toBe('Liguria');
      expect(liguria.provinces.map((p: Json) => p.code).sort()).toEqual(['GE', 'IM', 'SP', 'SV']);
      const genova = liguria.provinces.find((p: Json) => p.code === 'GE');
      expect(genova.centroid.lat).toBeCloseTo(44.41, 1);
      expect(genova.centroid.lon).toBeCloseTo(8.93, 1);
      expect(byCode.get('09')!.provinces.map((p: Json) => p.code)).toContain('LU');
      expect(byCode.get('03')!.provinces.map((p: Json) => p.code)).toContain('BS');
    });

    it('401 without a token', async () => {
      const res = await t.http().get('/api/v1/regions');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
    });
  });

  describe('GET /health', () => {
    it('answers 200 without a token, with the database up', async () => {
      const res = await t.http().get('/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.database.status).toBe('up');
      expect(typeof res.body.database.latencyMs).toBe('number');
    });
  });

  describe('GET /api/docs-json', () => {
    let doc: Json;
    beforeAll(async () => {
      const res = await t.http().get('/api/docs-json');
      expect(res.status).toBe(200);
      doc = res.body;
    });

    it('is served without a token and is an OpenAPI document with bearer auth', () => {
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.info.title).toBe('Approdo API');
      expect(Object.values(doc.components.securitySchemes as Json)).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'http', scheme: 'bearer' })]),
      );
    });

    it('lists the foundation routes with their methods', () => {
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/v1/facilities', '/api/v1/facilities/{id}', '/api/v1/regions', '/health', '/api/v1/audit']),
      );
      expect(Object.keys(doc.paths['/api/v1/facilities'])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(doc.paths['/api/v1/facilities/{id}'])).toEqual(expect.arrayContaining(['get', 'patch']));
      expect(Object.keys(doc.paths['/api/v1/regions'])).toContain('get');
      expect(Object.keys(doc.paths['/health'])).toContain('get');
      expect(Object.keys(doc.paths['/api/v1/audit'])).toContain('get');
    });

    it('lists every route the controllers declare, and nothing else', () => {
      const routes = controllerRoutes(t);
      expect(routes.size).toBeGreaterThanOrEqual(5);
      for (const [path, methods] of routes) {
        expect({ path, documented: path in doc.paths }).toEqual({ path, documented: true });
        expect(Object.keys(doc.paths[path]).sort()).toEqual([...methods].sort());
      }
      expect(Object.keys(doc.paths).sort()).toEqual([...routes.keys()].sort());
    });
  });

  describe('GET /api/v1/audit', () => {
    it('admin reads the audit log, newest first', async () => {
      const created = await t
        .http()
        .post('/api/v1/facilities')
        .set(bearer(t.token(principals.admin())))
        .send(aFacility({ address: 'Via Da Non Loggare 3' }));
      expect(created.status).toBe(201);
      const res = await t
        .http()
        .get('/api/v1/audit')
        .set(bearer(t.token(principals.admin())));
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body.items)).toBe(true);
      expect(res.body.items[0]).toMatchObject({
        action: 'facility.create',
        objectType: 'facility',
        objectId: created.body.id,
        actor: { sub: 'admin-1', role: 'admin' },
        outcome: 'ok',
      });
      expect(new Date(res.body.items[0].at).toString()).not.toBe('Invalid Date');
      expect(JSON.stringify(res.body)).not.toContain('Via Da Non Loggare');
      const ids = res.body.items.map((i: Json) => Number(i.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
    });

    it('admin filters by action and object', async () => {
      const res = await t
        .http()
        .get('/api/v1/audit')
        .query({ action: 'facility.create', objectType: 'facility', limit: 5 })
        .set(bearer(t.token(principals.admin())));
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      expect(res.body.items.every((i: Json) => i.action === 'facility.create')).toBe(true);
      const none = await t
        .http()
        .get('/api/v1/audit')
        .query({ action: 'nothing.here' })
        .set(bearer(t.token(principals.admin())));
      expect(none.body).toEqual({ items: [], nextBeforeId: null });
    });

    it.each(ROLES.filter(([role]) => role !== 'admin'))('%s gets 403 forbidden', async (_role, who) => {
      const res = await t
        .http()
        .get('/api/v1/audit')
        .set(bearer(t.token(who())));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      expect(res.body).not.toHaveProperty('items');
    });

    it('401 without a token', async () => {
      const res = await t.http().get('/api/v1/audit');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
    });
  });
});
