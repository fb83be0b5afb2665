import pg from 'pg';
import type { MigrationInterface } from 'typeorm';
import { runMigrations } from '../../src/database/migrate.js';

/**
 * Expand, then contract: while a release rolls out, the previous release still runs against the
 * new schema. What it may read or write (tables, views, columns and their types, functions it
 * calls, types and enum labels, the unique keys its ON CONFLICT clauses name, the columns its
 * INSERTs may leave out) must still be there after each new migration's `up`, unless the
 * migration is marked as the contract step of an earlier expand: `static contractOf = '<name>'`.
 */
export type MigrationClass = (new () => MigrationInterface) & { contractOf?: string };

export interface StepFinding {
  name: string;
  contractOf?: string;
  /** what the previous step's schema offered and this one's `up` took away or narrowed */
  breaks: string[];
}

/** Everything of the public schema an older release may rely on, one text per item. */
async function surface(c: pg.Client): Promise<{ items: Set<string>; required: Set<string> }> {
  const rows = (
    await c.query<{ item: string }>(
      `WITH rel AS (
         SELECT c.oid, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relname <> 'schema_migrations'
       )
       SELECT CASE WHEN relkind IN ('v', 'm') THEN 'view ' ELSE 'table ' END || relname AS item FROM rel
       UNION ALL SELECT 'column ' || r.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
         FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid WHERE a.attnum > 0 AND NOT a.attisdropped
       -- a column an INSERT may leave out: nullable, or with a default (identity and generated included)
       UNION ALL SELECT 'omittable ' || r.relname || '.' || a.attname
         FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid
        WHERE r.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
          AND (NOT a.attnotnull OR a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '')
       UNION ALL SELECT 'function ' || p.oid::regprocedure::text || ' returns ' || pg_get_function_result(p.oid)
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.prorettype <> 'trigger'::regtype
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
       UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
       UNION ALL SELECT 'enum ' || t.typname || '.' || e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
         JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public'
       UNION ALL SELECT 'unique ' || r.relname || '(' || (SELECT string_agg(a.attname, ', ' ORDER BY k.i)
           FROM unnest(x.indkey) WITH ORDINALITY k(attnum, i) JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = k.attnum) || ')'
         FROM rel r JOIN pg_index x ON x.indrelid = r.oid WHERE x.indisunique AND x.indpred IS NULL AND x.indexprs IS NULL`,
    )
  ).rows.map((r) => r.item);
  const items = new Set(rows);
  // columns that exist and may not be left out
  const required = new Set(
    rows
      .filter((i) => i.startsWith('column '))
      .map((i) => i.slice('column '.length).split(' ')[0])
      .filter((col) => !items.has(`omittable ${col}`) && items.has(`table ${col.split('.')[0]}`)),
  );
  return { items, required };
}

/**
 * Applies `migrations` one at a time on an empty database and answers, for each, what its `up`
 * broke for a release that knew only the migrations before it.
 */
export async function expandContractFindings(url: string, migrations: readonly MigrationClass[]): Promise<StepFinding[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    let before = await surface(c);
    const findings: StepFinding[] = [];
    for (let k = 1; k <= migrations.length; k++) {
      await runMigrations(url, { migrations: migrations.slice(0, k) });
      const after = await surface(c);
      const breaks = [...before.items].filter((i) => !after.items.has(i)).map((i) => `gone: ${i}`);
      // a column the old release does not know, that its INSERTs cannot leave out, on a table it writes
      for (const col of after.required)
        if (
          !before.required.has(col) &&
          before.items.has(`table ${col.split('.')[0]}`) &&
          !breaks.some((b) => b.endsWith(`omittable ${col}`))
        )
          breaks.push(`required: ${col} (NOT NULL without a default)`);
      const m = migrations[k - 1];
      findings.push({ name: m.name, contractOf: m.contractOf, breaks: breaks.sort() });
      before = after;
    }
    return findings;
  } finally {
    await c.end();
  }
}

/** The rule: a step that breaks the release before it must be marked as the contract step of an earlier migration. */
export function expandContractViolations(findings: readonly StepFinding[]): string[] {
  const violations: string[] = [];
  findings.forEach((f, k) => {
    const earlier = findings.slice(0, k).map((e) => e.name);
    if (f.contractOf !== undefined && !earlier.includes(f.contractOf))
      violations.push(`${f.name} is marked contractOf '${f.contractOf}', which is not an earlier migration`);
    else if (f.breaks.length && f.contractOf === undefined)
      violations.push(
        `${f.name} breaks the release before it (${f.breaks.join('; ')}): make it additive, or mark it as the contract step of an earlier expand (static contractOf = '<expand migration>')`,
      );
  });
  return violations;
}
