import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { createEmptyDatabase } from '../support/databases.js';
import { expandContractFindings, expandContractViolations, type MigrationClass, type StepFinding } from '../support/expand-contract.js';

/** A migration of the test's own: one `up`, a `down` that undoes it. */
const step = (name: string, up: string[], contractOf?: string): MigrationClass => {
  const m = class implements MigrationInterface {
    name = name;
    static contractOf = contractOf;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of up) await q.query(sql);
    }
    async down(): Promise<void> {}
  };
  Object.defineProperty(m, 'name', { value: name });
  return m;
};

/** What an earlier release reads: a table, a function, an enum, a unique key its upsert names. */
const EXPAND = step('Shelves1700000001000', [
  `CREATE TYPE shelf_kind AS ENUM ('wall', 'floor')`,
  `CREATE TABLE shelf (id int PRIMARY KEY, label text, size int NOT NULL DEFAULT 1, kind shelf_kind, code text, UNIQUE (code))`,
  `CREATE FUNCTION shelf_count() RETURNS int LANGUAGE sql AS 'SELECT count(*)::int FROM shelf'`,
]);

describe('migrations a running older release survives (expand, then contract; integration)', () => {
  const check = async (migrations: MigrationClass[]): Promise<{ findings: StepFinding[]; violations: string[] }> => {
    const db = await createEmptyDatabase();
    try {
      const findings = await expandContractFindings(db.url, migrations);
      return { findings, violations: expandContractViolations(findings) };
    } finally {
      await db.drop();
    }
  };

  it('every migration in migrations/ is additive or a marked contract step', async () => {
    // No baseline is grandfathered: run over every migration landed before the rule (issue 33),
    // none took away what the step before it offered (their DROPs are in their `down`s).
    const { findings, violations } = await check(MIGRATIONS);
    expect(findings.map((f) => f.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(violations).toEqual([]);
  }, 120_000);

  it.each([
    ['drops a column', [`ALTER TABLE shelf DROP COLUMN label`], ['gone: column shelf.label text', 'gone: omittable shelf.label']],
    [
      'renames a column',
      [`ALTER TABLE shelf RENAME COLUMN label TO title`],
      ['gone: column shelf.label text', 'gone: omittable shelf.label'],
    ],
    ['renames a table', [`ALTER TABLE shelf RENAME TO shelves`], expect.arrayContaining(['gone: table shelf', 'gone: unique shelf(code)'])],
    ['drops a table', [`DROP TABLE shelf`], expect.arrayContaining(['gone: table shelf', 'gone: column shelf.id integer'])],
    ['changes a column type', [`ALTER TABLE shelf ALTER COLUMN size TYPE bigint`], ['gone: column shelf.size integer']],
    ['drops a function', [`DROP FUNCTION shelf_count()`], ['gone: function shelf_count() returns integer']],
    [
      'changes a function signature',
      [`DROP FUNCTION shelf_count()`, `CREATE FUNCTION shelf_count(k shelf_kind) RETURNS int LANGUAGE sql AS 'SELECT 0'`],
      ['gone: function shelf_count() returns integer'],
    ],
    [
      'drops a type',
      [`ALTER TABLE shelf DROP COLUMN kind`, `DROP TYPE shelf_kind`],
      expect.arrayContaining(['gone: type shelf_kind', 'gone: enum shelf_kind.wall']),
    ],
    ['drops the unique key an upsert names', [`ALTER TABLE shelf DROP CONSTRAINT shelf_code_key`], ['gone: unique shelf(code)']],
    ['makes a column required', [`ALTER TABLE shelf ALTER COLUMN label SET NOT NULL`], ['gone: omittable shelf.label']],
    [
      'adds a required column',
      [`ALTER TABLE shelf ADD COLUMN owner text NOT NULL`],
      ['required: shelf.owner (NOT NULL without a default)'],
    ],
  ])('a new migration that %s fails the check', async (_what, up, breaks) => {
    const bad = step('Contracts1700000002000', up);
    const { findings, violations } = await check([EXPAND, bad]);
    expect(findings[1].breaks).toEqual(breaks);
    expect(violations).toEqual([expect.stringMatching(/^Contracts1700000002000 breaks the release before it \((gone|required): /)]);
  });

  it('additive steps pass: new tables and columns, a function replaced with the same signature, an enum label added', async () => {
    const additive = step('Widens1700000002000', [
      `CREATE TABLE shelf_note (shelf_id int REFERENCES shelf(id), note text)`,
      `ALTER TABLE shelf ADD COLUMN colour text, ADD COLUMN rows int NOT NULL DEFAULT 0`,
      `CREATE OR REPLACE FUNCTION shelf_count() RETURNS int LANGUAGE sql AS 'SELECT count(*)::int FROM shelf WHERE id > 0'`,
      `ALTER TYPE shelf_kind ADD VALUE 'ceiling'`,
      `CREATE INDEX ON shelf (size)`,
    ]);
    const { findings, violations } = await check([EXPAND, additive]);
    expect(findings[1].breaks).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('a contract step marked with the expand it completes passes; marked with no earlier migration it fails', async () => {
    const contract = step('DropsLabel1700000003000', [`ALTER TABLE shelf DROP COLUMN label`], 'Shelves1700000001000');
    expect((await check([EXPAND, contract])).violations).toEqual([]);
    const unknown = step('DropsLabel1700000003000', [`ALTER TABLE shelf DROP COLUMN label`], 'Shelvs1700000001000');
    expect((await check([EXPAND, unknown])).violations).toEqual([
      "DropsLabel1700000003000 is marked contractOf 'Shelvs1700000001000', which is not an earlier migration",
    ]);
  });
});
