import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import type { Principal } from '../src/auth/principal.js';
import { benchApiKey } from './support/api-key.js';
import { HoldsService } from '../src/availability/holds.service.js';
import { createValidationPipe } from '../src/common/validation.js';
import { loadConfig } from '../src/config/app-config.js';
import { FacilitiesService } from '../src/facilities/facilities.service.js';
import { Transactions } from '../src/database/transactions.repository.js';
import { PlacementRequestsRepository } from '../src/lifecycle/requests/placement-requests.repository.js';
import type { CreatePlacementRequestDto } from '../src/lifecycle/requests/dto/placement-request.dto.js';
import { PlacementRequestsService } from '../src/lifecycle/requests/placement-requests.service.js';
import { CreateProposalDto } from '../src/lifecycle/proposals/dto/proposal.dto.js';
import { ProposalsRepository } from '../src/lifecycle/proposals/proposals.repository.js';
import { ProposalsService } from '../src/lifecycle/proposals/proposals.service.js';
import type { BenchContext } from './run.js';
import { type CallRow, callsUnderConcurrency } from './http-lifecycle-calls.js';
import { benchDatabase, withClient } from './support/database.js';
import { type ExplainedStatement, explainReplay, insideTransactions, type Sent } from './support/explain.js';
import { httpClientProcess } from './support/http-client.js';
import { runPairLoad, type PairLoadResult } from './support/pair-load.js';
import { RollupFoldRepository } from '../src/reports/rollup-fold.repository.js';
import { benchFacility } from './support/fixtures.js';
import { log } from './support/log.js';
import { pgbenchSimpleUpdate, type PgbenchResult } from './support/pgbench.js';
import { postgresCpuSampler, postmasterPid } from './support/process-cpu.js';
import { machine, table, writeDocsSection } from './support/report.js';
import { fmt, type LatencySummary, machineCpuSampler, sleep, summarise } from './support/stats.js';

/** Issue 32's targets. */
const TARGET_RATIO_32 = 0.1; // pairs/s at 32 clients ≥ 10 % of pgbench -N tps
const TARGET_P99_64 = 100; // propose p99 at 64 clients, ms
const TARGET_STATEMENTS_PAIR = 12; // statements per propose + withdraw, BEGIN and COMMIT included
const TARGET_CPU_PAIR_MS = 4; // the service's and PostgreSQL's CPU per pair at 8 clients
/** the per-call table: clients at once, calls each */
const CALL_CLIENTS = 8;
/** its section of docs/benchmarks.md */
const SECTION = 'HTTP lifecycle (issue 16)';

const seconds = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
};
const WARMUP_S = seconds('BENCH_WARMUP_SECONDS', 2);
const MEASURE_S = seconds('BENCH_SECONDS', 8);
const CALLS_EACH = seconds('BENCH_CALLS_EACH', 20);
/** serial pairs for the breakdown (one client, statements counted) */
const PROFILE_PAIRS = seconds('BENCH_PROFILE_PAIRS', 150);
/** seconds of serial pairs from the load process under the CPU profiler */
const PROFILE_SECONDS = seconds('BENCH_PROFILE_SECONDS', 4);
/** BENCH_LEVELS=8 (or empty: the breakdown only, no pgbench, no last bed) for a quick look */
const LEVELS = (process.env.BENCH_LEVELS ?? '8,32,64').split(',').filter(Boolean).map(Number);
const LAST_BED_CLIENTS = 64;
const PGBENCH_SCALE = 10;
const MAX_ERRORS = 200;

const ADMIN: Principal = { sub: 'bench-admin', role: 'admin', facilities: [] };
const UOR: Principal = { sub: 'bench-uor-07', role: 'uor', region: '07', facilities: [], email: 'uor07@example.org' };
const ms = (ns: bigint) => Number(ns) / 1e6;
const now = () => process.hrtime.bigint();

function request(i: number): CreatePlacementRequestDto {
  return {
    caseCode: `BENCH-2026-${String(i + 1).padStart(4, '0')}`,
    person: { gender: 'female', age: 24, children: [], pregnant: false, languages: ['en'], exploitation: ['sexual'], needs: [] },
    protectionLevel: 'high',
    stage: 'first_reception',
    origin: { provinceCode: 'GE' },
    safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [] },
    preferences: { crossRegion: true },
    urgency: 'immediate',
  } as CreatePlacementRequestDto;
}

type Client = ReturnType<typeof httpClientProcess> & { base: string; token: string };
const proposePath = (requestId: string) => `/api/v1/placement-requests/${requestId}/proposals`;
const withdrawPath = (proposalId: string) => `/api/v1/proposals/${proposalId}/withdraw`;

/** CPU seconds of this (the service's) process and of PostgreSQL since the call. */
function cpuSampler(pgPid: number | null) {
  const c0 = process.cpuUsage();
  const pgCpu = postgresCpuSampler(pgPid);
  const busy = machineCpuSampler();
  return () => {
    const c = process.cpuUsage(c0);
    return { serviceS: (c.user + c.system) / 1e6, postgresS: pgCpu(), machineBusy: busy() };
  };
}

interface PairsResult {
  clients: number;
  pairs: number;
  pairsPerSecond: number;
  propose: LatencySummary;
  withdraw: LatencySummary;
  errors: number;
  firstError?: string;
  serviceCpuMsPerPair: number;
  postgresCpuMsPerPair: number;
  /** CPU of the load process (bench/support/pair-load.ts), not part of the pair's cost */
  clientCpuMsPerPair: number;
  machineBusy: number;
  /** deltas pending at most while it ran (sampled every second), the oldest's age, folds done */
  rollupLag: { maxRows: number; maxOldestS: number; folds: number };
  /** the machine's 1-minute load average as the level ended */
  loadAvg1: number;
}

/** How often the service folds the roll-ups' deltas (the report-rollup-fold job of src/jobs/jobs.scheduler.ts). */
const FOLD_EVERY_MS = 10_000;

/**
 * `clients` loops of propose + withdraw, each on its own request and its own facility, in a load
 * process of their own (undici's Pool; bench/support/pair-load.ts). Meanwhile the service folds the
 * roll-ups' deltas as its job does, and the deltas still pending are sampled every second (the
 * roll-ups' lag: how many, and the age of the oldest).
 */
