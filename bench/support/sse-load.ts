import { fork } from 'node:child_process';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/**
 * Many open event streams in a child process (so the service's process spends its CPU on serving
 * only). Each stream records, for every `request` event, the wall-clock time it arrived
 * (performance.timeOrigin + now: the same clock as the writer's, with sub-millisecond precision).
 */
type ToChild = { type: 'open'; count: number } | { type: 'report' } | { type: 'close' };
type FromChild =
  { type: 'opened'; open: number; failed: number } | { type: 'report'; arrivals: Record<string, number[]>; frames: number; ended: number };

const wallNow = () => performance.timeOrigin + performance.now();

function child(base: string, token: string): void {
  const arrivals = new Map<string, number[]>();
  const sockets: { destroy: () => void }[] = [];
  let frames = 0;
  let ended = 0;
  const openOne = () =>
    new Promise<boolean>((ok) => {
      const req = request(`${base}/api/v1/events`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return ok(false);
        }
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = wallNow();
          pending += chunk;
          let cut: number;
          while ((cut = pending.indexOf('\n\n')) >= 0) {
            const block = pending.slice(0, cut);
            pending = pending.slice(cut + 2);
            if (!block.includes('\nevent: request\n')) continue;
            frames++;
            const id = /"id":"([^"]+)"/.exec(block)?.[1];
            if (!id) continue;
            let list = arrivals.get(id);
            if (!list) arrivals.set(id, (list = []));
            list.push(at);
          }
        });
        res.on('end', () => ended++);
        res.on('error', () => undefined);
        sockets.push(req);
        // live once the first id line came
        res.once('data', () => ok(true));
      });
      req.on('error', () => ok(false));
      req.end();
    });
  process.on('message', (m: ToChild) => {
    if (m.type === 'open')
      void (async () => {
        let open = 0;
        let failed = 0;
        // a few at a time: a burst of 1,000 connects would measure the accept queue, not the stream
        for (let i = 0; i < m.count; i += 50) {
          const r = await Promise.all(Array.from({ length: Math.min(50, m.count - i) }, openOne));
          open += r.filter(Boolean).length;
          failed += r.filter((x) => !x).length;
        }
        process.send!({ type: 'opened', open, failed } satisfies FromChild);
      })();
    else if (m.type === 'report') {
      process.send!({ type: 'report', arrivals: Object.fromEntries(arrivals), frames, ended } satisfies FromChild);
      arrivals.clear();
      frames = 0;
    } else if (m.type === 'close') {
      for (const s of sockets) s.destroy();
      process.exit(0);
    }
  });
}

if (process.env.BENCH_SSE_LOAD) {
  const { base, token } = JSON.parse(process.env.BENCH_SSE_LOAD) as { base: string; token: string };
  child(base, token);
}

/** A child process that opens `count` streams on demand and reports what arrived. */
export function sseLoad(base: string, token: string) {
  const proc = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, BENCH_SSE_LOAD: JSON.stringify({ base, token }) },
    stdio: 'inherit',
  });
  const next = <T extends FromChild['type']>(type: T) =>
    new Promise<Extract<FromChild, { type: T }>>((ok) => {
      const on = (m: FromChild) => {
        if (m.type !== type) return;
        proc.off('message', on);
        ok(m as Extract<FromChild, { type: T }>);
      };
      proc.on('message', on);
    });
  return {
    open: (count: number) => {
      const r = next('opened');
      proc.send({ type: 'open', count } satisfies ToChild);
      return r;
    },
    report: () => {
      const r = next('report');
      proc.send({ type: 'report' } satisfies ToChild);
      return r;
    },
    close: () =>
      new Promise<void>((ok) => {
        if (proc.exitCode !== null) return ok();
        proc.once('exit', () => ok());
        proc.send({ type: 'close' } satisfies ToChild);
      }),
  };
}
