import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** One statement as a pg client sent it: its text, its parameters, and which client (connection) sent it. */
export interface Sent {
  text: string;
  values: unknown[];
  client: unknown;
}

/** What EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) says of one statement. */
export interface PlanFigures {
  executionMs: number;
  planningMs: number;
  /** shared buffers of the execution (triggers' own reads are not counted by PostgreSQL per node) */
  buffers: { hit: number; read: number; dirtied: number };
  /** `constraint`: of a constraint trigger (a foreign key's RI_ConstraintTrigger_… says which key) */
  triggers: { name: string; constraint?: string; relation: string; ms: number; calls: number }[];
  /** what its plan writes, e.g. "Insert proposal" (not what functions it calls write) */
  writes: string[];
}

export interface ExplainedStatement extends PlanFigures {
  /** e.g. "propose 2" */
  step: string;
  /** verb and first table, e.g. "WITH proposal" */
  kind: string;
}

const verbOf = (sql: string) => sql.trim().split(/\s+/)[0].toUpperCase();
const CONTROL = ['START', 'BEGIN', 'COMMIT', 'ROLLBACK', 'END', 'SAVEPOINT', 'RELEASE'];
const DATA = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'VALUES'];

/** "SELECT place_hold", "WITH proposal": the verb and the first table named, to tell statements apart in a table. */
export function kindOf(sql: string): string {
  const s = sql.trim().replace(/\s+/g, ' ');
  const table = /\b(?:FROM|INTO|UPDATE)\s+"?([a-z_]+)"?/i.exec(s)?.[1] ?? '?';
  return `${verbOf(s)} ${table}`;
}

/**
 * The statements sent inside transactions (after START TRANSACTION / BEGIN, up to COMMIT or
 * ROLLBACK on the same client), without those; statements of other connections meanwhile (the
 * API key's look-up, say) are left out.
 */
export function insideTransactions(sent: Sent[]): Sent[] {
  const open = new Set<unknown>();
  const out: Sent[] = [];
  for (const s of sent) {
    const verb = verbOf(s.text);
    if (verb === 'START' || verb === 'BEGIN') open.add(s.client);
    else if (verb === 'COMMIT' || verb === 'ROLLBACK' || verb === 'END') open.delete(s.client);
    else if (open.has(s.client)) out.push(s);
  }
  return out;
}

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };
const num = (x: unknown) => (typeof x === 'number' ? x : 0);

function* nodes(n: PlanNode): Generator<PlanNode> {
  yield n;
  for (const c of n.Plans ?? []) yield* nodes(c);
}

/**
 * The figures of one statement from EXPLAIN's JSON (the value of its "QUERY PLAN" column).
 * A node's buffers include its children's, except for data-modifying CTEs no one reads
 * (Transactions.writeTogether sends its writes so): PostgreSQL runs those after the main query
 * (ExecPostprocessPlan), outside the top node's counters, so they are added.
 */
export function planFigures(json: unknown): PlanFigures {
  const doc = (Array.isArray(json) ? json[0] : json) as Record<string, unknown> | undefined;
  const top = doc?.Plan as PlanNode | undefined;
  if (!doc || !top) throw new Error('not an EXPLAIN (FORMAT JSON) document');
  const read = new Set([...nodes(top)].map((n) => n['CTE Name']).filter((x) => typeof x === 'string'));
  const counted = [
    top,
    ...(top.Plans ?? []).filter((c) => c['Node Type'] === 'ModifyTable' && !read.has(String(c['Subplan Name'] ?? '').replace(/^CTE /, ''))),
  ];
  const sum = (key: string) => counted.reduce((s, n) => s + num(n[key]), 0);
  const triggers = ((doc.Triggers ?? []) as Record<string, unknown>[]).map((t) => ({
    name: String(t['Trigger Name']),
    ...(typeof t['Constraint Name'] === 'string' ? { constraint: t['Constraint Name'] } : {}),
    relation: String(t.Relation ?? '?'),
    ms: num(t.Time),
    calls: num(t.Calls),
  }));
  return {
    executionMs: num(doc['Execution Time']),
    planningMs: num(doc['Planning Time']),
    buffers: { hit: sum('Shared Hit Blocks'), read: sum('Shared Read Blocks'), dirtied: sum('Shared Dirtied Blocks') },
    triggers,
    writes: [...nodes(top)]
      .filter((n) => n['Node Type'] === 'ModifyTable')
      .map((n) => `${String(n.Operation)} ${String(n['Relation Name'])}`),
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** `v` with every UUID replaced through `id` (strings, arrays, and objects pg sends as JSON; dates and buffers as they are). */
function mapIds(v: unknown, id: (u: string) => string): unknown {
  if (typeof v === 'string') return v.replace(UUID, (u) => id(u.toLowerCase()));
  if (Array.isArray(v)) return v.map((x) => mapIds(x, id));
  if (v && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapIds(x, id)]));
  return v;
}

/**
 * Replays steps of statements (each step a unit of work as the service sent it) on one connection
 * inside BEGIN; SET CONSTRAINTS ALL IMMEDIATE; … ROLLBACK, every data statement under
 * EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON), other statements (SET …) as they were.
 *
 * Ids: a UUID in `keep` (rows that existed before: the request, the facility, the caller) stays;
 * every other UUID of the parameters (made by the service: the proposal's, the notices') gets a
 * fresh one, the same for each occurrence. Ids the database made (EXPLAIN answers no rows) are
 * learnt by `learn` after each statement, with a read of its own on the connection, and `check`
 * runs after each step: it throws when the replay did not do what the service's statements did.
 * Nothing is left: the transaction is rolled back.
 */
export async function explainReplay(
  dbUrl: string,
  steps: { name: string; statements: Sent[] }[],
  o: {
    keep: string[];
    learn?: (c: pg.Client, ids: Map<string, string>) => Promise<void>;
    check?: (step: string, c: pg.Client, ids: Map<string, string>) => Promise<void>;
  },
): Promise<ExplainedStatement[]> {
  const ids = new Map<string, string>(o.keep.map((k) => [k.toLowerCase(), k.toLowerCase()]));
  const id = (u: string) => {
    if (!ids.has(u)) ids.set(u, randomUUID());
    return ids.get(u)!;
  };
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const out: ExplainedStatement[] = [];
  try {
    await c.query('BEGIN');
    // the deferred (live event) constraint triggers fire at the end of each statement, where EXPLAIN sees them
    await c.query('SET CONSTRAINTS ALL IMMEDIATE');
    for (const step of steps) {
      let i = 0;
      for (const s of step.statements) {
        const verb = verbOf(s.text);
        if (CONTROL.includes(verb)) continue;
        const values = mapIds(s.values, id) as unknown[];
        if (!DATA.includes(verb)) {
          await c.query(s.text, values);
          continue;
        }
        const r = await c.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.text}`, values);
        out.push({ step: `${step.name} ${++i}`, kind: kindOf(s.text), ...planFigures(r.rows[0]['QUERY PLAN']) });
        await o.learn?.(c, ids);
      }
      await o.check?.(step.name, c, ids);
    }
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    await c.end();
  }
  return out;
}