async function pairs(
  signal: AbortSignal,
  target: { base: string; token: string; app: Awaited<ReturnType<typeof createApp>> },
  clients: number,
  requestIds: string[],
  facilityIds: string[],
  pgPid: number | null,
): Promise<PairsResult> {
  log(`pairs: ${clients} clients, ${WARMUP_S} s warm-up + ${MEASURE_S} s`);
  let cpu: ReturnType<typeof cpuSampler> | undefined;
  let cpuTaken: ReturnType<ReturnType<typeof cpuSampler>> | undefined;
  const rollups = target.app.get(RollupFoldRepository);
  const lag = { maxRows: 0, maxOldestS: 0, folds: 0 };
  const fold = setInterval(() => {
    void rollups.fold().then(
      () => lag.folds++,
      (e: Error) => log(`fold failed: ${e.message}`),
    );
  }, FOLD_EVERY_MS);
  const sample = setInterval(() => {
    void rollups.pending().then(
      (p) => {
        lag.maxRows = Math.max(lag.maxRows, p.rows);
        lag.maxOldestS = Math.max(lag.maxOldestS, p.oldestS);
      },
      () => undefined,
    );
  }, 1000);
  let r: PairLoadResult;
  try {
    r = await runPairLoad(
      {
        base: target.base,
        token: target.token,
        clients,
        requestIds,
        facilityIds,
        warmupS: WARMUP_S,
        measureS: MEASURE_S,
        maxErrors: MAX_ERRORS,
      },
      (p) => (p === 'measure' ? (cpu = cpuSampler(pgPid)) : (cpuTaken = cpu?.())),
      signal,
    );
  } finally {
    clearInterval(fold);
    clearInterval(sample);
  }
  if (r.errors >= MAX_ERRORS) throw new Error(r.firstError);
  const c = cpuTaken ?? { serviceS: NaN, postgresS: NaN, machineBusy: NaN };
  const count = r.pairs;
  return {
    clients,
    pairs: count,
    pairsPerSecond: count / r.measuredSeconds,
    propose: summarise(r.proposeMs.map((m) => m * 1e6)),
    withdraw: summarise(r.withdrawMs.map((m) => m * 1e6)),
    errors: r.errors,
    firstError: r.firstError,
    serviceCpuMsPerPair: (1000 * c.serviceS) / count,
    postgresCpuMsPerPair: (1000 * c.postgresS) / count,
    clientCpuMsPerPair: r.clientCpuMs / count,
    machineBusy: c.machineBusy,
    rollupLag: lag,
    loadAvg1: loadavg()[0],
  };
}

interface LastBedResult {
  rounds: number;
  roundsWithOneWinner: number;
  attempts: LatencySummary;
  winners: LatencySummary;
  refusals: LatencySummary;
  errors: number;
  firstError?: string;
  machineBusy: number;
}

/** Rounds: every client proposes its own request to the one-bed facility at once; exactly one must win; it withdraws. */
async function lastBed(signal: AbortSignal, http: Client, requestIds: string[], facilityId: string): Promise<LastBedResult> {
  log(`last bed: ${LAST_BED_CLIENTS} clients in rounds, ${MEASURE_S} s`);
  const all: bigint[] = [];
  const won: bigint[] = [];
  const refused: bigint[] = [];
  let rounds = 0;
  let good = 0;
  let errors = 0;
  let firstError: string | undefined;
  const busy = machineCpuSampler();
  const end = Date.now() + MEASURE_S * 1000;
  while (Date.now() < end && !signal.aborted && errors < MAX_ERRORS) {
    const answers = await Promise.all(
      requestIds.slice(0, LAST_BED_CLIENTS).map(async (id) => {
        const t0 = now();
        try {
          const r = await http.send('POST', proposePath(id), { facilityId });
          return { ...r, ns: now() - t0 };
        } catch (e) {
          return { status: 0, code: (e as Error).message, id: undefined, ns: now() - t0 };
        }
      }),
    );
    rounds++;
    const winners = answers.filter((a) => a.status === 201);
    if (winners.length === 1) good++;
    for (const a of answers) {
      all.push(a.ns);
      if (a.status === 201) won.push(a.ns);
      else if (a.status === 409 && a.code === 'no_free_place') refused.push(a.ns);
      else {
        errors++;
        firstError ??= `propose: HTTP ${a.status} ${a.code ?? ''}`;
      }
    }
    for (const w of winners) {
      const r = await http.send('POST', withdrawPath(w.id!));
      if (r.status !== 200) {
        errors++;
        firstError ??= `withdraw: HTTP ${r.status} ${r.code ?? ''}`;
      }
    }
  }
  return {
    rounds,
    roundsWithOneWinner: good,
    attempts: summarise(all),
    winners: summarise(won),
    refusals: summarise(refused),
    errors,
    firstError,
    machineBusy: busy(),
  };
}

// ───────────────────────────── where a pair's time goes ─────────────────────────────

interface Probe {
  calls: number;
  ms: number;
}
type Probes = Record<string, Probe>;

/**
 * Counts every statement sent by pg clients of this process (TypeORM's pool included) with its
 * round-trip time, by kind; wraps the service methods a pair goes through to time them. Only
 * while `on` is true; nothing in src changes.
 */
