import type { Problem } from './options.js';

export interface LpModel {
  /** CPLEX LP text, as highs.solve() reads it */
  text: string;
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
  const best = problem.byRequest.map((opts) => (opts.length > 0 ? opts[0].cents : 0));
  const big = 1 + best.reduce((s, c) => s + c, 0);

  const objective = problem.options.map((o) => `${big + o.cents} ${columnName(o.index)}`);
  const rows: string[] = [];

  problem.byRequest.forEach((opts, ri) => {
    if (opts.length > 0) rows.push(` r${ri}: ${sum(opts.map((o) => columnName(o.index)))} <= 1`);
  });

  const byPool = new Map<number, string[]>();
  for (const o of problem.options) {
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
  for (const o of problem.options) {
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

  const text = [
    'Maximize',
    ` obj: ${sum(objective)}`,
    'Subject To',
    ...rows,
    'Binary',
    ...chunk(problem.options.map((o) => columnName(o.index))),
    'End',
    '',
  ].join('\n');
  return { text, columns: problem.options.length, rows: rows.length, big };
}

function chunk(names: string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += TERMS_PER_LINE) lines.push(' ' + names.slice(i, i + TERMS_PER_LINE).join(' '));
  return lines;
}
