import { performance } from 'node:perf_hooks';
import { loadSolver, solveAssignmentWith, type AssignmentInput, type AssignmentResult } from '../src/cores/assignment/index.js';
import { defaults } from '../config/defaults.js';
import { aFacility, aRequest } from '../test/support/core-factories.js';
import { EXPLOITATION_TYPES, FACILITY_TYPES, PROTECTION_LEVELS, type FacilitySnapshot, type MatchRequest } from '../src/domain/types.js';
import { PROVINCES } from '../src/regions/regions.data.js';
import type { BenchContext } from './run.js';
import { log } from './support/log.js';
import { machine, table, writeDocsSection } from './support/report.js';
import { fmt, summarise } from './support/stats.js';

/** Deterministic PRNG (mulberry32): the same instances every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function network(r: () => number, n: number, families: boolean): FacilitySnapshot[] {
  return Array.from({ length: n }, (_, i) => {
    const p = pick(r, PROVINCES);
    const type = pick(r, FACILITY_TYPES);
    return aFacility({
      id: `f-${String(i).padStart(4, '0')}`,
      type,
      regionCode: p.regionCode,
      provinceCode: p.code,
      protectionLevel: pick(r, PROTECTION_LEVELS),
      languages: ['it', ...(r() < 0.5 ? ['en'] : []), ...(r() < 0.3 ? ['pcm'] : []), ...(r() < 0.2 ? ['fr'] : [])],
      exploitationExpertise: EXPLOITATION_TYPES.filter(() => r() < 0.4),
      point: { lat: p.lat, lon: p.lon },
      freshness: r() < 0.85 ? 'fresh' : 'stale',
      accepts: { genders: ['female', 'transgender'], adults: true, minors: false, children: families || r() < 0.4 },
      // one place each: the scarce night of the issue
      places: families ? [{ kind: 'mother_child', free: 1, childCapacity: 1 + Math.floor(r() * 3) }] : [{ kind: 'adult', free: 1 }],
    });
  });
}

function requests(r: () => number, n: number, families: boolean): AssignmentInput['requests'] {
  return Array.from({ length: n }, (_, i) => {
    const origin = pick(r, PROVINCES);
    const match: MatchRequest = aRequest({
      protectionLevel: pick(r, PROTECTION_LEVELS),
      regionCode: origin.regionCode,
      person: {
        languages: [pick(r, ['en', 'pcm', 'fr', 'ro'])],
        exploitation: [pick(r, EXPLOITATION_TYPES)],
        children: families ? Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({ age: Math.floor(r() * 10) })) : [],
      },
      origin: { provinceCode: origin.code, regionCode: origin.regionCode, point: { lat: origin.lat, lon: origin.lon } },
      safety: {
        excludedProvinces: [],
        // where she was exploited (issue 28): a province apart from where she is now
        exploitationAreas: [{ provinceCode: origin.code, regionCode: origin.regionCode, point: { lat: origin.lat, lon: origin.lon } }],
        minDistanceKm: 30,
        conflictTags: r() < 0.2 ? [pick(r, ['net-1', 'net-2', 'net-3'])] : [],
      },
      preferences: { crossRegion: true, maxDistanceKm: r() < 0.5 ? 400 : null },
    });
    return { id: `r-${String(i).padStart(3, '0')}`, arrival: i, match };
  });
}

interface Row {
  label: string;
  target: number;
  times: number[];
  last: AssignmentResult;
}

export default async function batch(ctx: BenchContext): Promise<void> {
  const started = new Date();
  log('loading HiGHS (WebAssembly)');
  const t0 = performance.now();
  const solver = await loadSolver();
  const loadMs = performance.now() - t0;
  const scenarios = [
    { label: '50 requests × 500 facilities (one place each)', families: false, requests: 50, facilities: 500, targetMs: 100 },
    { label: '100 family requests × 500 facilities (one unit each)', families: true, requests: 100, facilities: 500, targetMs: 1000 },
  ];
  const rows: Row[] = [];
  for (const s of scenarios) {
    const times: number[] = [];
    let last: AssignmentResult | undefined;
    // 3 warm-up solves, then 15 measured on 15 different seeded instances
    for (let i = 0; i < 18 && !ctx.signal.aborted; i++) {
      const r = rng(1000 + i);
      const input: AssignmentInput = {
        facilities: network(r, s.facilities, s.families),
        requests: requests(r, s.requests, s.families),
        weights: defaults.matching.weights,
        timeLimitSeconds: 10,
      };
      const a = performance.now();
      last = solveAssignmentWith(solver, input);
      const ms = performance.now() - a;
      if (i >= 3) times.push(ms);
    }
    rows.push({ label: s.label, target: s.targetMs, times, last: last! });
    log(`${s.label}: p50 ${fmt(summarise(times.map((x) => x * 1e6)).p50)} ms`);
  }
  const summary = rows.map((r) => ({ ...r, s: summarise(r.times.map((x) => x * 1e6)) }));
  const results = table([
    [
      'Instance',
      'solves',
      'p50 (ms)',
      'p95 (ms)',
      'max (ms)',
      'optimal (last)',
      'placed: exact vs greedy (last)',
      'total score: exact vs greedy (last)',
      'method',
      'target',
      'met (p95)',
    ],
    ...summary.map((r) => [
      r.label,
      r.s.count,
      fmt(r.s.p50),
      fmt(r.s.p95),
      fmt(r.s.max),
      r.last.optimal ? 'yes' : 'no',
      `${r.last.objective.placed} vs ${r.last.greedy.placed}`,
      `${fmt(r.last.objective.totalScore, 2)} vs ${fmt(r.last.greedy.totalScore, 2)}`,
      r.last.solver.method ?? 'n/a',
      `≤ ${r.target} ms`,
      r.s.p95 <= r.target ? '**met**' : '**not met**',
    ]),
  ]);
  const docs = [
    `Run of ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC. Source: \`bench/batch.ts\` (pure core and HiGHS, no database or HTTP).`,
    '',
    `- Machine: ${machine()}.`,
    `- Loading HiGHS (WebAssembly) once per process: ${fmt(loadMs, 0)} ms; the service preloads it at start.`,
    '- Instances: deterministic synthetic networks (seeded), facilities in every province, requests with languages, protection levels, excluded home province, 30 km minimum distance, a 400 km limit for half of them and conflict tags for a fifth. Each measured solve is a different instance; the first 3 are warm-up.',
    '- Time: `solveAssignmentWith` end to end (hard constraints and scores for every pair, greedy baseline, model, solve, binding reasons).',
    '',
    results,
  ].join('\n');
  process.stdout.write(`\n${results}\n`);
  writeDocsSection('batch', docs);
}