function instrument(app: Awaited<ReturnType<typeof createApp>>) {
  let on = false;
  let statements: Probes = {};
  let methods: Probes = {};
  /** what was sent, in order (text, parameters, connection), for the EXPLAIN replay */
  let sent: Sent[] = [];
  const add = (into: Probes, key: string, d: number) => {
    const p = (into[key] ??= { calls: 0, ms: 0 });
    p.calls++;
    p.ms += d;
  };
  const kindOf = (sql: string) => {
    const s = sql.trim().replace(/\s+/g, ' ');
    const verb = s.split(' ')[0].toUpperCase();
    if (['START', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SET', 'SAVEPOINT', 'RELEASE'].includes(verb)) return verb === 'BEGIN' ? 'START' : verb;
    const table = /\b(?:FROM|INTO|UPDATE)\s+"?([a-z_]+)"?/i.exec(s)?.[1] ?? '?';
    return `${verb} ${table}${/FOR UPDATE|FOR NO KEY UPDATE/i.test(s) ? ' (lock)' : ''}`;
  };
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const orig = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    if (!on) return orig.apply(this, args);
    const q = args[0] as string | { text?: string };
    const sql = typeof q === 'string' ? q : (q?.text ?? '?');
    const values = Array.isArray(args[1]) ? (args[1] as unknown[]) : ((q as { values?: unknown[] })?.values ?? []);
    sent.push({ text: sql, values, client: this });
    const t0 = now();
    const kind = kindOf(sql);
    const cb = args.findIndex((a) => typeof a === 'function');
    if (cb >= 0) {
      const inner = args[cb] as (...r: unknown[]) => unknown;
      args[cb] = (...r: unknown[]) => {
        add(statements, kind, ms(now() - t0));
        return inner(...r);
      };
      return orig.apply(this, args);
    }
    const r = orig.apply(this, args) as Promise<unknown> | undefined;
    if (r && typeof (r as Promise<unknown>).then === 'function')
      void r.then(
        () => add(statements, kind, ms(now() - t0)),
        () => add(statements, kind, ms(now() - t0)),
      );
    return r;
  };
  const wrap = <T extends object>(target: T, method: keyof T & string, name: string) => {
    const fn = (target[method] as (...a: unknown[]) => unknown).bind(target);
    (target as Record<string, unknown>)[method] = async (...a: unknown[]) => {
      if (!on) return fn(...a);
      const t0 = now();
      try {
        return await fn(...a);
      } finally {
        add(methods, name, ms(now() - t0));
      }
    };
  };
  const tx = app.get(Transactions);
  wrap(app.get(PlacementRequestsRepository), 'lockForProposal', 'request and facility locked (lockForProposal, 1 statement)');
  wrap(
    app.get(ProposalsRepository),
    'lockForDecision',
    'request and proposal locked with what the answer needs (lockForDecision, 1 statement)',
  );
  wrap(tx, 'readTogether', "the checks' reads (Transactions.readTogether, 1 statement)");
  wrap(app.get(HoldsService), 'hold', 'hold (HoldsService.hold → approdo_hold, 1 statement)');
  wrap(tx, 'writeTogether', 'every write (Transactions.writeTogether, 1 statement)');
  wrap(app.get(ProposalsService), 'propose', 'whole propose unit of work (ProposalsService.propose)');
  return {
    start: () => {
      statements = {};
      methods = {};
      sent = [];
      on = true;
    },
    stop: () => {
      on = false;
      return { statements, methods, sent };
    },
  };
}

interface Breakdown {
  pairs: number;
  proposeMs: LatencySummary;
  withdrawMs: LatencySummary;
  propose: { statements: Probes; methods: Probes };
  withdraw: { statements: Probes; methods: Probes };
  triggers: { name: string; calls: number; ms: number }[];
  /** the last pair's statements replayed under EXPLAIN (ANALYZE, BUFFERS), or why not */
  explained: ExplainedStatement[] | string;
  validationUs: number;
  serialiseUs: number;
  serviceCpuMsPerPair: number;
  postgresCpuMsPerPair: number;
  /** the service process's CPU by where the code comes from, from a CPU profile of more serial pairs */
  cpuProfile: { pairs: number; rows: { where: string; msPerPair: number; share: number }[] };
  /** what the stack costs before any lifecycle work: serial calls that do (almost) nothing */
  floor: FloorRow[];
}

interface FloorRow {
  what: string;
  calls: number;
  meanMs: number;
  serviceCpuMs: number;
  postgresCpuMs: number;
  statements: number;
}

/**
 * The floor of this stack on this machine: CPU per serial call of things a pair cannot do without
 * (an HTTP exchange through Nest and Fastify with and without the token check, one statement
 * round trip through TypeORM), measured like the pairs.
 */
async function floor(
  signal: AbortSignal,
  probes: ReturnType<typeof instrument>,
  http: Client,
  app: Awaited<ReturnType<typeof createApp>>,
  proposalId: string,
  pgPid: number | null,
) {
  const N = 400;
  const ds = app.get(DataSource);
  const ok = (path: string) => () =>
    http.send('GET', path).then((r) => {
      if (r.status !== 200) throw new Error(`floor: GET ${path} answered ${r.status} ${r.code ?? ''}`);
    });
  const calls: [string, () => Promise<unknown>][] = [
    ['HTTP `GET /health/live` (no token, no database)', ok('/health/live')],
    ['HTTP `GET /api/v1/proposals/:id` (token, access policy, its reads)', ok(`/api/v1/proposals/${proposalId}`)],
    ['one statement through TypeORM (`SELECT 1`, no HTTP)', () => ds.query('SELECT 1')],
    ['empty transaction through TypeORM (START, COMMIT)', () => ds.transaction(async () => undefined)],
  ];
  const rows: FloorRow[] = [];
  // the token-checked read again, from the load process (undici): no message per call in the service's process
  for (const path of ['/health/live', `/api/v1/proposals/${proposalId}`]) {
    let cpu: ReturnType<typeof cpuSampler> | undefined;
    let taken: ReturnType<ReturnType<typeof cpuSampler>> | undefined;
    const r = await runPairLoad(
      {
        base: http.base,
        token: http.token,
        clients: 1,
        requestIds: [],
        facilityIds: [],
        warmupS: 1,
        measureS: 3,
        maxErrors: 1,
        readPath: path,
      },
      (p) => (p === 'measure' ? (cpu = cpuSampler(pgPid)) : (taken = cpu?.())),
      signal,
    );
    if (r.errors || !taken) throw new Error(`floor: ${r.firstError ?? 'no measure'}`);
    rows.push({
      what: `HTTP \`GET ${path.replace(proposalId, ':id')}\` from the load process (undici, serial)`,
      calls: r.pairs,
      meanMs: r.proposeMs.reduce((a, b) => a + b, 0) / r.pairs,
      serviceCpuMs: (1000 * taken.serviceS) / r.pairs,
      postgresCpuMs: (1000 * taken.postgresS) / r.pairs,
      statements: NaN,
    });
  }
  for (const [what, call] of calls) {
    for (let i = 0; i < 50; i++) await call(); // warm-up
    const cpu = cpuSampler(pgPid);
    probes.start();
    const t0 = now();
    let n = 0;
    for (; n < N && !signal.aborted; n++) await call();
    const c = cpu();
    const statements = Object.values(probes.stop().statements).reduce((a, p) => a + p.calls, 0) / n;
    rows.push({
      what,
      calls: n,
      meanMs: ms(now() - t0) / n,
      serviceCpuMs: (1000 * c.serviceS) / n,
      postgresCpuMs: (1000 * c.postgresS) / n,
      statements,
    });
  }
  return rows;
}

/** Where sampled code lives: a package of node_modules, this project's src, Node itself, or V8's own bucket. */
function origin(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? `V8 ${fn}` : 'native / V8 builtins';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  // the bench's messages to and from its HTTP client process are the bench's cost, not the service's
  if (url.startsWith('node:internal/child_process')) return 'bench harness (messages to the client process)';
  if (url.startsWith('node:')) return 'Node.js internals (net, http, streams, timers…)';
  if (/\/src\//.test(url)) return 'Approdo src';
  if (/\/bench\/support\/http-client/.test(url)) return 'bench harness (messages to the client process)';
  if (/\/bench\//.test(url)) return 'bench probes';
  return url;
}

/** Self time of the service's main thread over `pairs` serial pairs, by origin. */
async function profilePairs(
  signal: AbortSignal,
  target: { base: string; token: string },
  seconds: number,
  requestId: string,
  facilityId: string,
) {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
    // serial pairs from the load process: nothing per call crosses into this process but HTTP
    const load = await runPairLoad(
      { ...target, clients: 1, requestIds: [requestId], facilityIds: [facilityId], warmupS: 0, measureS: seconds, maxErrors: 1 },
      () => undefined,
      signal,
    );
    if (load.errors) throw new Error(`profile: ${load.firstError}`);
    const pairs = load.pairs;
    const { profile } = await session.post('Profiler.stop');
    // the raw profile, for chrome://inspect or a closer look
    if (process.env.BENCH_CPU_PROFILE) await writeFile(process.env.BENCH_CPU_PROFILE, JSON.stringify(profile));
    const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    /** native code (no URL) is named with the nearest JS caller's origin */
    const whereOf = (id: number): string => {
      const n = byNode.get(id)!;
      const { url, functionName } = n.callFrame;
      if (url || functionName.startsWith('(')) return origin(url, functionName);
      let up = parent.get(id);
      while (up !== undefined && !byNode.get(up)!.callFrame.url) up = parent.get(up);
      const caller = up === undefined ? 'unknown' : origin(byNode.get(up)!.callFrame.url, '');
      return `${caller} → native \`${functionName || '(anonymous)'}\``;
    };
    // samples under the inspector's own calls (Profiler.stop serialising the profile) are the profiler's, not the service's
    const inProfiler = new Set<number>();
    const mark = (id: number) => {
      inProfiler.add(id);
      for (const c of byNode.get(id)!.children ?? []) mark(c);
    };
    for (const n of profile.nodes) if (n.callFrame.url === 'node:inspector' && !inProfiler.has(n.id)) mark(n.id);
    const totals = new Map<string, number>();
    const deltas = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, i) => {
      if (inProfiler.has(id)) return;
      const where = whereOf(id);
      totals.set(where, (totals.get(where) ?? 0) + (deltas[i] ?? 0) / 1000);
    });
    totals.delete('V8 (idle)');
    const busy = [...totals.values()].reduce((a, b) => a + b, 0);
    const rows = [...totals.entries()]
      .map(([where, msAll]) => ({ where, msPerPair: msAll / pairs, share: msAll / busy }))
      .sort((a, b) => b.msPerPair - a.msPerPair);
    return { pairs, rows };
  } finally {
    session.disconnect();
  }
}

