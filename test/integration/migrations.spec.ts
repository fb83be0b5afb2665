import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { revertAllMigrations, runMigrations } from '../../src/database/migrate.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { createEmptyDatabase } from '../support/databases.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const APPLICATION_TABLES = [
  // API keys for machine clients, as rows (issue 34)
  'api_key',
  'availability_event',
  'audit_log',
  'catalog_version',
  'facility',
  'facility_place',
  'idempotency_key',
  'job_run',
  // sign-in and members (issue 21)
  'member',
  'outbox',
  'place_hold',
  'placement',
  'placement_request',
  'proposal',
  'province',
  'region',
  'sign_in_flow',
  'web_session',
  // back-channel logout: each logout token's jti once (issue 29)
  'logout_token_use',
  // reports (issue 14)
  'report_bed_change',
  'report_bed_change_group',
  'report_fact',
  'report_place_state',
  // report roll-ups (migration 1763900012000)
  'report_bed_change_month',
  'report_duration',
  'report_flow_month',
  'report_people_month',
  // the roll-ups' deltas and the views reading them with the roll-ups (migration 1763900022000)
  'report_bed_change_group_now',
  'report_bed_change_month_now',
  'report_bed_delta',
  'report_flow_delta',
  'report_flow_now',
  'report_people_delta',
  'report_people_now',
  // live events (migration 1763900016000)
  'live_event',
  'live_event_horizon',
  // web push (migration 1763900016100)
  'push_outbox',
  'push_subscription',
];
const MIGRATION_NAMES = MIGRATIONS.map((m) => m.name);

/** The migration round trip, up → down → up, on a database of its own. */
describe('migrations (integration)', () => {
  let t: TestApp;
  let empty: { url: string; drop: () => Promise<void> };
  let client: pg.Client;

  const q = async <T = Record<string, unknown>>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[];
  const tables = async () =>
    (await q<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).map(
      (r) => r.table_name,
    );
  const functions = async () =>
    (
      await q<{ proname: string }>(
        // functions of extensions (TypeORM installs uuid-ossp on connect) are not the migrations' own
        `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
         ORDER BY 1`,
      )
    ).map((r) => r.proname);
  /** table.column:type of every public column except the migrations bookkeeping */
  const columnsOf = async (run: <T>(text: string) => Promise<T[]>) =>
    (
      await run<{ c: string }>(
        `SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable AS c FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1`,
      )
    ).map((r) => r.c);
  const counts = async () =>
    (
      await q<{ regions: number; provinces: number }>(
        `SELECT (SELECT count(*)::int FROM region) AS regions, (SELECT count(*)::int FROM province) AS provinces`,
      )
    )[0];

  beforeAll(async () => {
    t = await startTestApp();
    empty = await createEmptyDatabase();
    client = new pg.Client({ connectionString: empty.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await empty.drop();
    await t.close();
  });

  it('starts from an empty database', async () => {
    expect(await tables()).toEqual([]);
  });

  it('runs every migration up', async () => {
    const applied = await runMigrations(empty.url);
    expect(applied).toEqual(MIGRATION_NAMES);
    expect(await tables()).toEqual([...APPLICATION_TABLES, 'schema_migrations'].sort());
    expect(await counts()).toEqual({ regions: 20, provinces: 107 });
    const liguria = await q<{ code: string }>(`SELECT code FROM province WHERE region_code = '07' ORDER BY code`);
    expect(liguria.map((r) => r.code)).toEqual(['GE', 'IM', 'SP', 'SV']);
    // every province has a centroid inside Italy's bounding box and a known region
    const [bad] = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM province p LEFT JOIN region r ON r.code = p.region_code
       WHERE r.code IS NULL OR p.lat NOT BETWEEN 35 AND 48 OR p.lon NOT BETWEEN 6 AND 19`,
    );
    expect(bad.n).toBe(0);
    expect(await functions()).toEqual(expect.arrayContaining(['assert_place_not_overbooked', 'audit_log_append_only', 'place_guard']));
  });

  it('is idempotent: a second run applies nothing', async () => {
    expect(await runMigrations(empty.url)).toEqual([]);
    expect(await counts()).toEqual({ regions: 20, provinces: 107 });
  });

  it('builds the same schema as the database the app runs on', async () => {
    expect(await columnsOf(q)).toEqual(await columnsOf((text) => t.sql(text)));
  });

  it('reverts everything: only schema_migrations may remain', async () => {
    const reverted = await revertAllMigrations(empty.url);
    expect(reverted).toBe(MIGRATION_NAMES.length);
    const left = await tables();
    expect(left.filter((n) => n !== 'schema_migrations')).toEqual([]);
    expect(await functions()).toEqual([]);
    if (left.includes('schema_migrations')) expect(await q(`SELECT * FROM schema_migrations`)).toEqual([]);
  });

  it('goes up again after the round trip', async () => {
    const applied = await runMigrations(empty.url);
    expect(applied).toEqual(MIGRATION_NAMES);
    expect(await tables()).toEqual([...APPLICATION_TABLES, 'schema_migrations'].sort());
    expect(await counts()).toEqual({ regions: 20, provinces: 107 });
    expect(await columnsOf(q)).toEqual(await columnsOf((text) => t.sql(text)));
    // and the triggers are back: the audit log is append-only again
    await q(`INSERT INTO audit_log(actor_sub, actor_role, action, object_type) VALUES ('x', 'admin', 'test', 'test')`);
    await expect(q(`DELETE FROM audit_log`)).rejects.toMatchObject({ code: 'AP002' });
  });
});

/** Each migration's `down` puts back exactly the schema of the step before: columns, functions, triggers, indexes, constraints. */
describe('migrations, one step at a time (integration)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let client: pg.Client;

  /** Everything a migration may create or change, as text, in a stable order. */
  const schema = async () =>
    (
      await client.query<{ item: string }>(
        `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS item
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
         UNION ALL SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
         UNION ALL SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal
         UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'schema_migrations'
         UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c
           JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND conrelid::regclass::text <> 'schema_migrations'
         ORDER BY 1`,
      )
    ).rows.map((r) => r.item);

  /** A data source that knows only the first `k` migrations. */
  const withFirst = async <T>(k: number, run: (ds: DataSource) => Promise<T>): Promise<T> => {
    const ds = new DataSource({ ...dataSourceOptions(db.url, { poolSize: 1 }), migrations: MIGRATIONS.slice(0, k) });
    await ds.initialize();
    try {
      return await run(ds);
    } finally {
      await ds.destroy();
    }
  };

  beforeAll(async () => {
    db = await createEmptyDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('up one by one, then down one by one, each step back to the schema it came from', async () => {
    const before: string[][] = [await schema()];
    for (let k = 1; k <= MIGRATIONS.length; k++) {
      await withFirst(k, (ds) => ds.runMigrations({ transaction: 'each' }));
      before.push(await schema());
      // each migration changes something
      expect(before[k]).not.toEqual(before[k - 1]);
    }
    for (let k = MIGRATIONS.length; k >= 1; k--) {
      await withFirst(k, (ds) => ds.undoLastMigration({ transaction: 'each' }));
      expect(await schema()).toEqual(before[k - 1]);
    }
  });
});
