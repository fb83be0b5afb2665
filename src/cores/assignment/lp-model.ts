import type { AssignmentOption, Problem } from './options.js';

export interface LpModel {
  /** the 0-1 program in CPLEX LP text, as highs.solve() reads it */
  text: string;
  /** its LP relaxation (0 <= x <= 1) */
  relaxation: string;
  /** the options that are columns of the model (column name: columnName(option.index)) */
  options: AssignmentOption[];
  columns: number;
  rows: number;
  /** the weight of one more person placed: larger than any plan's total score in cents */
  big: number;
}

export const columnName = (option: number): string => `x${option}`;

const TERMS_PER_LINE = 16;

function sum(terms: readonly string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += TERMS_PER_LINE) lines.push(terms.slice(i, i + TERMS_PER_LINE).join(' + '));
  return lines.join('\n   + ');
}

/** The 0-1 program, one binary per feasible (request, facility, place entry):
 *   max  Σ (BIG + cents) x      BIG = 1 + Σ_requests (best cents of the request), so one more person
 *                               placed always outweighs any difference in total score (exact in integers)
 *   s.t. Σ_{options of r} x ≤ 1                      each request placed at most once
 *        Σ_{options of pool} x ≤ free               free places of each facility place entry
 *        Σ_{options at f of requests tagged t} x ≤ 1  two requests sharing a tag never in one facility
 * Only rows that can bind are written (a pool with no more options than places needs no row). */
export function buildLp(problem: Problem): LpModel {
  const byRequest = reducedOptions(problem);
  const options = byRequest.flat();
  const best = byRequest.map((opts) => opts.reduce((m, o) => Math.max(m, o.cents), 0));
  const big = 1 + best.reduce((s, c) => s + c, 0);

  const objective = options.map((o) => `${big + o.cents} ${columnName(o.index)}`);
  const rows: string[] = [];

  byRequest.forEach((opts, ri) => {
    if (opts.length > 0) rows.push(` r${ri}: ${sum(opts.map((o) => columnName(o.index)))} <= 1`);
  });

  const byPool = new Map<number, string[]>();
  for (const o of options) {
    const cols = byPool.get(o.pool) ?? [];
    cols.push(columnName(o.index));
    byPool.set(o.pool, cols);
  }
  for (const [pool, cols] of byPool) {
    const capacity = problem.pools[pool].capacity;
    if (cols.length > capacity) rows.push(` p${pool}: ${sum(cols)} <= ${capacity}`);
  }

  // facility → tag → requests carrying it with an option there → their options there
  const tagged = new Map<number, Map<string, Map<number, string[]>>>();
  for (const o of options) {
    for (const tag of problem.tags[o.request]) {
      let byTag = tagged.get(o.facility);
      if (!byTag) tagged.set(o.facility, (byTag = new Map()));
      let byReq = byTag.get(tag);
      if (!byReq) byTag.set(tag, (byReq = new Map()));
      const cols = byReq.get(o.request) ?? [];
      cols.push(columnName(o.index));
      byReq.set(o.request, cols);
    }
  }
  let t = 0;
  for (const byTag of tagged.values()) {
    for (const byReq of byTag.values()) {
      if (byReq.size < 2) continue;
      rows.push(` t${t++}: ${sum([...byReq.values()].flat())} <= 1`);
    }
  }

  const head = ['Maximize', ` obj: ${sum(objective)}`, 'Subject To', ...rows].join('\n');
  const names = options.map((o) => columnName(o.index));
  const text = [head, 'Binary', ...chunk(names), 'End', ''].join('\n');
  const relaxation = [head, 'Bounds', ...names.map((n) => ` ${n} <= 1`), 'End', ''].join('\n');
  return { text, relaxation, options, columns: options.length, rows: rows.length, big };
}

/** Drops options no optimal plan needs. Another request placed anywhere occupies one facility at most
 * (by capacity or by a shared tag), and only the k - 1 requests with a candidate facility in common
 * with r can occupy one of r's. So if r has more than k candidate facilities, any plan placing r outside
 * its k best (by r's best option there) leaves one of those k free of other requests, and moving r to its
 * best option there places as many people with no less score. Keeping the k best facilities of each
 * request (all their options) therefore keeps an optimal plan. */
export function reducedOptions(problem: Problem): AssignmentOption[][] {
  const atFacility = new Map<number, number[]>(); // facility → requests with an option there
  problem.byRequest.forEach((opts, ri) => {
    for (const o of opts) {
      const list = atFacility.get(o.facility) ?? [];
      if (list[list.length - 1] !== ri) list.push(ri);
      atFacility.set(o.facility, list);
    }
  });
  const seen = new Int32Array(problem.requests.length).fill(-1);
  return problem.byRequest.map((opts, ri) => {
    const bestAt = new Map<number, number>(); // facility → r's best cents there
    for (const o of opts) bestAt.set(o.facility, Math.max(bestAt.get(o.facility) ?? 0, o.cents));
    let k = 1;
    seen[ri] = ri;
    for (const f of bestAt.keys()) {
      for (const q of atFacility.get(f)!) {
        if (seen[q] !== ri) {
          seen[q] = ri;
          k++;
        }
      }
    }
    if (bestAt.size <= k) return opts;
    const keep = new Set(
      [...bestAt.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, k)
        .map(([f]) => f),
    );
    return opts.filter((o) => keep.has(o.facility));
  });
}

function chunk(names: string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += TERMS_PER_LINE) lines.push(' ' + names.slice(i, i + TERMS_PER_LINE).join(' '));
  return lines;
}