/**
 * The statements of a real pair's two units of work, replayed under EXPLAIN (ANALYZE, BUFFERS) on
 * its own request and facility once it was withdrawn (the state a next pair of the loop starts
 * from: the request open, the facility's places free), with a fresh proposal id, then rolled back.
 */
async function explainPair(db: string, pair: { proposalId: string; propose: Sent[]; withdraw: Sent[] }) {
  const real = await withClient(
    db,
    async (c) =>
      (
        await c.query<{ request_id: string; facility_id: string; hold_id: string; created_by_sub: string }>(
          'SELECT request_id, facility_id, hold_id, created_by_sub FROM proposal WHERE id = $1',
          [pair.proposalId],
        )
      ).rows[0],
  );
  const state = async (c: pg.Client, ids: Map<string, string>) =>
    (
      await c.query<{ status: string; live: boolean }>(
        'SELECT p.status, h.released_at IS NULL AS live FROM proposal p JOIN place_hold h ON h.id = p.hold_id WHERE p.id = $1',
        [ids.get(pair.proposalId)],
      )
    ).rows[0];
  return explainReplay(
    db,
    [
      { name: 'propose', statements: insideTransactions(pair.propose) },
      { name: 'withdraw', statements: insideTransactions(pair.withdraw) },
    ],
    {
      keep: [real.request_id, real.facility_id, real.created_by_sub],
      // the hold's id is made by approdo_hold: the replayed one is read back by its reference (the proposal)
      learn: async (c, ids) => {
        if (!ids.has(pair.proposalId) || ids.has(real.hold_id)) return;
        const r = await c.query<{ id: string }>('SELECT id FROM place_hold WHERE reference_id = $1', [ids.get(pair.proposalId)]);
        if (r.rows[0]) ids.set(real.hold_id, r.rows[0].id);
      },
      check: async (step, c, ids) => {
        const s = await state(c, ids);
        const want = step === 'propose' ? { status: 'pending', live: true } : { status: 'withdrawn', live: false };
        if (s?.status !== want.status || s.live !== want.live)
          throw new Error(`after the replayed ${step}: ${JSON.stringify(s)}, expected ${JSON.stringify(want)}`);
      },
    },
  );
}

