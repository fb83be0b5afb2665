import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FacilitiesRepository } from '../../src/facilities/facilities.repository.js';
import { Transactions } from '../../src/database/transactions.repository.js';
import { NestedAcquisitionError } from '../../src/database/tx-context.js';
import { aFacility, principals } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase } from '../support/databases.js';
import pg from 'pg';
import { FacilitiesService } from '../../src/facilities/facilities.service.js';

/** The unit of work: one connection, ambient to everything called inside it. */
describe('transactions', () => {
  let t: TestApp;
  let tx: Transactions;
  let ds: DataSource;
  const pid = async (m = tx.manager()) => (await m.query('SELECT pg_backend_pid() AS pid'))[0].pid as number;

  beforeAll(async () => {
    t = await startTestApp({ DB_POOL_SIZE: '3' });
    tx = t.app.get(Transactions);
    ds = t.app.get(getDataSourceToken());
  });
  afterAll(() => t.close());

  it('runs every repository call inside it on its own connection, without being handed the transaction', async () => {
    const id = (await t.app.get(FacilitiesService).create(principals.admin(), aFacility())).id;
    const pids = await tx.run(async (m) => {
      const mine = await pid(m);
      await m.query(`UPDATE facility SET name = 'renamed in the unit' WHERE id = $1`, [id]);
      // a repository asked without `tx` still reads the uncommitted change, so it is on the same connection
      const seen = await t.app.get(FacilitiesRepository).findById(id);
      return { mine, ambient: await pid(), name: seen?.name };
    });
    expect(pids.ambient).toBe(pids.mine);
    expect(pids.name).toBe('renamed in the unit');
  });

  it('joins an outer unit of work, and a rollback takes the inner writes with it', async () => {
    const id = (await t.app.get(FacilitiesService).create(principals.admin(), aFacility({ name: 'Before' }))).id;
    await expect(
      tx.run(async (outer) => {
        const inner = await tx.run(async (m) => {
          await m.query(`UPDATE facility SET name = 'Inner' WHERE id = $1`, [id]);
          return pid(m);
        });
        expect(inner).toBe(await pid(outer));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await t.sql<{ name: string }>(`SELECT name FROM facility WHERE id = $1`, [id]))[0].name).toBe('Before');
  });

  it('refuses at once any second connection asked of the pool from inside it', async () => {
    await expect(tx.run(() => ds.query('SELECT 1'))).rejects.toBeInstanceOf(NestedAcquisitionError);
    await expect(tx.run(() => ds.transaction((m) => m.query('SELECT 1')))).rejects.toBeInstanceOf(NestedAcquisitionError);
    // outside a unit of work the pool serves as usual, and afterwards too
    expect(await ds.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('is not ambient once it has ended, even for work it started', async () => {
    let later: Promise<number> | undefined;
    const inside = await tx.run(async (m) => {
      later = new Promise((ok) => setTimeout(() => ok(pid()), 50));
      return pid(m);
    });
    // the late query ran on the pool, not on the finished transaction's released connection
    expect(typeof (await later)).toBe('number');
    expect(inside).toEqual(expect.any(Number));
  });

  it('runs a unit of work again when it lost a deadlock, so both callers succeed', async () => {
    const [a, b] = [
      (await t.app.get(FacilitiesService).create(principals.admin(), aFacility())).id,
      (await t.app.get(FacilitiesService).create(principals.admin(), aFacility())).id,
    ];
    let attempts = 0;
    // both first attempts hold their first row before either asks for its second: a deadlock every time,
    // however slow the machine (a sleep let one finish first under load; CI saw 2 attempts)
    let holding = 0;
    let bothHold!: () => void;
    const both = new Promise<void>((ok) => (bothHold = ok));
    const lockBoth = (first: string, second: string) =>
      tx.run(async (m) => {
        attempts++;
        await m.query(`SELECT 1 FROM facility WHERE id = $1 FOR UPDATE`, [first]);
        if (++holding === 2) bothHold();
        await both;
        await m.query(`SELECT 1 FROM facility WHERE id = $1 FOR UPDATE`, [second]);
        return first;
      });
    expect(await Promise.all([lockBoth(a, b), lockBoth(b, a)])).toEqual([a, b]);
    // PostgreSQL chose a victim, and that unit of work ran again (twice when, under load, its rerun takes
    // the first row before the winner's woken wait does: row locks are not granted in queue order; CI saw 4)
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(6);
  });

  it('runs units READ COMMITTED and snapshots REPEATABLE READ, read-only', async () => {
    expect(await tx.run(async (m) => (await m.query(`SELECT current_setting('transaction_isolation') AS l`))[0].l)).toBe('read committed');
    const snap = await tx.snapshot(
      async (m) =>
        (await m.query(`SELECT current_setting('transaction_isolation') AS l, current_setting('transaction_read_only') AS ro`))[0],
    );
    expect(snap).toEqual({ l: 'repeatable read', ro: 'on' });
  });

  it('still runs units READ COMMITTED when the database defaults to another level', async () => {
    const db = await createTestDatabase();
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`ALTER DATABASE ${db.name} SET default_transaction_isolation = 'serializable'`);
    await c.end();
    const other = await startTestApp({}, db.url);
    try {
      const unit = other.app.get(Transactions);
      expect(await unit.run(async (m) => (await m.query(`SELECT current_setting('transaction_isolation') AS l`))[0].l)).toBe(
        'read committed',
      );
      expect(await unit.snapshot(async (m) => (await m.query(`SELECT current_setting('transaction_isolation') AS l`))[0].l)).toBe(
        'repeatable read',
      );
    } finally {
      await other.close();
      await db.drop();
    }
  });
});
