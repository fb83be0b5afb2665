import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { createApp } from '../src/app.factory.js';
import type { Principal } from '../src/auth/principal.js';
import { benchApiKey } from './support/api-key.js';
import { loadConfig } from '../src/config/app-config.js';
import { EventHub } from '../src/events/event-hub.service.js';
import { FacilitiesService } from '../src/facilities/facilities.service.js';
import type { BenchContext } from './run.js';
import { benchDatabase } from './support/database.js';
import { benchFacility } from './support/fixtures.js';
import { log } from './support/log.js';
import { machine, table, writeDocsSection } from './support/report.js';
import { sseLoad } from './support/sse-load.js';
import { fmt, machineCpuSampler, sleep, summarise, type LatencySummary } from './support/stats.js';

/** Issue 22's target: commit-to-delivery p95 at 1,000 open streams on one instance. */
const TARGET_P95_MS = 250;
const LEVELS = [10, 100, 1000];
const seconds = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
const MEASURE_S = seconds('BENCH_SECONDS', 8);
const COMMITS_PER_SECOND = 20;
/** the facility DTO's maximum: one facility per level holds every proposal of the level */
const MAX_COMMITS_PER_LEVEL = 500;

const UOR: Principal = { sub: 'bench-uor', role: 'uor', region: '07', facilities: [] };
const ADMIN: Principal = { sub: 'bench', role: 'admin', facilities: [] };
const wallNow = () => performance.timeOrigin + performance.now();

interface LevelResult {
  streams: number;
  commits: number;
  expected: number;
  delivered: number;
  latency: LatencySummary;
  heapPerStreamKiB: number;
  rssPerStreamKiB: number;
  machineBusy: number;
}

/** A full GC before reading memory, when V8 lets us ask for one. */
function gc(): void {
  try {
    setFlagsFromString('--expose_gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    // figures are then rougher
  }
}

/**
 * One writer makes a proposal every 1/COMMITS_PER_SECOND s, as the lifecycle's transaction does in
 * SQL on its own connection: a hold (approdo_hold), the proposal row, the request's status; it notes
 * the wall-clock time just before COMMIT. At commit the triggers write three events (availability,
 * proposal, request) and pg_notify wakes the service's listener; latency is read on `request`.
 */
async function write(url: string, ids: string[], facilityId: string, signal: AbortSignal): Promise<Map<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const committedAt = new Map<string, number>();
  try {
    const every = 1000 / COMMITS_PER_SECOND;
    const t0 = wallNow();
    for (let i = 0; i < ids.length; i++) {
      signal.throwIfAborted();
      const wait = t0 + i * every - wallNow();
      if (wait > 0) await sleep(wait, signal);
      await c.query('BEGIN');
      const proposalId = randomUUID();
      const { rows } = await c.query(
        `SELECT hold_id FROM approdo_hold($1, 'adult', $2, now(), now() + interval '6 hours', 'bench-uor', 'uor')`,
        [facilityId, proposalId],
      );
      await c.query(
        `INSERT INTO proposal (id, request_id, facility_id, place_kind, status, hold_id, created_by_sub, created_at)
         VALUES ($1, $2, $3, 'adult', 'pending', $4, 'bench-uor', now())`,
        [proposalId, ids[i], facilityId, rows[0].hold_id],
      );
      await c.query(`UPDATE placement_request SET status = 'proposed', updated_at = now() WHERE id = $1`, [ids[i]]);
      committedAt.set(ids[i], wallNow());
      await c.query('COMMIT');
    }
  } finally {
    await c.end();
  }
  return committedAt;
}