async function breakdown(
  signal: AbortSignal,
  http: Client,
  app: Awaited<ReturnType<typeof createApp>>,
  probes: ReturnType<typeof instrument>,
  requestId: string,
  facilityId: string,
  db: string,
  pgPid: number | null,
): Promise<Breakdown> {
  log(`breakdown: ${PROFILE_PAIRS} pairs by one client, statements counted`);
  const triggerStats = () =>
    withClient(db, async (c) => {
      await c.query('SELECT pg_stat_clear_snapshot()');
      return new Map(
        (await c.query(`SELECT funcname, calls::int AS calls, total_time::float AS ms FROM pg_stat_user_functions`)).rows.map(
          (r: { funcname: string; calls: number; ms: number }) => [r.funcname, r],
        ),
      );
    });
  // pg_stat_user_functions is written when a backend's transaction ends (at most every second): wait for it
  const t0Stats = await triggerStats();
  const sum = (into: Probes, from: Probes) => {
    for (const [k, v] of Object.entries(from)) {
      const p = (into[k] ??= { calls: 0, ms: 0 });
      p.calls += v.calls;
      p.ms += v.ms;
    }
  };
  const pStat: Probes = {},
    pMeth: Probes = {},
    wStat: Probes = {},
    wMeth: Probes = {};
  const pNs: bigint[] = [],
    wNs: bigint[] = [];
  let last: { proposalId: string; propose: Sent[]; withdraw: Sent[] } | undefined;
  const cpu = cpuSampler(pgPid);
  for (let i = 0; i < PROFILE_PAIRS && !signal.aborted; i++) {
    probes.start();
    const t0 = now();
    const p = await http.send('POST', proposePath(requestId), { facilityId });
    pNs.push(now() - t0);
    const a = probes.stop();
    if (p.status !== 201) throw new Error(`breakdown: propose answered ${p.status} ${p.code ?? ''}`);
    sum(pStat, a.statements);
    sum(pMeth, a.methods);
    probes.start();
    const t1 = now();
    const w = await http.send('POST', withdrawPath(p.id!));
    wNs.push(now() - t1);
    const b = probes.stop();
    if (w.status !== 200) throw new Error(`breakdown: withdraw answered ${w.status} ${w.code ?? ''}`);
    sum(wStat, b.statements);
    sum(wMeth, b.methods);
    last = { proposalId: p.id!, propose: a.sent, withdraw: b.sent };
  }
  const c = cpu();
  await sleep(1200, signal);
  const t1Stats = await triggerStats();
  log("EXPLAIN (ANALYZE, BUFFERS) of the last pair's statements, replayed and rolled back");
  const explained = last ? await explainPair(db, last).catch((e: Error) => `replay failed: ${e.message}`) : 'no pair';
  log(`CPU profile of the service over ${PROFILE_SECONDS} s of serial pairs from the load process`);
  const cpuProfile = await profilePairs(signal, { base: http.base, token: http.token }, PROFILE_SECONDS, requestId, facilityId);
  log('floor: serial calls that do almost nothing');
  const lastProposal = await withClient(db, async (cl) =>
    String((await cl.query('SELECT id FROM proposal ORDER BY created_at DESC LIMIT 1')).rows[0].id),
  );
  const floorRows = await floor(signal, probes, http, app, lastProposal, pgPid);
  const triggers = [...t1Stats.values()]
    .map((r) => ({
      name: r.funcname,
      calls: r.calls - (t0Stats.get(r.funcname)?.calls ?? 0),
      ms: r.ms - (t0Stats.get(r.funcname)?.ms ?? 0),
    }))
    .filter((r) => r.calls > 0)
    .sort((a, b) => b.ms - a.ms);

  // validation of the propose body, and serialisation of an answer of the shape the API sends
  const pipe = createValidationPipe();
  const N = 5000;
  let t = now();
  for (let i = 0; i < N; i++) await pipe.transform({ facilityId }, { type: 'body', metatype: CreateProposalDto });
  const validationUs = ms(now() - t) * (1000 / N);
  const sample = await withClient(db, async (cl) => (await cl.query('SELECT * FROM proposal ORDER BY created_at DESC LIMIT 1')).rows[0]);
  const body = { ...sample, holdExpiresAt: new Date().toISOString(), replayed: false };
  t = now();
  for (let i = 0; i < N; i++) JSON.stringify(body);
  const serialiseUs = ms(now() - t) * (1000 / N);
  const n = pNs.length;
  const per = (x: Probes) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, { calls: v.calls / n, ms: v.ms / n }]));
  return {
    pairs: n,
    proposeMs: summarise(pNs),
    withdrawMs: summarise(wNs),
    propose: { statements: per(pStat), methods: per(pMeth) },
    withdraw: { statements: per(wStat), methods: per(wMeth) },
    triggers: triggers.map((x) => ({ name: x.name, calls: x.calls / n, ms: x.ms / n })),
    explained,
    validationUs,
    serialiseUs,
    serviceCpuMsPerPair: (1000 * c.serviceS) / n,
    postgresCpuMsPerPair: (1000 * c.postgresS) / n,
    cpuProfile,
    floor: floorRows,
  };
}

// ───────────────────────────── report ─────────────────────────────

/** The floor table, and what it leaves of the CPU a pair may use at the 32-client target. */
function floorText(rows: FloorRow[], tps32: number | undefined): string {
  const cores = availableParallelism();
  const lines = [
    `**The floor of the stack** (serial calls by one client, after 50 warm-up calls; CPU per call on the same machine as above):`,
    '',
    table([
      ['Call', 'calls', 'mean (ms)', 'service CPU (ms)', 'PostgreSQL CPU (ms)', 'both (ms)'],
      ...rows.map((r) => [
        r.what,
        r.calls,
        fmt(r.meanMs, 2),
        fmt(r.serviceCpuMs, 2),
        fmt(r.postgresCpuMs, 2),
        fmt(r.serviceCpuMs + r.postgresCpuMs, 2),
      ]),
    ]),
  ];
  const http = rows.find((r) => r.what.includes('access policy'));
  if (tps32 && http) {
    const budget = (cores * 1000) / (TARGET_RATIO_32 * tps32);
    const two = 2 * (http.serviceCpuMs + http.postgresCpuMs);
    lines.push(
      '',
      `At the 32-client target (${pct(TARGET_RATIO_32)} of ${fmt(tps32, 0)} tps = ${fmt(TARGET_RATIO_32 * tps32, 0)} pairs/s) and ${cores} cores fully busy, ` +
        `a pair may use at most ${fmt(budget, 2)} ms of CPU, service and PostgreSQL together. Two token-checked HTTP calls that each read one ` +
        `proposal (${fmt(http.statements, 1)} statements each), less than any propose or withdraw does, use ${fmt(two, 2)} ms (${pct(two / budget)} of that budget).`,
    );
  }
  return lines.join('\n');
}

/** The EXPLAIN replay's two tables: every trigger fired, and every statement. */
function explainText(x: ExplainedStatement[] | string): string {
  const head =
    "**The last pair's statements under `EXPLAIN (ANALYZE, BUFFERS)`** (the statements of its two transactions as the service sent them, text and parameters, " +
    'replayed on one connection on the same request and facility once the pair was withdrawn, with a fresh proposal id, inside ' +
    '`BEGIN; SET CONSTRAINTS ALL IMMEDIATE; … ROLLBACK`; each statement planned afresh, not a prepared one):';
  if (typeof x === 'string') return `${head}\n\n${x}`;
  const label = (s: ExplainedStatement) => `${s.step}: \`${s.kind}\``;
  const fired = x.flatMap((s) => s.triggers.map((t) => ({ ...t, on: label(s) })));
  const sumMs = (s: ExplainedStatement) => s.triggers.reduce((a, t) => a + t.ms, 0);
  return [
    head,
    '',
    fired.length
      ? table([
          ['Trigger (EXPLAIN)', 'relation', 'statement it fired on', 'calls', 'ms'],
          ...fired.map((t) => [
            // a foreign key's trigger is named by its key
            t.constraint && t.constraint !== t.name ? `\`${t.name}\` (\`${t.constraint}\`)` : `\`${t.name}\``,
            t.relation,
            t.on,
            t.calls,
            fmt(t.ms, 3),
          ]),
        ])
      : '(no trigger fired at the level of a statement)',
    '',
    table([
      ['Statement', 'its plan writes', 'execution (ms)', 'of it in triggers (ms)', 'planning (ms)', 'shared buffers hit / read / dirtied'],
      ...x.map((s) => [
        label(s),
        s.writes.join(', ') || '–',
        fmt(s.executionMs, 3),
        fmt(sumMs(s), 3),
        fmt(s.planningMs, 3),
        `${s.buffers.hit} / ${s.buffers.read} / ${s.buffers.dirtied}`,
      ]),
    ]),
    '',
    'A function called by a statement (`approdo_hold()` inserting a hold and its events, `approdo_release()`) runs its own statements inside the function: ' +
      "the triggers those fire are not listed and their cost is only within the calling statement's execution time. " +
      'The deferred live-event constraint triggers, which the service fires at COMMIT, were made immediate for this measure, so they show on the statement that queued them. ' +
      "Buffers are the plan's (data-modifying CTEs included); what triggers read is in their time, not in these counts.",
  ].join('\n');
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : 'n/a');
const yes = (b: boolean) => (b ? '**met**' : '**not met**');

