import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { routeKey, routesNamedIn } from '../support/docs.js';
import { operationsOf, type Json } from '../support/openapi.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * docs/api.md names every route the service serves (issue 31): every operation of the OpenAPI document,
 * and the routes the document leaves out (sign-in under /auth, /metrics), read from the controllers.
 */
describe('docs/api.md and the routes (e2e)', () => {
  let t: TestApp;
  let doc: Json;
  const API_DOC = readFileSync(join(process.cwd(), 'docs/api.md'), 'utf8');
  const named = routesNamedIn(API_DOC);
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get('/api/docs-json')).body;
  });
  afterAll(() => t.close());

  /** "METHOD /path" of every handler of every controller, as Nest maps it (no global prefix here). */
  function controllerRoutes(): string[] {
    const routes: string[] = [];
    for (const module of t.app.get(ModulesContainer).values())
      for (const { metatype } of module.controllers.values()) {
        if (!metatype) continue;
        const prefixes = [Reflect.getMetadata(PATH_METADATA, metatype) ?? ''].flat() as string[];
        const proto = (metatype as { prototype: object }).prototype;
        for (const name of Object.getOwnPropertyNames(proto)) {
          const handler = (proto as Record<string, unknown>)[name];
          if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          for (const prefix of prefixes)
            for (const path of [Reflect.getMetadata(PATH_METADATA, handler) ?? ''].flat() as string[])
              routes.push(routeKey(method, `/${[prefix, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/')));
        }
      }
    return [...new Set(routes)];
  }

  it('names every operation of the OpenAPI document', () => {
    const operations = operationsOf(doc).map((o) => routeKey(o.method, o.path));
    expect(operations.length).toBeGreaterThan(30);
    const missing = operations.filter((r) => !named.has(r)).map((r) => `${r} is in the OpenAPI document but not named in docs/api.md`);
    expect(missing).toEqual([]);
  });

  it('names every route of the controllers, those the OpenAPI document leaves out included', () => {
    const routes = controllerRoutes();
    // the scan must see the routes we know, or it checks nothing
    expect(routes).toEqual(expect.arrayContaining(['GET /auth/login', 'GET /metrics', 'GET /api/v1/facilities/:']));
    const missing = routes.filter((r) => !named.has(r)).map((r) => `${r} is served but not named in docs/api.md`);
    expect(missing).toEqual([]);
  });

  it('its tables name no route the service does not serve (prose may say a route is gone)', () => {
    const served = new Set([...controllerRoutes(), ...operationsOf(doc).map((o) => routeKey(o.method, o.path))]);
    const tables = API_DOC.split('\n')
      .filter((line) => line.startsWith('|'))
      .join('\n');
    const unknown = [...routesNamedIn(tables)]
      .filter((r) => !served.has(r))
      .map((r) => `a table of docs/api.md names ${r}, which the service does not serve`);
    expect(unknown).toEqual([]);
  });
});
