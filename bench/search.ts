import { cpus } from 'node:os';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { adapter } from '../src/app.factory.js';
import { AppModule } from '../src/app.module.js';
import type { Principal } from '../src/auth/principal.js';
import { TokenService } from '../src/auth/token.service.js';
import { AddressCipher } from '../src/common/crypto/address-cipher.js';
import { createValidationPipe } from '../src/common/validation.js';
import { loadConfig } from '../src/config/app-config.js';
import { CreateFacilityDto } from '../src/facilities/dto/create-facility.dto.js';
import { FacilitiesService } from '../src/facilities/facilities.service.js';
import { MatchingRepository } from '../src/matching/matching.repository.js';
import { CreatePlacementRequestDto } from '../src/lifecycle/requests/dto/placement-request.dto.js';
import { PlacementRequestsRepository } from '../src/lifecycle/requests/placement-requests.repository.js';
import { PlacementRequestsService } from '../src/lifecycle/requests/placement-requests.service.js';
import { ProposalsService } from '../src/lifecycle/proposals/proposals.service.js';
import type { BenchContext } from './run.js';
import { benchDatabase } from './support/database.js';
import { httpClientThread } from './support/http-client.js';
import { log } from './support/log.js';
import { breathe, type Phase, timedLoop } from './support/loop.js';
import { generateNetwork, type GeneratedFacility, networkStats, type NetworkStats } from './support/network.js';
import { bulkInsertFacilities } from './support/bulk-insert.js';
import { generateRequests } from './support/requests.js';
import { Rng } from './support/rng.js';
import { postgresCpuSampler, postmasterPid } from './support/process-cpu.js';
import { machine, table, writeDocsSection } from './support/report.js';
import { fmt, type LatencySummary, summarise } from './support/stats.js';

const { Client } = pg;

/** Issue targets: candidate-search p95 at 10 concurrent clients. */
const TARGETS: Record<number, number> = { 500: 25, 10_000: 60 };

const seconds = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
};
const SIZES = [500, 1_000, 5_000, 10_000];
const CLIENTS = 10;
const LIMIT = 20;
const REQUESTS = 50;
const PROPOSALS = 12;
const SEED = seconds('BENCH_SEED', 20261123);
const WARMUP_S = seconds('BENCH_WARMUP_SECONDS', 2);
const MEASURE_S = seconds('BENCH_SECONDS', 8);
/** one client, right after the 10-client run of each size: the uncontended service time */
const SINGLE_S = seconds('BENCH_SINGLE_SECONDS', 2);
/** through HTTP (Fastify on loopback) at the largest size; 0 skips it */
const HTTP_S = seconds('BENCH_HTTP_SECONDS', 5);
/**
 * Facilities that go through FacilitiesService.create one by one, the rest by bulk SQL. More than the
 * default 500 needs a longer BENCH_TIME_LIMIT_SECONDS (all 10,000: ~60 s more).
 */
const SERVICE_PATH = Math.min(SIZES[SIZES.length - 1], Math.floor(seconds('BENCH_SERVICE_FACILITIES', SIZES[0])));
/** what the measurements take, without inserts and boot */
const MEASURING_S = SIZES.length * (WARMUP_S + MEASURE_S + SINGLE_S) + (HTTP_S ? 1 + HTTP_S : 0);
/** run.ts stops a bench after this (same variable, same default) */
const RUNNER_LIMIT_S = seconds('BENCH_TIME_LIMIT_SECONDS', 110);

const ADMIN: Principal = { sub: 'bench-admin', role: 'admin', facilities: [] };
const UOR: Principal = { sub: 'bench-uor-07', role: 'uor', region: '07', facilities: [], email: 'uor07@example.org' };

const MAX_ERRORS = 50;
/** searches timed right after a catalogue change, per size */
const RELOADS = 3;
const ms = (ns: bigint) => Number(ns) / 1e6;

// ───────────────────────────── probes around the SQL of one search ─────────────────────────────

interface Parts {
  findMs: number;
  findCalls: number;
  liveMs: number;
  liveCalls: number;
  loadMs: number;
  loadCalls: number;
}
const zeroParts = (): Parts => ({ findMs: 0, findCalls: 0, liveMs: 0, liveCalls: 0, loadMs: 0, loadCalls: 0 });

