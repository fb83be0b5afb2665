import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import type { Principal } from '../src/auth/principal.js';
import { DomainError } from '../src/domain/errors.js';
import { loadConfig } from '../src/config/app-config.js';
import { FacilitiesService } from '../src/facilities/facilities.service.js';
import { HoldsService, SYSTEM } from '../src/availability/holds.service.js';
import type { BenchContext } from './run.js';
import { benchDatabase, withClient } from './support/database.js';
import { benchFacility } from './support/fixtures.js';
import { log } from './support/log.js';
import { pgbenchSimpleUpdate, type PgbenchResult } from './support/pgbench.js';
import { machine, table, writeDocsSection } from './support/report.js';
import { fmt, type LatencySummary, measureCpu, sleep, summarise } from './support/stats.js';

/** Issue targets. */
const TARGET_RATIO = 0.5; // hold+release throughput ≥ 50 % of pgbench -N tps
const TARGET_P99_MS = 50; // last-bed hold latency p99 at 16 clients

const seconds = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
const WARMUP_S = seconds('BENCH_WARMUP_SECONDS', 2);
const MEASURE_S = seconds('BENCH_SECONDS', 10);
const THROUGHPUT_CLIENTS = 8;
const LATENCY_CLIENTS = 16;
/** the DTO's maximum; each client holds at most one place at a time, so any number ≥ 8 would do */
const BEDS = 500;
const PGBENCH_SCALE = 10;

const ADMIN: Principal = { sub: 'bench', role: 'admin', facilities: [] };

type Phase = 'warmup' | 'measure' | 'stop';

/** `clients` concurrent loops of `body` for warm-up + measurement; `body` sees the phase it runs in. */
async function timedLoop(
  outer: AbortSignal,
  clients: number,
  body: (client: number, phase: () => Phase, fail: (why: Error) => void) => Promise<void>,
): Promise<{ measuredSeconds: number; cpuOfOneCore: number; machineBusy: number }> {
  const own = new AbortController();
  const fail = (why: Error) => own.abort(why);
  const signal = AbortSignal.any([outer, own.signal]);
  let phase: Phase = 'warmup';
  const current = () => phase;
  const workers = Array.from({ length: clients }, async (_, i) => {
    while (phase !== 'stop' && !signal.aborted) await body(i, current, fail);
  });
  try {
    await sleep(WARMUP_S * 1000, signal);
    phase = 'measure';
    const {
      result: measuredSeconds,
      cpuOfOneCore,
      machineBusy,
    } = await measureCpu(async () => {
      const t0 = process.hrtime.bigint();
      await sleep(MEASURE_S * 1000, signal);
      return Number(process.hrtime.bigint() - t0) / 1e9;
    });
    phase = 'stop';
    await Promise.all(workers);
    return { measuredSeconds, cpuOfOneCore, machineBusy };
  } finally {
    phase = 'stop';
  }
}

/** Unexpected errors past this many end the scenario: the service or the database is broken. */
const MAX_ERRORS = 100;

/** After an unexpected error: let timers and signals run (a failing call may reject without any I/O). */
const breathe = () => new Promise<void>((ok) => setTimeout(ok, 5));

interface ThroughputResult {
  label: string;
  ops: number;
  opsPerSecond: number;
  txPerSecond: number;
  opLatency: LatencySummary;
  errors: number;
  firstError?: string;
  nodeCpu: number;
  machineBusy: number;
}

/** Each op: hold one adult place, then release it (two transactions, each with its availability event). */
async function throughput(
  signal: AbortSignal,
  holds: HoldsService,
  label: string,
  facilityOf: (client: number) => string,
): Promise<ThroughputResult> {
  log(`throughput: ${label}, ${WARMUP_S} s warm-up + ${MEASURE_S} s`);
  let ops = 0;
  let errors = 0;
  let firstError: string | undefined;
  const latencies: bigint[] = [];
  const { measuredSeconds, cpuOfOneCore, machineBusy } = await timedLoop(signal, THROUGHPUT_CLIENTS, async (client, phase, fail) => {
    const t0 = process.hrtime.bigint();
    try {
      const h = await holds.hold(SYSTEM, facilityOf(client), 'adult');
      if (!(await holds.release(SYSTEM, h.id, 'released'))) throw new Error(`hold ${h.id} was not live at release`);
      // counted when it completes inside the measured window
      if (phase() === 'measure') {
        ops++;
        latencies.push(process.hrtime.bigint() - t0);
      }
    } catch (e) {
      errors++;
      firstError ??= (e as Error).message;
      if (errors >= MAX_ERRORS) fail(new Error(`${label}: ${errors} errors, the first: ${firstError}`));
      await breathe();
    }
  });
  const opsPerSecond = ops / measuredSeconds;
  return {
    label,
    ops,
    opsPerSecond,
    txPerSecond: 2 * opsPerSecond,
    opLatency: summarise(latencies),
    errors,
    firstError,
    nodeCpu: cpuOfOneCore,
    machineBusy,
  };
}

