import { aRequest, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** A request's age and nationality as people type them: an empty age is never a real one, a
 * nationality is an ISO 3166-1 alpha-2 code (pages pick it by name), nothing else is stored. */
describe('a request person: age and nationality (e2e)', () => {
  let t: TestApp;
  const uor = principals.uor('07');

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const create = (body: object) =>
    t
      .http()
      .post('/api/v1/placement-requests')
      .set(bearer(t.token(uor)))
      .send(body);
  const count = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM placement_request'))[0].n);

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['null', null],
    ['a numeric string', '24'],
    ['a fraction', 2.5],
    ['negative', -1],
  ])('an age that is %s is 400 validation_failed on person.age, nothing written', async (_what, age) => {
    const body = aRequest();
    const person: Record<string, unknown> = { ...body.person };
    if (age === undefined) delete person.age;
    else person.age = age;
    const before = await count();
    const res = await create({ ...body, person });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(['person.age']);
    expect(await count()).toBe(before);
  });

  it('0 sent on purpose is taken as the number typed', async () => {
    const res = await create(aRequest({ person: { age: 0 } as never }));
    expect(res.status).toBe(201);
    expect(res.body.person.age).toBe(0);
  });

  it.each([['ng'], ['NGA'], ['Nigeria'], ['XX'], ['']])(
    'nationality %p is refused (an ISO 3166-1 alpha-2 code only)',
    async (nationality) => {
      const res = await create(aRequest({ person: { nationality } as never }));
      expect(res.status).toBe(400);
      expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(['person.nationality']);
    },
  );

  it('NG is stored as NG', async () => {
    const res = await create(aRequest({ person: { nationality: 'NG' } as never }));
    expect(res.status).toBe(201);
    expect(res.body.person.nationality).toBe('NG');
  });
});