/**
 * Wraps the repository methods candidates() goes through (the same singleton instances the services
 * hold) to add up the time spent awaiting each query. Nothing in src changes.
 */
function installProbes(find: PlacementRequestsRepository, matching: MatchingRepository) {
  let parts = zeroParts();
  const origFind = find.findById.bind(find);
  find.findById = async (id, tx) => {
    const t = process.hrtime.bigint();
    try {
      return await origFind(id, tx);
    } finally {
      parts.findMs += ms(process.hrtime.bigint() - t);
      parts.findCalls++;
    }
  };
  // every search's snapshot: catalogue version, live holds, conflict tags; and the facilities changed since, when the version moved
  const origSnapshot = matching.inSnapshot.bind(matching);
  const timed = async <T>(run: () => Promise<T>, done: (ms: number) => void): Promise<T> => {
    const t = process.hrtime.bigint();
    try {
      return await run();
    } finally {
      done(ms(process.hrtime.bigint() - t));
    }
  };
  matching.inSnapshot = (work) =>
    origSnapshot((reader) =>
      work({
        liveState: (tags, except) =>
          timed(
            () => reader.liveState(tags, except),
            (d) => ((parts.liveMs += d), parts.liveCalls++),
          ),
        facilities: (since) =>
          timed(
            () => reader.facilities(since),
            (d) => ((parts.loadMs += d), parts.loadCalls++),
          ),
      }),
    );
  return {
    reset: () => {
      parts = zeroParts();
    },
    take: (): Parts => parts,
  };
}

// ───────────────────────────── measurement ─────────────────────────────

interface RunResult {
  latency: LatencySummary;
  perSecond: number;
  avgCandidates: number;
  avgExcluded: number;
  zeroCandidates: number;
  errors: number;
  firstError?: string;
  parts: Parts;
  nodeCpu: number;
  machineBusy: number;
  /** CPU time per call (ms) in the measured window: the PostgreSQL server, this Node process, every other process */
  cpuPerCall: CpuSplit;
}

interface CpuSplit {
  pgMs: number;
  nodeMs: number;
  otherMs: number;
}

const CORES = cpus().length;

/** Splits the machine's busy CPU time in a window into PostgreSQL, this process and the rest, per call. */
function cpuSplit(calls: number, seconds: number, machineBusy: number, nodeOfOneCore: number, pgSeconds: number): CpuSplit {
  const total = machineBusy * CORES * seconds;
  const node = nodeOfOneCore * seconds;
  const perCall = (x: number) => (calls ? (1000 * x) / calls : NaN);
  return { pgMs: perCall(pgSeconds), nodeMs: perCall(node), otherMs: perCall(total - node - pgSeconds) };
}

type Probes = ReturnType<typeof installProbes>;

/** `clients` loops, each asking the candidates of a random request (per-client seeded choice). */
async function searchLoop(
  signal: AbortSignal,
  label: string,
  clients: number,
  o: { warmupS: number; measureS: number },
  ids: string[],
  probes: Probes | null,
  pgPid: number | null,
  call: (id: string) => Promise<{ candidates: unknown[]; excluded: { count: number }[] }>,
): Promise<RunResult> {
  log(`${label}: ${clients} client(s), ${o.warmupS} s warm-up + ${o.measureS} s`);
  const rngs = Array.from({ length: clients }, (_, i) => new Rng(SEED + 1000 + i));
  const latencies: bigint[] = [];
  let candidates = 0,
    excluded = 0,
    zero = 0,
    errors = 0;
  let firstError: string | undefined;
  let parts = zeroParts();
  let pgCpu: () => number = () => NaN;
  let pgSeconds = NaN;
  const r = await timedLoop(
    signal,
    clients,
    {
      ...o,
      onPhase: (p: Phase) => {
        if (p === 'measure') {
          probes?.reset();
          pgCpu = postgresCpuSampler(pgPid);
        } else {
          pgSeconds = pgCpu();
          parts = probes ? { ...probes.take() } : parts;
        }
      },
    },
    async (client, phase, fail) => {
      const id = ids[rngs[client].int(0, ids.length - 1)];
      const measuring = phase() === 'measure';
      const t0 = process.hrtime.bigint();
      try {
        const res = await call(id);
        if (measuring) {
          latencies.push(process.hrtime.bigint() - t0);
          candidates += res.candidates.length;
          excluded += res.excluded.reduce((s, x) => s + x.count, 0);
          if (!res.candidates.length) zero++;
        }
      } catch (e) {
        errors++;
        firstError ??= (e as Error).message;
        if (errors >= MAX_ERRORS) fail(new Error(`${label}: ${errors} errors, the first: ${firstError}`));
        await breathe();
      }
    },
  );
  const n = latencies.length;
  return {
    latency: summarise(latencies),
    perSecond: n / r.measuredSeconds,
    avgCandidates: candidates / n,
    avgExcluded: excluded / n,
    zeroCandidates: zero / n,
    errors,
    firstError,
    parts,
    nodeCpu: r.cpuOfOneCore,
    machineBusy: r.machineBusy,
    cpuPerCall: cpuSplit(n, r.measuredSeconds, r.machineBusy, r.cpuOfOneCore, pgSeconds),
  };
}

