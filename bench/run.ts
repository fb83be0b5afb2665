import 'reflect-metadata';
import { log } from './support/log.js';

/** What a bench gets from the runner. */
export interface BenchContext {
  /** Registers cleanup (stop a server, close an app); run newest first, also on failure, SIGINT/SIGTERM or the time limit. */
  onCleanup: (fn: () => Promise<void>) => void;
  /** aborted on SIGINT/SIGTERM or the time limit: loops must stop, and the bench must not go on */
  signal: AbortSignal;
}

type Bench = (ctx: BenchContext) => Promise<void>;

/** name → what it measures, and its module (loaded on demand). Add new benches here. */
const BENCHES: Record<string, { about: string; load: () => Promise<Bench>; limitS?: number }> = {
  availability: {
    about: 'hold+release throughput at 8 clients vs pgbench -N; last-bed hold latency at 16 clients',
    load: async () => (await import('./availability.js')).default,
  },
  search: {
    about: 'candidate-search latency p50/p95 at 10 clients on synthetic networks of 500 to 10,000 facilities',
    load: async () => (await import('./search.js')).default,
  },
  'csv-import': {
    about: 'POST /api/v1/facilities/import of 10,000 rows: dry run, apply, and the same file again',
    load: async () => (await import('./csv-import.js')).default,
  },
  batch: {
    about: 'optimal batch assignment: 50 requests and 100 families on 500 facilities, time and objective vs greedy',
    load: async () => (await import('./batch.js')).default,
  },
  reports: {
    about: 'the six reports for a year and a month, all regions, on a year of events for 10,000 facilities',
    load: async () => (await import('./reports.js')).default,
  },
  'http-lifecycle': {
    about:
      "propose + withdraw pairs through HTTP at 8/32/64 clients (clients in their own process) vs pgbench -N; p50/p99, statements and service/PostgreSQL/client CPU per pair, roll-up lag; last bed at 64 clients; where a pair's time goes (triggers, CPU profile)",
    load: async () => (await import('./http-lifecycle.js')).default,
    limitS: 300,
  },
  events: {
    about: 'live event stream: commit-to-delivery p50/p95/p99 at 10, 100 and 1,000 open streams; memory per stream',
    load: async () => (await import('./events.js')).default,
    limitS: 150,
  },
};

/** Every bench must end by itself well before this (BENCH_TIME_LIMIT_SECONDS, else the bench's own limit, else 110 s). */
const timeLimitMs = (limitS = 110) => Number(process.env.BENCH_TIME_LIMIT_SECONDS || limitS) * 1000;

/** What each bench measures; on stdout with --help (exit 0), on stderr for a missing or unknown name (exit 2). */
function usage(help = false): never {
  const names = Object.entries(BENCHES).map(([name, b]) => `  ${name.padEnd(14)} ${b.about}`);
  (help ? process.stdout : process.stderr).write(
    `usage: npm run bench -- <name>\n\n${names.join('\n')}\n\nDATABASE_URL: use that database instead of a throwaway embedded PostgreSQL.\n`,
  );
  process.exit(help ? 0 : 2);
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (name === '--help' || name === '-h') usage(true);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) usage();

  const cleanups: (() => Promise<void>)[] = [];
  const controller = new AbortController();
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (e) {
          log(`cleanup failed: ${(e as Error).message}`);
        }
      }
    })());
  const abort = (why: string, code: number) => {
    log(why);
    controller.abort(new Error(why));
    const hard = setTimeout(() => process.exit(code), 15_000);
    hard.unref();
    void cleanup().finally(() => process.exit(code));
  };
  const limitMs = timeLimitMs(bench.limitS);
  const limit = setTimeout(() => abort(`time limit of ${limitMs / 1000} s reached, stopping`, 124), limitMs);
  limit.unref();
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));

  let code = 0;
  try {
    await (
      await bench.load()
    )({ onCleanup: (fn) => cleanups.push(fn), signal: controller.signal });
  } catch (e) {
    log(controller.signal.aborted ? `bench ${name} stopped` : `bench ${name} failed: ${(e as Error).stack ?? String(e)}`);
    code = 1;
  }
  await cleanup();
  clearTimeout(limit);
  // pools and timers of the libraries must not keep the process alive
  process.exit(code);
}

void main();