function statementTable(title: string, b: { statements: Probes; methods: Probes }, totalMs: number): string {
  const st = Object.entries(b.statements).sort((x, y) => y[1].ms - x[1].ms);
  const calls = st.reduce((s, [, v]) => s + v.calls, 0);
  const sqlMs = st.reduce((s, [, v]) => s + v.ms, 0);
  return [
    `**${title}**: ${fmt(calls, 1)} statements (round trips) per call, ${fmt(sqlMs, 2)} ms awaiting them of ${fmt(totalMs, 2)} ms mean through HTTP.`,
    '',
    table([['Statement (verb, table)', 'per call', 'ms per call'], ...st.map(([k, v]) => [`\`${k}\``, fmt(v.calls, 1), fmt(v.ms, 2)])]),
    '',
    table([
      ['Step (wrapped service method; nested steps overlap)', 'calls per call', 'ms per call'],
      ...Object.entries(b.methods)
        .sort((x, y) => y[1].ms - x[1].ms)
        .map(([k, v]) => [k, fmt(v.calls, 1), fmt(v.ms, 2)]),
    ]),
  ].join('\n');
}

function report(o: {
  startedAt: Date;
  durationS: number;
  dbDescribe: string;
  external: boolean;
  poolSize: number;
  pgbench: Map<number, PgbenchResult>;
  pgbenchError?: string;
  levels: PairsResult[];
  last: LastBedResult;
  bd: Breakdown;
  calls: CallRow[];
  leftover: { liveHolds: number; liveProposals: number };
}): { stdout: string; docs: string } {
  const callsTable = table([
    [
      `Call (${CALL_CLIENTS} clients at once)`,
      'calls',
      'statements per call (+ BEGIN, COMMIT)',
      'calls/s',
      'p50 / p99 (ms)',
      'CPU per call: service / PostgreSQL (ms)',
      'errors',
      'machine busy',
    ],
    ...o.calls.map((c) => [
      c.call,
      c.calls,
      `${fmt(c.statements, 1)} (${fmt(c.statementsAll, 1)})`,
      fmt(c.callsPerSecond, 0),
      c.latency.count ? `${fmt(c.latency.p50)} / ${fmt(c.latency.p99)}` : 'n/a',
      `${fmt(c.serviceCpuMs, 2)} / ${fmt(c.postgresCpuMs, 2)}`,
      c.errors ? `${c.errors} (first: ${c.firstError})` : '0',
      pct(c.machineBusy),
    ]),
  ]);
  const callOf = (name: string) => o.calls.find((c) => c.call === name);
  const pairStatements = (callOf('propose')?.statementsAll ?? NaN) + (callOf('withdraw')?.statementsAll ?? NaN);
  const at8 = o.levels.find((r) => r.clients === 8);
  const callErrors = o.calls.reduce((s, c) => s + c.errors, 0);
  const ratio = (r: PairsResult) => {
    const b = o.pgbench.get(r.clients);
    return b ? r.pairsPerSecond / b.tps : NaN;
  };
  const figures = table([
    [
      'Clients',
      'pairs/s',
      'pgbench -N tps (same clients)',
      'pairs/s ÷ tps',
      'propose p50 / p95 / p99 (ms)',
      'withdraw p50 / p99 (ms)',
      'errors',
      'CPU per pair: service / PostgreSQL / load client (ms)',
      'roll-up deltas pending: most / oldest (s)',
      'machine busy',
      'load avg 1 min (end)',
    ],
    ...o.levels.map((r) => [
      r.clients,
      fmt(r.pairsPerSecond, 0),
      o.pgbench.get(r.clients) ? fmt(o.pgbench.get(r.clients)!.tps, 0) : 'n/a',
      pct(ratio(r)),
      `${fmt(r.propose.p50)} / ${fmt(r.propose.p95)} / ${fmt(r.propose.p99)}`,
      `${fmt(r.withdraw.p50)} / ${fmt(r.withdraw.p99)}`,
      r.errors ? `${r.errors} (first: ${r.firstError})` : '0',
      `${fmt(r.serviceCpuMsPerPair, 2)} / ${fmt(r.postgresCpuMsPerPair, 2)} / ${fmt(r.clientCpuMsPerPair, 2)}`,
      `${r.rollupLag.maxRows} / ${fmt(r.rollupLag.maxOldestS)}`,
      pct(r.machineBusy),
      fmt(r.loadAvg1, 2),
    ]),
  ]);
  const l = o.last;
  const lastTable = table([
    [`Last bed, ${LAST_BED_CLIENTS} clients`, 'count', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'max (ms)'],
    ...(
      [
        ['every propose', l.attempts],
        ['the winner', l.winners],
        ['refused (409 no_free_place)', l.refusals],
      ] as const
    ).map(([n, s]) => [n, s.count, fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)]),
  ]);
  const lastPara =
    `${l.rounds} rounds, ${l.roundsWithOneWinner} with exactly one winner (must be all), ${l.errors} errors` +
    (l.firstError ? ` (first: ${l.firstError})` : '') +
    `; machine busy ${pct(l.machineBusy)}. Left at the end: ${o.leftover.liveHolds} live holds, ${o.leftover.liveProposals} live proposals (must be 0).`;
  const at32 = o.levels.find((r) => r.clients === 32);
  const at64 = o.levels.find((r) => r.clients === 64);
  const totalErrors = o.levels.reduce((s, r) => s + r.errors, 0) + l.errors + callErrors;
  const p99at64 = Math.max(at64?.propose.p99 ?? NaN, l.attempts.p99);
  const targets = table([
    ['Target', 'Measured', 'Result'],
    [
      '0 errors at every level (last bed: 409 no_free_place expected)',
      `${totalErrors}`,
      yes(totalErrors === 0 && l.roundsWithOneWinner === l.rounds),
    ],
    [
      `32 clients: pairs/s ≥ ${pct(TARGET_RATIO_32)} of pgbench -N tps`,
      at32 && o.pgbench.get(32)
        ? `${fmt(at32.pairsPerSecond, 0)} pairs/s vs ${fmt(o.pgbench.get(32)!.tps, 0)} tps = ${pct(ratio(at32))}`
        : `n/a ${o.pgbenchError ?? ''}`,
      at32 && o.pgbench.get(32) ? yes(ratio(at32) >= TARGET_RATIO_32) : 'not evaluated',
    ],
    [
      `propose p99 ≤ ${TARGET_P99_64} ms at 64 clients (pairs and last bed)`,
      `${fmt(at64?.propose.p99 ?? NaN)} ms (pairs), ${fmt(l.attempts.p99)} ms (last bed)`,
      yes(p99at64 <= TARGET_P99_64),
    ],
    [
      `statements per pair ≤ ${TARGET_STATEMENTS_PAIR}, BEGIN and COMMIT included (per-call table)`,
      fmt(pairStatements, 1),
      yes(pairStatements <= TARGET_STATEMENTS_PAIR),
    ],
    [
      `service + PostgreSQL CPU per pair ≤ ${TARGET_CPU_PAIR_MS} ms (pairs at 8 clients)`,
      at8 ? `${fmt(at8.serviceCpuMsPerPair, 2)} + ${fmt(at8.postgresCpuMsPerPair, 2)} ms` : 'n/a',
      yes((at8 ? at8.serviceCpuMsPerPair + at8.postgresCpuMsPerPair : NaN) <= TARGET_CPU_PAIR_MS),
    ],
  ]);
  const bd = o.bd;
  const trig = bd.triggers.length
    ? table([
        ['Trigger / function (pg_stat_user_functions)', 'calls per pair', 'ms per pair'],
        ...bd.triggers.map((t) => [`\`${t.name}\``, fmt(t.calls, 1), fmt(t.ms, 3)]),
      ])
    : '(no function statistics: track_functions could not be set)';
  const breakdownText = [
    `One client, ${bd.pairs} serial pairs on its own request and facility (no contention): propose p50 ${fmt(bd.proposeMs.p50)} ms (mean ${fmt(bd.proposeMs.mean, 2)}), ` +
      `withdraw p50 ${fmt(bd.withdrawMs.p50)} ms (mean ${fmt(bd.withdrawMs.mean, 2)}); CPU per pair ${fmt(bd.serviceCpuMsPerPair, 2)} ms in the service process, ` +
      `${fmt(bd.postgresCpuMsPerPair, 2)} ms in PostgreSQL.`,
    '',
    statementTable('Propose', bd.propose, bd.proposeMs.mean),
    '',
    statementTable('Withdraw', bd.withdraw, bd.withdrawMs.mean),
    '',
    trig,
    '',
    explainText(bd.explained),
    '',
    `**The service's CPU by origin** (V8 sampling profile of the service's main thread, ${bd.cpuProfile.pairs} more serial pairs, self time; ` +
      'the profiler\'s own work (serialising the profile) is left out; the bench\'s messages to its client process are shown apart; "V8 (program)" is time in V8/native code outside JS frames, "(garbage collector)" is GC):',
    '',
    table([['Where', 'ms per pair', 'share'], ...bd.cpuProfile.rows.slice(0, 16).map((r) => [r.where, fmt(r.msPerPair, 2), pct(r.share)])]),
    '',
    `Validation of the propose body (the API's ValidationPipe on \`CreateProposalDto\`): ${fmt(bd.validationUs, 1)} µs per call. ` +
      `JSON serialisation of a proposal answer: ${fmt(bd.serialiseUs, 2)} µs.`,
    '',
    floorText(bd.floor, o.pgbench.get(32)?.tps),
  ].join('\n');
  const stdout = [
    '',
    '### Figures',
    '',
    figures,
    '',
    '### Last bed',
    '',
    lastTable,
    '',
    lastPara,
    '',
    '### Every call under concurrency',
    '',
    callsTable,
    '',
    '### Where a pair goes',
    '',
    breakdownText,
    '',
    '### Targets',
    '',
    targets,
    '',
  ].join('\n');
  const pgb = [...o.pgbench.values()][0];
  const docs = [
    `Run of ${o.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${fmt(o.durationS, 0)} s in all. Source: \`bench/http-lifecycle.ts\` (\`npm run bench -- http-lifecycle\`).`,
    '',
    `- Machine: ${machine()}.`,
    `- Database: ${o.dbDescribe}${o.external ? ', from DATABASE_URL' : ', embedded, non-persistent (the same server for the service and for pgbench)'}.`,
    `- Baseline: ${pgb ? `\`pgbench -N -c C -j 2 -n -T ${MEASURE_S}\` at C = ${[...o.pgbench.keys()].join(', ')} after \`pgbench -i -s ${PGBENCH_SCALE}\` and a ${WARMUP_S} s warm-up, database \`pgbench_bench\` on the same server, same run (${pgb.version})` : `pgbench failed: ${o.pgbenchError}`}.`,
    `- Service under test: the app as \`npm start\` builds it (\`createApp\` from src/app.factory.ts: Fastify, rate limit, validation, NODE_ENV=production so no transaction guard), ` +
      `RATE_LIMIT_PER_MINUTE raised to 10,000,000, pool of ${o.poolSize}, listening on 127.0.0.1. The pairs' clients run in a load process of their own (undici's \`Pool\`, one keep-alive connection per client, ` +
      `bench/support/pair-load.ts): the service process's CPU time is the service's own, the load process's is shown apart; all share the cores with PostgreSQL. ` +
      `The service folds the roll-ups' deltas every ${FOLD_EVERY_MS / 1000} s as its job does; the deltas still pending are sampled every second (the roll-ups' lag). ` +
      `The last bed, the per-call table and the breakdown use the older client process (\`fetch\`, one message per call).`,
    `- One pair = \`POST /api/v1/placement-requests/:id/proposals {facilityId}\` (201) then \`POST /api/v1/proposals/:id/withdraw\` (200), UOR token; each client its own open request and its own facility. ` +
      `${WARMUP_S} s warm-up, ${MEASURE_S} s measured per level; a pair counts when it completes in the window. Errors: any answer other than 201/200 (for the last bed: other than 201 and 409 no_free_place).`,
    `- CPU per pair: CPU time of the service process (process.cpuUsage) and of every PostgreSQL process (/proc) in the measured window, divided by the pairs.`,
    `- One run, ${MEASURE_S} s per figure, on a machine shared with other work: the load average above moves these figures.`,
    '',
    figures,
    '',
    `**Last bed.** One facility with one adult bed; ${LAST_BED_CLIENTS} clients, each its own request, propose at once (one round); exactly one must get 201, the others 409 no_free_place; the winner withdraws; next round. Every propose is timed.`,
    '',
    lastTable,
    '',
    lastPara,
    '',
    `**Every lifecycle call under concurrency.** ${CALL_CLIENTS} clients at once, ${CALLS_EACH} calls each, one kind of call per phase, on proposals the phases before prepared ` +
      '(propose → accept → admit → discharge; propose → decline; propose → withdraw; a propose phase is measured once); each client its own facility and requests, ' +
      'a UOR token for propose and withdraw, a manager token for the rest. Expiry is the job: one caller in the service process on holds set past their time (its statements include the one read of the due holds). ' +
      'Statements counted as below, CPU as for the pairs, per call.',
    '',
    callsTable,
    '',
    "### Where a pair's time goes",
    '',
    'Statements are counted in the bench process by wrapping `pg.Client.prototype.query` (every statement TypeORM sends goes through it; ' +
      'one statement is one round trip with the pg driver), with the time from sending to its answer. Steps are timed by wrapping the service methods ' +
      "on the application's own instances (nothing in src changes). Trigger time is PostgreSQL's `pg_stat_user_functions` with `track_functions = all` on the bench database.",
    '',
    breakdownText,
    '',
    '**Targets**',
    '',
    targets,
  ].join('\n');
  return { stdout, docs };
}

