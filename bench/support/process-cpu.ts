import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks of 1/100 s (CLK_TCK on every mainstream architecture). */
const TICKS_PER_SECOND = 100;

/** [ppid, utime + stime in ticks] of one process, from /proc/<pid>/stat; null when it is gone or unreadable. */
function stat(pid: number): [number, number] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after "pid (comm) ": state ppid … utime (14th field) stime (15th)
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return [Number(f[1]), Number(f[11]) + Number(f[12])];
  } catch {
    return null;
  }
}

/** The postmaster and every process it started (backends, walwriter, autovacuum, …) with their CPU ticks. */
function serverTicks(postmasterPid: number): Map<number, number> {
  const out = new Map<number, number>();
  const own = stat(postmasterPid);
  if (!own) return out;
  out.set(postmasterPid, own[1]);
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s && s[0] === postmasterPid) out.set(pid, s[1]);
  }
  return out;
}

/**
 * CPU seconds a local PostgreSQL server (all its processes) used since the call. Returns NaN when the
 * server's processes cannot be read (another host, another PID namespace, not Linux). Backends that
 * start in between count in full; those that end in between are lost (a pool keeps its connections).
 */
export function postgresCpuSampler(postmasterPid: number | null): () => number {
  if (!postmasterPid) return () => NaN;
  const a = serverTicks(postmasterPid);
  if (!a.size) return () => NaN;
  return () => {
    const b = serverTicks(postmasterPid);
    if (!b.size) return NaN;
    let ticks = 0;
    for (const [pid, t] of b) ticks += t - (a.get(pid) ?? 0);
    return ticks / TICKS_PER_SECOND;
  };
}

/** The postmaster's PID from its postmaster.pid (first line), given the server's data_directory. */
export function postmasterPid(dataDirectory: string): number | null {
  try {
    const pid = Number(readFileSync(`${dataDirectory}/postmaster.pid`, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && stat(pid) ? pid : null;
  } catch {
    return null;
  }
}