interface SizeResult {
  n: number;
  added: number;
  insertPath: string;
  insertS: number;
  concurrent: RunResult;
  single: RunResult;
  /** one search right after a facility changed (it reloads that facility), ms, a few times */
  afterChange: number[];
  /** the same after a deletion (it reloads the whole catalogue) */
  afterDeletion: number[];
}

// ───────────────────────────── report ─────────────────────────────

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)} %` : 'n/a');
const yes = (b: boolean) => (b ? '**met**' : '**not met**');
const per = (total: number, n: number) => (n ? total / n : NaN);
const cpuCell = (c: CpuSplit) => `${fmt(c.pgMs)} / ${fmt(c.nodeMs)} / ${fmt(c.otherMs)}`;

function networkParagraph(s: NetworkStats, staleAfterHours: number): string {
  const share = (x: number) => `${((100 * x) / s.n).toFixed(0)} %`;
  const types = [...s.byType.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([t, c]) => `${t} ${share(c)}`)
    .join(', ');
  const lines = [...s.byLine.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([t, c]) => `${t} ${share(c)}`)
    .join(', ');
  const top = s.topProvinces.map(([p, c]) => `${p} ${c}`).join(', ');
  return (
    `At N = ${s.n.toLocaleString('en')}: ${s.provinces} of 107 provinces in ${s.regions} regions (most: ${top}); ` +
    `service lines ${lines}; types ${types}; ${share(s.withFreePlace)} with at least one free place; ` +
    `${share(s.paused)} paused (acceptingNewGuests false), ${share(s.stale)} stale (confirmed more than ${staleAfterHours} h ago), ` +
    `${share(s.neverConfirmed)} never confirmed; ${share(s.secret)} with a secret address; ${share(s.withLocation)} with precise ` +
    `coordinates (coarsened to 0.1° when secret), the rest at their province centroid; ${s.places.toLocaleString('en')} place rows, ` +
    `${s.beds.toLocaleString('en')} beds/units.`
  );
}

function report(o: {
  startedAt: Date;
  durationS: number;
  dbDescribe: string;
  external: boolean;
  stats: NetworkStats;
  staleAfterHours: number;
  servicePath: { count: number; seconds: number };
  requests: { count: number; archetypes: string; proposals: number; withTags: number };
  sizes: SizeResult[];
  http: RunResult | null;
}): { stdout: string; docs: string } {
  const { sizes } = o;
  const mainTable = table([
    [
      'N facilities',
      'calls',
      'calls/s',
      'p50 (ms)',
      'p95 (ms)',
      'p99 (ms)',
      'max (ms)',
      'avg candidates',
      'avg excluded',
      'errors',
      'CPU per call: PostgreSQL / Node / other (ms)',
      'machine CPU',
    ],
    ...sizes.map((s) => {
      const r = s.concurrent;
      return [
        s.n.toLocaleString('en'),
        r.latency.count,
        fmt(r.perSecond, 0),
        fmt(r.latency.p50),
        fmt(r.latency.p95),
        fmt(r.latency.p99),
        fmt(r.latency.max),
        fmt(r.avgCandidates),
        fmt(r.avgExcluded, 0),
        r.errors,
        cpuCell(r.cpuPerCall),
        pct(r.machineBusy),
      ];
    }),
  ]);
  const partsRow = (label: string, r: RunResult) => {
    // per call; a reload is shared by the calls waiting for it, so it is spread over all calls
    const calls = r.parts.findCalls;
    const find = per(r.parts.findMs, calls);
    const live = per(r.parts.liveMs, calls);
    const load = per(r.parts.loadMs, calls);
    const rest = r.latency.mean - find - live - load;
    return [label, fmt(r.latency.mean, 2), fmt(find, 2), fmt(live, 2), String(r.parts.loadCalls), fmt(load, 2), fmt(rest, 2)];
  };
  const partsTable = table([
    [
      'N, clients',
      'mean call (ms)',
      'load request (ms)',
      'live state: version, holds, conflict tags (ms)',
      'catalogue reloads',
      'reload per call (ms)',
      'rest: network judged and ranked in the core + glue + event-loop wait (ms)',
    ],
    ...sizes.flatMap((s) => [
      partsRow(`${s.n.toLocaleString('en')}, 10`, s.concurrent),
      partsRow(`${s.n.toLocaleString('en')}, 1`, s.single),
    ]),
  ]);
  const singleTable = table([
    [
      'N facilities',
      '1 client: calls',
      'p50 (ms)',
      'p95 (ms)',
      'max (ms)',
      'calls/s',
      `first search after a facility change, ${RELOADS} times (ms)`,
      `after a deletion (ms)`,
    ],
    ...sizes.map((s) => [
      s.n.toLocaleString('en'),
      s.single.latency.count,
      fmt(s.single.latency.p50),
      fmt(s.single.latency.p95),
      fmt(s.single.latency.max),
      fmt(s.single.perSecond, 0),
      s.afterChange.map((x) => fmt(x)).join(', '),
      s.afterDeletion.map((x) => fmt(x)).join(', '),
    ]),
  ]);
  const last = sizes[sizes.length - 1];
  const targetRows = Object.entries(TARGETS).map(([n, limit]) => {
    const s = sizes.find((x) => x.n === Number(n));
    const p95 = s?.concurrent.latency.p95 ?? NaN;
    return [
      `candidate search p95 ≤ ${limit} ms at N = ${Number(n).toLocaleString('en')}, 10 clients`,
      s ? `${fmt(p95)} ms` : 'not measured',
      s ? yes(p95 <= limit && s.concurrent.errors === 0) : 'not evaluated',
    ];
  });
  const targets = table([['Target', 'Measured', 'Result'], ...targetRows]);

  const lc = last.concurrent.cpuPerCall;
  const ownMs = lc.pgMs + lc.nodeMs;
  const tail = last.concurrent.latency.p95 / last.concurrent.latency.mean;
  const capacityPara = Number.isFinite(ownMs)
    ? `**CPU budget.** At N = ${last.n.toLocaleString('en')} one search costs ${fmt(lc.pgMs)} ms of PostgreSQL CPU and ${fmt(lc.nodeMs)} ms of ` +
      `Node CPU (${fmt(ownMs)} ms in all; "other" is CPU used meanwhile by other processes on the machine). ${CORES} cores then serve at most ` +
      `~${fmt((1000 * CORES) / ownMs, 0)} searches/s, and ${CLIENTS} clients without think time queue for them: a mean latency of at least ` +
      `~${fmt((CLIENTS * ownMs) / CORES, 0)} ms (${CLIENTS} × ${fmt(ownMs)} / ${CORES}) before any other load. A p95 of ${TARGETS[10_000]} ms at ` +
      `${CLIENTS} clients needs roughly ≤ ${fmt((TARGETS[10_000] / tail) * (CORES / CLIENTS), 0)} ms of CPU per search on this machine ` +
      `(with p95 = ${fmt(tail, 2)} × mean, as in this run)` +
      (ownMs * tail * CLIENTS > CORES * TARGETS[10_000]
        ? `, about ${fmt((ownMs * tail * CLIENTS) / CORES / TARGETS[10_000], 1)} times less than now.`
        : `; it uses ${fmt(ownMs)} ms. Node runs on one core, so the event loop (${fmt(lc.nodeMs)} ms per search, ${CLIENTS} clients) bounds the latency before the cores do.`)
    : '';
  const httpPara = o.http
    ? `**Through HTTP** at N = ${last.n.toLocaleString('en')}: \`GET /api/v1/placement-requests/:id/candidates?limit=${LIMIT}\` on the Fastify app ` +
      `listening on 127.0.0.1, bearer token of the same UOR, ${CLIENTS} concurrent \`fetch\` loops (keep-alive) on a worker thread of the server's Node process ` +
      `(1 s warm-up, ${HTTP_S} s): ${o.http.latency.count} calls, ${fmt(o.http.perSecond, 0)}/s, p50 ${fmt(o.http.latency.p50)} ms, ` +
      `p95 ${fmt(o.http.latency.p95)} ms, p99 ${fmt(o.http.latency.p99)} ms, max ${fmt(o.http.latency.max)} ms, ${o.http.errors} errors, ` +
      `CPU per call ${cpuCell(o.http.cpuPerCall)} ms (PostgreSQL / Node, server and client / other). The client has its own event loop ` +
      `but shares the process and the 2 cores, so this is an upper bound for the server.`
    : '';
  const growth = sizes
    .map((s) => `${s.n.toLocaleString('en')}: +${s.added.toLocaleString('en')} via ${s.insertPath} in ${fmt(s.insertS)} s`)
    .join('; ');
  const servicePerFacility = (o.servicePath.seconds * 1000) / o.servicePath.count;
  const all = SIZES[SIZES.length - 1];
  const serviceAllS = (servicePerFacility * all) / 1000;
  const insertWhy =
    o.servicePath.count >= all
      ? `all ${all.toLocaleString('en')} facilities through \`FacilitiesService.create\` one by one (${fmt(o.servicePath.seconds)} s, ${fmt(servicePerFacility, 1)} ms each)`
      : `the first ${o.servicePath.count.toLocaleString('en')} facilities through \`FacilitiesService.create\` one by one (${fmt(o.servicePath.seconds)} s, ` +
        `${fmt(servicePerFacility, 1)} ms each: ~${fmt(serviceAllS, 0)} s for ${all.toLocaleString('en')}, ` +
        `${serviceAllS > 60 ? 'over the ~60 s the issue allows' : 'near the ~60 s the issue allows'}; with the ~${fmt(MEASURING_S, 0)} s of measurements it ` +
        `${serviceAllS + MEASURING_S > RUNNER_LIMIT_S ? 'would not fit' : 'would barely fit'} the runner's ${fmt(RUNNER_LIMIT_S, 0)} s limit), the rest by plain SQL in bulk ` +
        `(one \`INSERT … SELECT FROM unnest\` into \`facility\` and one into \`facility_place\` per step, the service's columns and derivations, every address ` +
        `and location encrypted with the app's \`AddressCipher\`; no 'created' events or audit rows, which matching never reads). ` +
        `\`BENCH_SERVICE_FACILITIES=${all}\` with a longer \`BENCH_TIME_LIMIT_SECONDS\` builds all of it through the service`;

  const stdout = [
    '',
    '### Candidate search, 10 clients',
    '',
    mainTable,
    '',
    '### One client',
    '',
    singleTable,
    '',
    '### Where the time goes',
    '',
    partsTable,
    '',
    capacityPara,
    '',
    httpPara,
    '',
    '### Targets',
    '',
    targets,
    '',
  ].join('\n');

  const docs = [
    `Run of ${o.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${fmt(o.durationS, 0)} s in all. Source: \`bench/search.ts\` (generators in \`bench/support/network.ts\`, \`requests.ts\`, \`bulk-insert.ts\`).`,
    '',
    `- Machine: ${machine()}.`,
    `- Database: ${o.dbDescribe}${o.external ? ', from DATABASE_URL' : ', embedded, non-persistent'}.`,
    `- Service under test: \`PlacementRequestsService.candidates(uor, requestId, ${LIMIT})\` — the logic of \`GET /api/v1/placement-requests/:id/candidates\` ` +
      `minus HTTP: load the request, read the catalogue version with the live holds and conflict tags in one statement, take the holds off the in-memory catalogue's free places, and judge and rank every facility in the pure core — in the Nest ` +
      `application (Fastify adapter, no HTTP for the main table), TypeORM pool of 20, ${CLIENTS} concurrent async clients in one Node process, no think time, ` +
      `each picking one of the ${o.requests.count} requests at random (seeded). Per size: ${WARMUP_S} s warm-up, ${MEASURE_S} s measured; then ${SINGLE_S} s with one client.`,
    `- Network: \`generateNetwork(n, seed)\`, deterministic (mulberry32, seed ${SEED}) and prefix-stable, so the network was grown in the same database ` +
      `${SIZES.map((n) => n.toLocaleString('en')).join(' → ')} and each size is exactly the network the generator makes for that n. ` +
      networkParagraph(o.stats, o.staleAfterHours),
    `- Insert path: ${insertWhy}. Growth: ${growth}. \`ANALYZE\` after each step, as autovacuum would after such growth.`,
    `- Requests: ${o.requests.count} placement requests through \`PlacementRequestsService.create\` by a UOR of Liguria (07), cycling through ${o.requests.archetypes}; ` +
      `origins mostly in Liguria, some elsewhere; varied protection levels, excluded provinces/regions, minDistanceKm, crossRegion true/false, ` +
      `maxDistanceKm, preferred provinces; ${o.requests.withTags} with a conflict tag. ${o.requests.proposals} of the tagged ones have a live (pending) ` +
      `proposal holding a place in their top candidate (\`ProposalsService.propose\`), so other requests of the same network see conflicts there.`,
    `- One run, on a shared 2-core machine: its load moves these figures (see the load average above); rerun before concluding on a figure close to its target.`,
    '',
    '**Candidate search, 10 concurrent clients.** Latency of each `candidates()` call started in the measured window (`process.hrtime.bigint()`).',
    '"avg candidates" is what a call returns (at most 20); "avg excluded" the facilities counted under an exclusion reason. "CPU per call" divides the CPU time',
    "used in the measured window by the calls: the PostgreSQL server's processes (from /proc), this Node process, and every other process",
    '(other work on the shared machine); "machine CPU" is the busy share of all cores.',
    '',
    mainTable,
    '',
    '**One client** (right after the 10-client run of the same size): the service time without queueing. The last two columns time single searches',
    'right after the catalogue version moved: after one facility changed (an `UPDATE` of its row), the search reloads that facility and repacks the',
    'catalogue, as every instance does once after any change of a facility or its places; after a deletion (a `DELETE` of no row moves the epoch),',
    'it reloads the whole catalogue, as an instance also does when it starts.',
    '',
    singleTable,
    '',
    '**Where the time goes.** The repository methods `candidates()` calls are wrapped in the bench (same instances, src unchanged) and the time',
    'spent awaiting each query is added up: loading the request (TypeORM `findOneBy`), the live state (catalogue version, live holds, conflict tags), reloading the catalogue when its version moved.',
    'The rest is the synchronous TypeScript (hard constraints, scoring, sort, mapping) plus, with 10 clients, time a finished query waits for the',
    'event loop. With 10 clients every part includes waiting for CPU, which PostgreSQL and Node share.',
    '',
    partsTable,
    '',
    capacityPara,
    '',
    httpPara,
    '',
    '**Targets**',
    '',
    targets,
  ]
    .filter((x, i, a) => !(x === '' && a[i - 1] === ''))
    .join('\n');
  return { stdout, docs };
}