// ───────────────────────────── the bench ─────────────────────────────

export default async function httpLifecycle(ctx: BenchContext): Promise<void> {
  const startedAt = new Date();
  const t0 = now();
  const db = await benchDatabase();
  ctx.onCleanup(db.stop);
  log(db.describe);

  const pgbench = new Map<number, PgbenchResult>();
  let pgbenchError: string | undefined;
  try {
    for (const c of LEVELS) {
      ctx.signal.throwIfAborted();
      const r = await pgbenchSimpleUpdate(
        db.serverUrl,
        { scale: PGBENCH_SCALE, clients: c, threads: 2, seconds: MEASURE_S, warmupSeconds: WARMUP_S },
        ctx.signal,
      );
      pgbench.set(c, r);
      log(`pgbench -N at ${c} clients: ${fmt(r.tps, 0)} tps`);
    }
  } catch (e) {
    ctx.signal.throwIfAborted();
    const m = (e as Error).message;
    pgbenchError = /ENOENT/.test(m)
      ? 'pgbench not found: install it with `apt-get install -y postgresql-client` (or set PGBENCH)'
      : m.split('\n')[0];
    log(`pgbench failed, the ratios will not be evaluated: ${pgbenchError}`);
  }

  // trigger time per call (pg_stat_user_functions); needs a superuser, as the embedded server's user is
  const dbName = new URL(db.url).pathname.slice(1);
  await withClient(db.url, (c) => c.query(`ALTER DATABASE "${dbName}" SET track_functions = 'all'`)).catch((e) =>
    log(`track_functions not set: ${(e as Error).message}`),
  );

  ctx.signal.throwIfAborted();
  log('booting the service (createApp, as npm start does)');
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'error',
    SCHEDULER_ENABLED: 'false',
    RATE_LIMIT_PER_MINUTE: '10000000',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADDRESS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const app = await createApp(config, db.url);
  ctx.onCleanup(() => app.close());
  const probes = instrument(app);
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  const facilities = app.get(FacilitiesService);
  const requests = app.get(PlacementRequestsService);
  const n = LAST_BED_CLIENTS + 1;
  const facilityIds: string[] = [];
  const requestIds: string[] = [];
  for (let i = 0; i < n; i++) facilityIds.push((await facilities.create(ADMIN, benchFacility(2, 'pair'))).id);
  for (let i = 0; i < n; i++) requestIds.push((await requests.create(UOR, request(i))).id);
  const lastBedId = (await facilities.create(ADMIN, benchFacility(1, 'last-bed'))).id;
  await withClient(db.url, (c) => c.query('ANALYZE'));

  const dataDirectory = await withClient(db.url, (c) => c.query('SHOW data_directory')).then(
    (r) => String(r.rows[0].data_directory),
    () => null,
  );
  const pgPid = dataDirectory ? postmasterPid(dataDirectory) : null;
  log(pgPid ? `PostgreSQL postmaster pid ${pgPid}: its CPU time is read from /proc` : 'PostgreSQL processes not readable: no CPU split');

  const token = await benchApiKey(app, db.url, UOR);
  const http = Object.assign(httpClientProcess(base, { authorization: `Bearer ${token}` }), { base, token });
  ctx.onCleanup(http.close);

  const levels: PairsResult[] = [];
  for (const c of LEVELS) {
    ctx.signal.throwIfAborted();
    const r = await pairs(ctx.signal, { base, token, app }, c, requestIds, facilityIds, pgPid);
    levels.push(r);
    log(`  ${fmt(r.pairsPerSecond, 0)} pairs/s, propose p99 ${fmt(r.propose.p99)} ms, ${r.errors} errors`);
  }
  ctx.signal.throwIfAborted();
  const last = LEVELS.includes(LAST_BED_CLIENTS)
    ? await lastBed(ctx.signal, http, requestIds, lastBedId)
    : {
        rounds: 0,
        roundsWithOneWinner: 0,
        attempts: summarise([]),
        winners: summarise([]),
        refusals: summarise([]),
        errors: 0,
        machineBusy: NaN,
      };
  log(`  last bed: ${last.rounds} rounds, ${last.roundsWithOneWinner} with one winner, p99 ${fmt(last.attempts.p99)} ms`);
  ctx.signal.throwIfAborted();
  log(`every call at ${CALL_CLIENTS} clients, ${CALLS_EACH} each`);
  const calls = await callsUnderConcurrency({
    app,
    base,
    dbUrl: db.url,
    uor: UOR,
    admin: ADMIN,
    clients: CALL_CLIENTS,
    perClient: CALLS_EACH,
    probes,
    cpu: () => cpuSampler(pgPid),
    facility: benchFacility,
    request,
  });
  ctx.signal.throwIfAborted();
  const bd = await breakdown(ctx.signal, http, app, probes, requestIds[n - 1], facilityIds[n - 1], db.url, pgPid);

  const leftover = await withClient(db.url, async (c) => ({
    liveHolds: Number((await c.query(`SELECT count(*)::int AS n FROM place_hold WHERE released_at IS NULL`)).rows[0].n),
    liveProposals: Number((await c.query(`SELECT count(*)::int AS n FROM proposal WHERE status IN ('pending', 'accepted')`)).rows[0].n),
  }));

  const { stdout, docs } = report({
    startedAt,
    durationS: Number(now() - t0) / 1e9,
    dbDescribe: db.describe,
    external: db.external,
    poolSize: config.db.poolSize,
    pgbench,
    pgbenchError,
    levels,
    last,
    bd,
    calls,
    leftover,
  });
  process.stdout.write(stdout);
  if (LEVELS.join(',') !== '8,32,64') return log('BENCH_LEVELS set: docs/benchmarks.md left alone');
  writeDocsSection(SECTION, docs);
  log(`wrote the "## ${SECTION}" section of docs/benchmarks.md`);
}