async function seedRequests(url: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO placement_request (id, case_code, region_code, status, protection_level, stage, origin_province, safety, preferences,
         urgency, created_by_sub, created_at, updated_at)
       SELECT id, 'BENCH-' || left(id::text, 8), '07', 'open', 'high', 'first_reception', 'GE', '{}', '{}', 'immediate', 'bench', now(), now()
         FROM unnest($1::uuid[]) AS id`,
      [ids],
    );
  } finally {
    await c.end();
  }
  return ids;
}

export default async function events(ctx: BenchContext): Promise<void> {
  const startedAt = new Date();
  const db = await benchDatabase();
  ctx.onCleanup(db.stop);
  log(db.describe);
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'error',
    SCHEDULER_ENABLED: 'false',
    RATE_LIMIT_PER_MINUTE: '10000000',
    EVENTS_MAX_STREAMS: '100000',
    EVENTS_MAX_STREAMS_PER_MEMBER: '1000',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADDRESS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const app = await createApp(config, db.url);
  ctx.onCleanup(() => app.close());
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const hub = app.get(EventHub);
  const load = sseLoad(base, await benchApiKey(app, db.url, UOR));
  ctx.onCleanup(load.close);

  const perLevel = Math.min(MAX_COMMITS_PER_LEVEL, MEASURE_S * COMMITS_PER_SECOND);
  const ids = await seedRequests(db.url, perLevel * LEVELS.length);
  await sleep(500, ctx.signal);
  await load.report(); // the seeds' own events, if any stream saw them

  const results: LevelResult[] = [];
  let open = 0;
  gc();
  const before = process.memoryUsage();
  for (const [i, streams] of LEVELS.entries()) {
    ctx.signal.throwIfAborted();
    const opened = await load.open(streams - open);
    open += opened.open;
    if (opened.failed) log(`${opened.failed} streams could not open`);
    await sleep(300, ctx.signal);
    gc();
    const after = process.memoryUsage();
    log(`${hub.size} streams open; measuring ${perLevel} commits at ${COMMITS_PER_SECOND}/s`);
    const busy = machineCpuSampler();
    const facility = await app.get(FacilitiesService).create(ADMIN, benchFacility(500, `events-${streams}`));
    const committedAt = await write(db.url, ids.slice(i * perLevel, (i + 1) * perLevel), facility.id, ctx.signal);
    await sleep(1500, ctx.signal); // stragglers
    const machineBusy = busy();
    const { arrivals } = await load.report();
    const samples: number[] = [];
    let delivered = 0;
    for (const [id, t0] of committedAt) {
      for (const at of arrivals[id] ?? []) {
        delivered++;
        samples.push(Math.max(0, at - t0) * 1e6);
      }
    }
    const r: LevelResult = {
      streams: hub.size,
      commits: committedAt.size,
      expected: committedAt.size * hub.size,
      delivered,
      latency: summarise(samples),
      heapPerStreamKiB: (after.heapUsed - before.heapUsed) / Math.max(1, hub.size) / 1024,
      rssPerStreamKiB: (after.rss - before.rss) / Math.max(1, hub.size) / 1024,
      machineBusy,
    };
    results.push(r);
    log(
      `${r.streams} streams: ${r.delivered}/${r.expected} delivered, p50 ${fmt(r.latency.p50)} / p95 ${fmt(r.latency.p95)} / p99 ${fmt(r.latency.p99)} ms`,
    );
  }

  const top = results[results.length - 1];
  const met = top.latency.p95 <= TARGET_P95_MS && top.delivered === top.expected;
  const rows = [
    [
      'open streams',
      'commits',
      'delivered / expected',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'heap / stream',
      'RSS / stream',
      'machine busy',
    ],
    ...results.map((r) => [
      r.streams,
      r.commits,
      `${r.delivered} / ${r.expected}`,
      fmt(r.latency.p50),
      fmt(r.latency.p95),
      fmt(r.latency.p99),
      fmt(r.latency.max),
      `${fmt(r.heapPerStreamKiB)} KiB`,
      `${fmt(r.rssPerStreamKiB)} KiB`,
      `${fmt(r.machineBusy * 100, 0)} %`,
    ]),
  ];
  process.stdout.write(`${table(rows)}\n`);
  writeDocsSection(
    'events',
    [
      `Run of ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, \`npm run bench -- events\`. ${machine()}. ${db.describe}.`,
      '',
      `Commit-to-delivery on open streams of one instance (the app as \`npm start\` builds it, NODE_ENV=production). All streams are one UOR of region 07's, ` +
        `opened by a client in another process; a writer commits ${COMMITS_PER_SECOND} proposals a second (hold, proposal row, request status: three events each) on its own connection for ${MEASURE_S} s per level. ` +
        'Latency: from the moment the writer sends COMMIT to the moment the client process reads the `request` event (one wall clock, sub-millisecond), over every stream and commit. ' +
        "Memory: heap and RSS of the service with the level's streams open (after a full GC) minus before any stream opened, divided by the open streams (at 10 streams mostly noise).",
      '',
      table(rows),
      '',
      `Target p95 ≤ ${TARGET_P95_MS} ms at 1,000 streams with every event delivered: **${met ? 'met' : 'not met'}**.`,
    ].join('\n'),
  );
  await load.close();
}
