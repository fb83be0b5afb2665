import { measureCpu, sleep } from './stats.js';

export type Phase = 'warmup' | 'measure' | 'stop';

export interface LoopResult {
  measuredSeconds: number;
  /** CPU time of this Node process in the measured window, as a share of one core */
  cpuOfOneCore: number;
  /** busy share of all cores (/proc/stat) in the measured window */
  machineBusy: number;
}

/**
 * `clients` concurrent loops of `body` for `warmupS` + `measureS` seconds; `body` sees the phase it
 * started in and can end the run with `fail`; `onPhase` is called as the measured window opens and closes. Stops on the outer signal; resolves once every loop
 * has finished its current iteration. (The same shape as the loop in availability.ts, with the
 * durations as arguments.)
 */
export async function timedLoop(
  outer: AbortSignal,
  clients: number,
  o: { warmupS: number; measureS: number; onPhase?: (p: Phase) => void },
  body: (client: number, phase: () => Phase, fail: (why: Error) => void) => Promise<void>,
): Promise<LoopResult> {
  const own = new AbortController();
  const fail = (why: Error) => own.abort(why);
  const signal = AbortSignal.any([outer, own.signal]);
  let phase: Phase = o.warmupS > 0 ? 'warmup' : 'measure';
  const current = () => phase;
  const workers = Array.from({ length: clients }, async (_, i) => {
    while (phase !== 'stop' && !signal.aborted) await body(i, current, fail);
  });
  try {
    if (o.warmupS > 0) await sleep(o.warmupS * 1000, signal);
    phase = 'measure';
    o.onPhase?.('measure');
    const {
      result: measuredSeconds,
      cpuOfOneCore,
      machineBusy,
    } = await measureCpu(async () => {
      const t0 = process.hrtime.bigint();
      await sleep(o.measureS * 1000, signal);
      return Number(process.hrtime.bigint() - t0) / 1e9;
    });
    phase = 'stop';
    o.onPhase?.('stop');
    await Promise.all(workers);
    return { measuredSeconds, cpuOfOneCore, machineBusy };
  } finally {
    phase = 'stop';
  }
}

/** After an unexpected error: let timers and signals run (a failing call may reject without any I/O). */
export const breathe = () => new Promise<void>((ok) => setTimeout(ok, 5));
