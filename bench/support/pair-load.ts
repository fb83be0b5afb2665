import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { timedLoop } from './loop.js';

/** What the load process is told: where, as whom, which request and facility each client uses, for how long. */
export interface PairLoad {
  base: string;
  token: string;
  clients: number;
  requestIds: string[];
  facilityIds: string[];
  warmupS: number;
  measureS: number;
  maxErrors: number;
  /** instead of pairs: GET this path in each loop (its times in `proposeMs`, `pairs` counts the reads) */
  readPath?: string;
}

/** What it answers: every pair completed in the measured window, in milliseconds, and its own CPU. */
export interface PairLoadResult {
  pairs: number;
  measuredSeconds: number;
  proposeMs: number[];
  withdrawMs: number[];
  errors: number;
  firstError?: string;
  /** CPU time of the load process in the measured window (ms) */
  clientCpuMs: number;
}

type Message = { phase: 'measure' | 'stop' } | { result: PairLoadResult } | { failed: string };

/**
 * Propose + withdraw loops in a process of their own, with undici's Pool (one keep-alive connection
 * per client): the service's process only serves, nothing per call crosses a process boundary, and
 * the client's CPU is measured apart. `onPhase` is called as the measured window opens and closes
 * (the caller samples the service's and PostgreSQL's CPU there).
 */
export function runPairLoad(load: PairLoad, onPhase: (p: 'measure' | 'stop') => void, signal: AbortSignal): Promise<PairLoadResult> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, BENCH_PAIR_LOAD: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const kill = () => child.kill();
  signal.addEventListener('abort', kill, { once: true });
  return new Promise<PairLoadResult>((resolve, reject) => {
    child.on('message', (m: Message) => {
      if ('phase' in m) onPhase(m.phase);
      else if ('result' in m) resolve(m.result);
      else reject(new Error(m.failed));
    });
    child.on('exit', (code) => reject(new Error(`the load process ended (${code}) without a result`)));
    child.send(load);
  }).finally(() => {
    signal.removeEventListener('abort', kill);
    kill();
  });
}

/** The load process itself. */
async function loadProcess(load: PairLoad, send: (m: Message) => void): Promise<void> {
  const pool = new Pool(load.base, { connections: load.clients, pipelining: 1 });
  const headers = { authorization: `Bearer ${load.token}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const res = await pool.request({ method: 'POST', path, headers, body: JSON.stringify(body) });
    const json = (await res.body.json()) as { id?: string; code?: string };
    return { status: res.statusCode, id: json.id, code: json.code };
  };
  const proposeMs: number[] = [];
  const withdrawMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let cpu0 = process.cpuUsage();
  let clientCpuMs = NaN;
  const now = () => performance.now();
  const error = (why: string, fail: (e: Error) => void) => {
    errors++;
    firstError ??= why;
    if (errors >= load.maxErrors) fail(new Error(`${load.clients} clients: ${errors} errors, the first: ${firstError}`));
  };
  const { measuredSeconds } = await timedLoop(
    new AbortController().signal,
    load.clients,
    {
      warmupS: load.warmupS,
      measureS: load.measureS,
      onPhase: (p) => {
        if (p === 'measure') cpu0 = process.cpuUsage();
        else {
          const c = process.cpuUsage(cpu0);
          clientCpuMs = (c.user + c.system) / 1000;
        }
        if (p !== 'warmup') send({ phase: p });
      },
    },
    async (client, phase, fail) => {
      try {
        if (load.readPath) {
          const t0 = now();
          const res = await pool.request({ method: 'GET', path: load.readPath, headers });
          await res.body.dump();
          if (res.statusCode !== 200) return error(`GET ${load.readPath}: HTTP ${res.statusCode}`, fail);
          if (phase() === 'measure') proposeMs.push(now() - t0);
          return;
        }
        const t0 = now();
        const p = await post(`/api/v1/placement-requests/${load.requestIds[client]}/proposals`, { facilityId: load.facilityIds[client] });
        const t1 = now();
        if (p.status !== 201 || !p.id) return error(`propose: HTTP ${p.status} ${p.code ?? ''}`, fail);
        const w = await post(`/api/v1/proposals/${p.id}/withdraw`, {});
        const t2 = now();
        if (w.status !== 200) return error(`withdraw: HTTP ${w.status} ${w.code ?? ''}`, fail);
        // counted when it completes inside the measured window
        if (phase() === 'measure') {
          proposeMs.push(t1 - t0);
          withdrawMs.push(t2 - t1);
        }
      } catch (e) {
        error((e as Error).message, fail);
        await new Promise((ok) => setTimeout(ok, 5));
      }
    },
  );
  await pool.close();
  send({ result: { pairs: proposeMs.length, measuredSeconds, proposeMs, withdrawMs, errors, firstError, clientCpuMs } });
}

if (process.send && process.env.BENCH_PAIR_LOAD) {
  const send = (m: Message) => process.send!(m);
  process.once('message', (load: PairLoad) =>
    loadProcess(load, send).then(
      () => process.disconnect(),
      (e: Error) => {
        send({ failed: e.message });
        process.disconnect();
      },
    ),
  );
}