interface LatencyResult {
  attempts: LatencySummary;
  successes: LatencySummary;
  refusals: LatencySummary;
  errors: number;
  firstError?: string;
  nodeCpu: number;
  machineBusy: number;
}

/** One free bed, 16 clients: try to hold; on success release at once. Every attempt's hold latency is recorded. */
async function lastBed(signal: AbortSignal, holds: HoldsService, facilityId: string): Promise<LatencyResult> {
  log(`latency: last bed, ${LATENCY_CLIENTS} clients, ${WARMUP_S} s warm-up + ${MEASURE_S} s`);
  const all: bigint[] = [];
  const ok: bigint[] = [];
  const refused: bigint[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const { cpuOfOneCore, machineBusy } = await timedLoop(signal, LATENCY_CLIENTS, async (_client, phase, fail) => {
    const measuring = phase() === 'measure'; // attempts started in the window count
    const t0 = process.hrtime.bigint();
    try {
      const h = await holds.hold(SYSTEM, facilityId, 'adult');
      const dt = process.hrtime.bigint() - t0;
      if (measuring) {
        all.push(dt);
        ok.push(dt);
      }
      if (!(await holds.release(SYSTEM, h.id, 'released'))) throw new Error(`hold ${h.id} was not live at release`);
    } catch (e) {
      const dt = process.hrtime.bigint() - t0;
      if (e instanceof DomainError && e.code === 'no_free_place') {
        if (measuring) {
          all.push(dt);
          refused.push(dt);
        }
      } else {
        errors++;
        firstError ??= (e as Error).message;
        if (errors >= MAX_ERRORS) fail(new Error(`last bed: ${errors} errors, the first: ${firstError}`));
        await breathe();
      }
    }
  });
  return {
    attempts: summarise(all),
    successes: summarise(ok),
    refusals: summarise(refused),
    errors,
    firstError,
    nodeCpu: cpuOfOneCore,
    machineBusy,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
const yes = (b: boolean) => (b ? '**met**' : '**not met**');

function report(o: {
  dbDescribe: string;
  external: boolean;
  pgbench: PgbenchResult | null;
  pgbenchError?: string;
  distinct: ThroughputResult;
  same: ThroughputResult;
  latency: LatencyResult;
  liveHoldsLeft: number;
  overlappingLastBedHolds: number;
  startedAt: Date;
  durationS: number;
}): { stdout: string; docs: string } {
  const { pgbench, distinct, same, latency } = o;
  const ratio = (r: ThroughputResult) => (pgbench ? r.opsPerSecond / pgbench.tps : NaN);
  const txRatio = (r: ThroughputResult) => (pgbench ? r.txPerSecond / pgbench.tps : NaN);
  const ratioCell = (x: number) => (Number.isFinite(x) ? pct(x) : 'n/a');

  const throughputTable = table([
    [
      'Workload (8 clients)',
      'ops/s (hold+release)',
      'transactions/s',
      'ops/s ÷ pgbench tps',
      'tx/s ÷ pgbench tps',
      'op p50 / p99 (ms)',
      'errors',
      'Node CPU',
      'machine CPU',
    ],
    ...[distinct, same].map((r) => [
      r.label,
      fmt(r.opsPerSecond, 0),
      fmt(r.txPerSecond, 0),
      ratioCell(ratio(r)),
      ratioCell(txRatio(r)),
      `${fmt(r.opLatency.p50)} / ${fmt(r.opLatency.p99)}`,
      r.errors,
      pct(r.nodeCpu),
      pct(r.machineBusy),
    ]),
    [
      '`pgbench -N` (baseline, 8 clients)',
      '—',
      pgbench ? fmt(pgbench.tps, 0) : 'n/a',
      pgbench ? '100 %' : 'n/a',
      pgbench ? '100 %' : 'n/a',
      pgbench ? `avg ${fmt(pgbench.latencyAvgMs, 2)}` : 'n/a',
      '—',
      '—',
      pgbench ? pct(pgbench.machineBusy) : 'n/a',
    ],
  ]);

  const latencyTable = table([
    ['Last bed, 16 clients', 'count', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'max (ms)'],
    ...(
      [
        ['every hold attempt', latency.attempts],
        ['successful holds', latency.successes],
        ['refused (no_free_place)', latency.refusals],
      ] as const
    ).map(([name, s]) => [name, s.count, fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)]),
  ]);

  const throughputMet = pgbench ? ratio(distinct) >= TARGET_RATIO : false;
  const latencyMet = latency.attempts.p99 <= TARGET_P99_MS && latency.errors === 0;
  const targets = table([
    ['Target', 'Measured', 'Result'],
    [
      `hold+release throughput ≥ ${pct(TARGET_RATIO)} of pgbench -N (8 clients, distinct facilities; one op = hold + release)`,
      pgbench
        ? `${fmt(distinct.opsPerSecond, 0)} ops/s vs ${fmt(pgbench.tps, 0)} tps = ${ratioCell(ratio(distinct))}`
        : `pgbench failed: ${o.pgbenchError}`,
      pgbench ? yes(throughputMet) : 'not evaluated',
    ],
    [
      `same, counting transactions (2 per op)`,
      pgbench ? `${fmt(distinct.txPerSecond, 0)} tx/s vs ${fmt(pgbench.tps, 0)} tps = ${ratioCell(txRatio(distinct))}` : 'n/a',
      pgbench ? yes(txRatio(distinct) >= TARGET_RATIO) : 'not evaluated',
    ],
    [
      `hold+release throughput, 8 clients on the same facility`,
      pgbench ? `${fmt(same.opsPerSecond, 0)} ops/s = ${ratioCell(ratio(same))} (tx: ${ratioCell(txRatio(same))})` : 'n/a',
      pgbench ? yes(ratio(same) >= TARGET_RATIO) : 'not evaluated',
    ],
    [`last-bed hold latency p99 ≤ ${TARGET_P99_MS} ms (16 clients)`, `${fmt(latency.attempts.p99)} ms`, yes(latencyMet)],
  ]);

  const checks =
    `Consistency: ${distinct.errors + same.errors + latency.errors} unexpected errors` +
    ((distinct.firstError ?? same.firstError ?? latency.firstError)
      ? ` (first: ${distinct.firstError ?? same.firstError ?? latency.firstError})`
      : '') +
    ` (an overbooking caught by the database guard would be one); ${o.overlappingLastBedHolds} moments where the replayed last-bed events show more than one hold ` +
    `(must be 0); ${o.liveHoldsLeft} live holds left on the bench facilities at the end (must be 0).`;

  const stdout = [
    '',
    '### Throughput',
    '',
    throughputTable,
    '',
    '### Last-bed latency',
    '',
    latencyTable,
    '',
    '### Targets',
    '',
    targets,
    '',
    checks,
    '',
  ].join('\n');

  const docs = [
    `Run of ${o.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${fmt(o.durationS, 0)} s in all. Source: \`bench/availability.ts\`.`,
    '',
    `- Machine: ${machine()}.`,
    `- Database: ${o.dbDescribe}${o.external ? ', from DATABASE_URL' : ', embedded, non-persistent (the same server for the service and for pgbench)'}.`,
    `- Baseline: ${pgbench ? `\`${pgbench.command}\` after \`pgbench -i -s ${pgbench.scale}\` and a ${WARMUP_S} s warm-up run, database \`pgbench_bench\` on the same server, same run (${pgbench.version}); ${pgbench.transactions} transactions.` : `pgbench failed: ${o.pgbenchError}`}`,
    `- Service under test: the real \`HoldsService\` in a Nest application context (no HTTP), TypeORM pool of 20, ` +
      `${THROUGHPUT_CLIENTS} / ${LATENCY_CLIENTS} concurrent async clients in one Node process, no think time; ${WARMUP_S} s warm-up, then ${MEASURE_S} s measured.`,
    `- One run, ${MEASURE_S} s per figure, on a machine other work may share: its load moves these figures (see the load average`,
    '  above); rerun before concluding on a figure close to its target.',
    '',
    '**What an op is.** One op = `hold()` then `release()`, i.e. two READ COMMITTED transactions. `hold`: row lock on',
    '`facility_place` (`SELECT … FOR UPDATE`), a read of the numbers with the live-hold count, `INSERT … SELECT` of the hold',
    '(the overbooking trigger re-counts), `INSERT` of the availability event. `release`: read of the live hold, the row lock,',
    "the numbers, `UPDATE` of the hold (trigger again), `INSERT` of the event. With TypeORM's `START TRANSACTION` /",
    '`SET TRANSACTION ISOLATION LEVEL` / `COMMIT`, one op is 15 round trips, 4 row writes and 2 row locks. A `pgbench -N` transaction is',
    '`BEGIN`; `UPDATE pgbench_accounts`; `SELECT`; `INSERT pgbench_history`; `END`: 5 round trips, 2 row writes, from a C client.',
    "The issue's target compares hold+release throughput with pgbench tps, so the first ratio (ops/s ÷ tps) is the one",
    'judged; the per-transaction ratio is given for reference.',
    '',
    '"Distinct facilities": each client holds and releases on its own facility (500 adult beds), so clients never wait',
    'for each other\'s row lock — the realistic case of many facilities. "Same facility": all 8 clients on one facility,',
    'serialised by its `facility_place` row lock.',
    '',
    throughputTable,
    '',
    '"Node CPU" is the CPU time of the bench process (Nest + TypeORM + pg driver, one event loop) as a share of one core;',
    '"machine CPU" is the busy share of all cores (/proc/stat) in the measured window. PostgreSQL, the bench process and,',
    'for the baseline, pgbench share the same cores.',
    '',
    '**Last bed.** One facility with 1 adult bed; 16 clients each loop: `hold()`; on success `release()` at once. Every hold',
    'attempt started in the measured window is timed with `process.hrtime.bigint()`, whether it gets the bed or',
    '`no_free_place` (409). Attempts wait on the facility row lock, so this is the contended worst case.',
    '',
    latencyTable,
    '',
    checks,
    '',
    '**Targets**',
    '',
    targets,
  ].join('\n');
  return { stdout, docs };
}

export default async function availability(ctx: BenchContext): Promise<void> {
  const startedAt = new Date();
  const t0 = process.hrtime.bigint();
  const db = await benchDatabase();
  ctx.onCleanup(db.stop);
  log(db.describe);

  let pgbench: PgbenchResult | null = null;
  let pgbenchError: string | undefined;
  try {
    pgbench = await pgbenchSimpleUpdate(
      db.serverUrl,
      { scale: PGBENCH_SCALE, clients: THROUGHPUT_CLIENTS, threads: 2, seconds: MEASURE_S, warmupSeconds: WARMUP_S },
      ctx.signal,
    );
    log(`pgbench -N: ${fmt(pgbench.tps, 0)} tps`);
  } catch (e) {
    ctx.signal.throwIfAborted();
    pgbenchError = (e as Error).message.split('\n')[0];
    log(`pgbench failed, the throughput ratio will not be evaluated: ${(e as Error).message}`);
  }

  ctx.signal.throwIfAborted();
  log('booting the application context');
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url, DEMO_DATA: 'false' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, db.url), { logger: ['error'] });
  ctx.onCleanup(() => app.close());
  const holds = app.get(HoldsService);
  const facilities = app.get(FacilitiesService);

  const own: string[] = [];
  for (let i = 0; i < THROUGHPUT_CLIENTS; i++) own.push((await facilities.create(ADMIN, benchFacility(BEDS, 'distinct'))).id);
  const shared = (await facilities.create(ADMIN, benchFacility(BEDS, 'shared'))).id;
  const lastBedId = (await facilities.create(ADMIN, benchFacility(1, 'last-bed'))).id;

  const distinct = await throughput(ctx.signal, holds, '8 clients, distinct facilities', (c) => own[c]);
  log(`  ${fmt(distinct.opsPerSecond, 0)} ops/s`);
  const same = await throughput(ctx.signal, holds, '8 clients, same facility', () => shared);
  log(`  ${fmt(same.opsPerSecond, 0)} ops/s`);
  const latency = await lastBed(ctx.signal, holds, lastBedId);
  log(`  p99 ${fmt(latency.attempts.p99)} ms over ${latency.attempts.count} attempts`);

  const liveHoldsLeft = await withClient(db.url, async (c) =>
    Number(
      (
        await c.query(`SELECT count(*)::int AS n FROM place_hold WHERE released_at IS NULL AND facility_id = ANY($1::uuid[])`, [
          [...own, shared, lastBedId],
        ])
      ).rows[0].n,
    ),
  );

  // Holds and releases of one place are serialised by its row lock, and each writes its event under
  // that lock, so replaying the held count in event-id order must never exceed the one bed.
  const overlappingLastBedHolds = await withClient(db.url, async (c) =>
    Number(
      (
        await c.query(
          `SELECT count(*)::int AS n FROM (
             SELECT sum((delta->>'held')::int) OVER (ORDER BY id) AS held FROM availability_event
             WHERE facility_id = $1 AND type IN ('hold', 'release')) x
           WHERE held > 1 OR held < 0`,
          [lastBedId],
        )
      ).rows[0].n,
    ),
  );

  const { stdout, docs } = report({
    dbDescribe: db.describe,
    external: db.external,
    pgbench,
    pgbenchError,
    distinct,
    same,
    latency,
    liveHoldsLeft,
    overlappingLastBedHolds,
    startedAt,
    durationS: Number(process.hrtime.bigint() - t0) / 1e9,
  });
  process.stdout.write(stdout);
  writeDocsSection('availability', docs);
  log('wrote the "## availability" section of docs/benchmarks.md');
}
