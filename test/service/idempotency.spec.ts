import { randomUUID } from 'node:crypto';
import { Transactions } from '../../src/database/transactions.repository.js';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service.js';
import { principals } from '../support/factories.js';
import { startServices, type ServiceContext } from '../support/service-context.js';

/** The e2e tests see idempotency through request creation and proposals; here its own rules, on the real database. */
describe('IdempotencyService (service tier)', () => {
  let s: ServiceContext;
  const uor = principals.uor('07');
  let n = 0;
  const key = () => `key-${++n}-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    s = await startServices();
  });
  afterAll(() => s.close());

  // resource ids are UUIDs; name them for readable expectations
  const ids = new Map<string, string>();
  const id = (name: string) => (ids.has(name) ? ids.get(name)! : (ids.set(name, randomUUID()), ids.get(name)!));
  const once = (k: string | undefined, body: unknown, create: () => Promise<string>, who = uor, scope = 'things') =>
    s.get(Transactions).run((t) => s.get(IdempotencyService).once(t, who, scope, k, body, create));

  it('runs the creation once per key and replays its id, whatever the order of the body fields', async () => {
    const k = key();
    let created = 0;
    const make = async () => id(`made-${++created}`);
    expect(await once(k, { a: 1, b: [1, 2] }, make)).toEqual({ id: id('made-1'), replayed: false });
    expect(await once(k, { b: [1, 2], a: 1 }, make)).toEqual({ id: id('made-1'), replayed: true });
    expect(created).toBe(1);
  });

  it('refuses the same key with another body, and an ill-formed key', async () => {
    const k = key();
    await once(k, { a: 1 }, async () => id('first'));
    await expect(once(k, { a: 2 }, async () => id('second'))).rejects.toMatchObject({
      kind: 'rule_broken',
      code: 'idempotency_key_reused',
    });
    await expect(once('short', { a: 1 }, async () => id('x'))).rejects.toMatchObject({
      kind: 'invalid_input',
      code: 'invalid_idempotency_key',
    });
  });

  it('keeps keys apart per caller and per scope', async () => {
    const k = key();
    expect((await once(k, {}, async () => id('mine'))).id).toBe(id('mine'));
    expect((await once(k, {}, async () => id('theirs'), principals.uor('09'))).id).toBe(id('theirs'));
    expect((await once(k, {}, async () => id('elsewhere'), uor, 'other-scope')).id).toBe(id('elsewhere'));
  });

  it('forgets a key whose creation failed (the claim rolls back with it), so a retry creates', async () => {
    const k = key();
    await expect(once(k, { a: 1 }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await s.sql(`SELECT 1 FROM idempotency_key WHERE key = $1`, [k])).toEqual([]);
    expect(await once(k, { a: 1 }, async () => id('second try'))).toEqual({ id: id('second try'), replayed: false });
  });

  it('under a burst of the same key, creates exactly once and every caller gets the same id', async () => {
    const k = key();
    let created = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        once(k, { same: true }, async () => {
          created++;
          return id('only-one');
        }),
      ),
    );
    const ids = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id);
    expect(created).toBe(1);
    expect(ids.length).toBe(12);
    expect(new Set(ids)).toEqual(new Set([id('only-one')]));
  });
});
