import { operationsOf, schemaOf, type Json } from '../support/openapi.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Issue 15: an OpenAPI document a client generator can trust. */
describe('OpenAPI document (e2e)', () => {
  let t: TestApp;
  let doc: Json;
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get('/api/docs-json')).body;
  });
  afterAll(() => t.close());

  it('every operation documents a 2xx answer with a schema, and at least one 4xx answer', () => {
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(30);
    const problems = ops.flatMap(({ key, op }) => {
      const statuses = Object.keys(op.responses ?? {});
      const ok = statuses.filter((s) => /^2\d\d$/.test(s));
      const out: string[] = [];
      if (!ok.length) out.push(`${key}: no 2xx answer`);
      for (const s of ok) if (!schemaOf(op.responses[s])) out.push(`${key}: ${s} has no schema`);
      if (!statuses.some((s) => /^4\d\d$/.test(s))) out.push(`${key}: no 4xx answer`);
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('every error answer uses the one shared error schema and lists its codes', () => {
    expect(doc.components.schemas.ErrorDto.required).toEqual(expect.arrayContaining(['statusCode', 'code', 'message']));
    // the health probes answer 503 in their own shape (what is down), by design
    const probes = (status: string, key: string) => status === '503' && key.startsWith('GET /health');
    for (const { key, op } of operationsOf(doc))
      for (const [status, response] of Object.entries(op.responses as Json))
        if (/^[45]\d\d$/.test(status) && !probes(status, key)) {
          expect({ key, status, ref: schemaOf(response as Json)?.$ref }).toEqual({ key, status, ref: '#/components/schemas/ErrorDto' });
          expect((response as Json).description).toMatch(/Codes: `[a-z_]+`/);
        }
  });

  it('protected operations document 401 and 403; operations on an id document 404; bodies document 415', () => {
    for (const { key, op } of operationsOf(doc)) {
      const statuses = Object.keys(op.responses);
      if ((op.security ?? []).length) expect({ key, statuses }).toEqual({ key, statuses: expect.arrayContaining(['401', '403']) });
      if ((op.parameters ?? []).some((p: Json) => p.in === 'path'))
        expect({ key, statuses }).toEqual({ key, statuses: expect.arrayContaining(['404']) });
      if (op.requestBody) expect({ key, statuses }).toEqual({ key, statuses: expect.arrayContaining(['415']) });
    }
  });

  it('Idempotency-Key appears once, optional, on the operations that honour it', () => {
    const withKey = operationsOf(doc).filter(({ op }) =>
      (op.parameters ?? []).some((p: Json) => p.name.toLowerCase() === 'idempotency-key'),
    );
    expect(withKey.map((o) => o.key).sort()).toEqual([
      // the bed board's offline saves (issue 22)
      'POST /api/v1/facilities/{id}/availability/confirm',
      'POST /api/v1/placement-requests',
      'POST /api/v1/placement-requests/{id}/proposals',
      'PUT /api/v1/facilities/{id}/availability',
    ]);
    for (const { op } of withKey) {
      const params = (op.parameters as Json[]).filter((p) => p.name.toLowerCase() === 'idempotency-key');
      expect(params).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]);
    }
  });
});
