import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** Latency samples in nanoseconds (process.hrtime.bigint differences), summarised in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
function rank(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarise(samplesNs: bigint[] | number[]): LatencySummary {
  const ms = Float64Array.from(samplesNs as ArrayLike<number | bigint>, (v) => Number(v) / 1e6).sort();
  let sum = 0;
  for (const v of ms) sum += v;
  return {
    count: ms.length,
    p50: rank(ms, 50),
    p95: rank(ms, 95),
    p99: rank(ms, 99),
    max: ms.length ? ms[ms.length - 1] : NaN,
    mean: ms.length ? sum / ms.length : NaN,
  };
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Rejects with the signal's reason when it is aborted first. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

/** While `work` ran: CPU time of this Node process as a share of one core, and the whole machine's busy share. */
export async function measureCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuOfOneCore: number; machineBusy: number }> {
  const c0 = process.cpuUsage();
  const machine = machineCpuSampler();
  const t0 = process.hrtime.bigint();
  const result = await work();
  const c = process.cpuUsage(c0);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
  return { result, cpuOfOneCore: (c.user + c.system) / wallUs, machineBusy: machine() };
}

/** Whole-machine CPU busy share (all cores) since the call, from /proc/stat; NaN where there is none. */
export function machineCpuSampler(): () => number {
  const read = (): { busy: number; total: number } | null => {
    try {
      const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
      const v = line.trim().split(/\s+/).slice(1).map(Number);
      const idle = v[3] + (v[4] ?? 0); // idle + iowait
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal; guest is inside user
      return { busy: total - idle, total };
    } catch {
      return null;
    }
  };
  const a = read();
  return () => {
    const b = read();
    if (!a || !b || b.total === a.total) return NaN;
    return (b.busy - a.busy) / (b.total - a.total);
  };
}