// ───────────────────────────── the bench ─────────────────────────────

export default async function search(ctx: BenchContext): Promise<void> {
  const startedAt = new Date();
  const t0 = process.hrtime.bigint();
  const db = await benchDatabase();
  ctx.onCleanup(db.stop);
  log(db.describe);

  const network = generateNetwork(SIZES[SIZES.length - 1], SEED);
  const requestSpecs = generateRequests(REQUESTS, SEED + 1);

  // every generated payload must pass the API's own validation
  const pipe = createValidationPipe();
  const tv = process.hrtime.bigint();
  for (const f of network) await pipe.transform(structuredClone(f.dto), { type: 'body', metatype: CreateFacilityDto });
  for (const r of requestSpecs) await pipe.transform(structuredClone(r.dto), { type: 'body', metatype: CreatePlacementRequestDto });
  log(
    `generated ${network.length} facilities and ${requestSpecs.length} requests; all valid DTOs (${fmt(ms(process.hrtime.bigint() - tv) / 1000)} s to validate)`,
  );

  ctx.signal.throwIfAborted();
  log('booting the application (Fastify adapter, not listening yet)');
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url, DEMO_DATA: 'false' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, db.url), adapter(config), { logger: ['error'] });
  // what configure() does for the API, minus the shutdown hooks (the runner owns the signals) and Swagger
  app.useGlobalPipes(createValidationPipe());
  await app.init();
  ctx.onCleanup(() => app.close());
  const facilities = app.get(FacilitiesService);
  const requests = app.get(PlacementRequestsService);
  const proposals = app.get(ProposalsService);
  const cipher = app.get(AddressCipher);
  const probes = installProbes(app.get(PlacementRequestsRepository), app.get(MatchingRepository));

  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  ctx.onCleanup(() => sql.end());
  const existing = Number((await sql.query('SELECT count(*)::int AS n FROM facility')).rows[0].n);
  if (existing)
    throw new Error(
      `the database already holds ${existing} facilities; the search bench measures networks of exactly N: use an empty database`,
    );
  // the embedded server's processes, for its CPU time (null with a remote DATABASE_URL)
  const dataDirectory = await sql.query('SHOW data_directory').then(
    (r) => String(r.rows[0].data_directory),
    () => null,
  );
  const pgPid = dataDirectory ? postmasterPid(dataDirectory) : null;
  log(pgPid ? `PostgreSQL postmaster pid ${pgPid}: its CPU time is read from /proc` : 'PostgreSQL processes not readable: no CPU split');
  const analyze = () => sql.query('ANALYZE facility, facility_place, place_hold, proposal, placement, placement_request');

  const sizes: SizeResult[] = [];
  const requestIds: string[] = [];
  const caseCodes = new Map<string, string>();
  let servicePath = { count: 0, seconds: 0 };
  let proposalsMade = 0;
  let inserted = 0;

  for (const n of SIZES) {
    ctx.signal.throwIfAborted();
    const slice: GeneratedFacility[] = network.slice(inserted, n);
    const ti = process.hrtime.bigint();
    let insertPath = 'bulk SQL';
    if (inserted < SERVICE_PATH) {
      const viaService = slice.slice(0, SERVICE_PATH - inserted);
      log(`inserting ${viaService.length} facilities through FacilitiesService.create, one by one`);
      const now = Date.now();
      for (const f of viaService) {
        ctx.signal.throwIfAborted();
        await facilities.create(ADMIN, f.dto, {
          confirmedAt: f.confirmedHoursAgo === null ? null : new Date(now - f.confirmedHoursAgo * 3_600_000),
        });
      }
      const took = ms(process.hrtime.bigint() - ti) / 1000;
      servicePath = { count: servicePath.count + viaService.length, seconds: servicePath.seconds + took };
      log(`  ${fmt(took)} s, ${fmt((took * 1000) / viaService.length, 1)} ms per facility`);
      const rest = slice.slice(viaService.length);
      if (rest.length) await bulkInsertFacilities(sql, rest, cipher, new Date());
      insertPath = rest.length ? 'FacilitiesService.create + bulk SQL' : 'FacilitiesService.create';
    } else {
      log(`inserting ${slice.length} facilities by bulk SQL`);
      await bulkInsertFacilities(sql, slice, cipher, new Date());
    }
    inserted = n;
    const insertS = ms(process.hrtime.bigint() - ti) / 1000;

    if (!requestIds.length) {
      log(`creating ${requestSpecs.length} placement requests through PlacementRequestsService.create`);
      for (const r of requestSpecs) {
        const created = await requests.create(UOR, r.dto);
        requestIds.push(created.id);
        caseCodes.set(created.id, r.dto.caseCode);
      }
      // live proposals of tagged requests: their network's other requests meet a conflict there
      for (const [i, r] of requestSpecs.entries()) {
        if (proposalsMade >= PROPOSALS || !r.dto.safety.conflictTags.length) continue;
        const top = (await requests.candidates(UOR, requestIds[i], 1)).candidates[0];
        if (!top) continue;
        await proposals.propose(UOR, requestIds[i], top.facilityId);
        proposalsMade++;
      }
      log(`  ${proposalsMade} live proposals with conflict tags`);
    }
    await analyze();
    const count = Number((await sql.query('SELECT count(*)::int AS n FROM facility')).rows[0].n);
    if (count !== n) throw new Error(`expected ${n} facilities in the database, found ${count}`);

    const call = (id: string) => requests.candidates(UOR, id, LIMIT);
    /** one search right after each of `times` runs of `change`, ms */
    const timedAfter = async (times: number, change: string) => {
      const took: number[] = [];
      for (let i = 0; i < times; i++) {
        await sql.query(change);
        const t = process.hrtime.bigint();
        await call(requestIds[i % requestIds.length]);
        took.push(ms(process.hrtime.bigint() - t));
      }
      return took;
    };
    const concurrent = await searchLoop(
      ctx.signal,
      `N=${n}`,
      CLIENTS,
      { warmupS: WARMUP_S, measureS: MEASURE_S },
      requestIds,
      probes,
      pgPid,
      call,
    );
    log(
      `  p50 ${fmt(concurrent.latency.p50)} ms, p95 ${fmt(concurrent.latency.p95)} ms, ${fmt(concurrent.perSecond, 0)} calls/s, ${concurrent.errors} errors`,
    );
    const single = await searchLoop(ctx.signal, `N=${n}`, 1, { warmupS: 0, measureS: SINGLE_S }, requestIds, probes, pgPid, call);
    log(`  one client: p50 ${fmt(single.latency.p50)} ms, p95 ${fmt(single.latency.p95)} ms`);
    // one facility changed: its row is reloaded; a deletion (here of no row) moves the epoch: everything is
    const afterChange = await timedAfter(
      RELOADS,
      `UPDATE facility SET name = name WHERE id = (SELECT id FROM facility ORDER BY id LIMIT 1)`,
    );
    const afterDeletion = await timedAfter(RELOADS, `DELETE FROM facility_place WHERE false`);
    log(
      `  first search after a facility change: ${afterChange.map((x) => fmt(x)).join(', ')} ms; after a deletion: ${afterDeletion.map((x) => fmt(x)).join(', ')} ms`,
    );
    sizes.push({ n, added: slice.length, insertPath, insertS, concurrent, single, afterChange, afterDeletion });
  }

  let http: RunResult | null = null;
  if (HTTP_S > 0) {
    ctx.signal.throwIfAborted();
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const client = httpClientThread(base, { authorization: `Bearer ${app.get(TokenService).sign(UOR)}` });
    ctx.onCleanup(client.close);
    http = await searchLoop(
      ctx.signal,
      `HTTP N=${SIZES[SIZES.length - 1]}`,
      CLIENTS,
      { warmupS: 1, measureS: HTTP_S },
      requestIds,
      null,
      pgPid,
      (id) => client.get(`/api/v1/placement-requests/${id}/candidates?limit=${LIMIT}`),
    );
    log(`  HTTP: p50 ${fmt(http.latency.p50)} ms, p95 ${fmt(http.latency.p95)} ms, ${fmt(http.perSecond, 0)} calls/s`);
  }

  const stats = networkStats(network, config.staleAfterHours);
  const archetypes = [...new Set(requestSpecs.map((r) => `"${r.archetype}"`))].join('; ');
  const { stdout, docs } = report({
    startedAt,
    durationS: Number(process.hrtime.bigint() - t0) / 1e9,
    dbDescribe: db.describe,
    external: db.external,
    stats,
    staleAfterHours: config.staleAfterHours,
    servicePath,
    requests: {
      count: requestIds.length,
      archetypes,
      proposals: proposalsMade,
      withTags: requestSpecs.filter((r) => r.dto.safety.conflictTags.length).length,
    },
    sizes,
    http,
  });
  process.stdout.write(stdout);
  writeDocsSection('search', docs);
  log('wrote the "## search" section of docs/benchmarks.md');
}
