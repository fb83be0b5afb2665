/**
 * Small-cell suppression with complementary suppression, for one measure of one table.
 *
 * Published to the reader: every cell shown, the table's grand total and (because the `regionCode`
 * filter answers the same report for one region) the total of each group of cells sharing a region.
 * A count of 1 or 2 is shown as "<3" (the reader learns it is 1 or 2); a cell hidden to protect it
 * (complementary suppression) is shown as null (the reader learns it is at least 3).
 *
 * With one published sum over a set of hidden cells, each with an interval of possible values, the
 * values a hidden cell can take form exactly the integer interval
 *   [max(lo, S - sum of the others' highs), min(hi, S - sum of the others' lows)],
 * so a cell is determined when that interval has one value. Each group is protected against its own
 * total: small cells are hidden, then the smallest remaining cells (3 or more) are hidden one by one
 * until no hidden cell of the group is determined. A group that cannot be protected that way (all
 * its cells hidden and still determined: e.g. a single cell, or cells all at their lowest possible
 * value) gets its total withheld. Groups with withheld totals are tied together by the grand total;
 * if that block is still determined, the grand total is withheld too.
 */
export type Shown = number | '<3' | null;

export interface Protected {
  cells: Shown[];
  total: Shown;
  /** groups whose total must not be published (a region-filtered answer withholds its total) */
  withheldGroups: string[];
}

type Bound = { lo: number; hi: number };
const SMALL: Bound = { lo: 1, hi: 2 };
const COMPLEMENTARY: Bound = { lo: 3, hi: Infinity };

export const isSmall = (v: number) => v === 1 || v === 2;

/** Whether some cell of `bounds` is determined by the equation sum(cells) = sum. */
export function anyDetermined(bounds: Bound[], sum: number): boolean {
  if (!bounds.length) return false;
  const sumLo = bounds.reduce((a, b) => a + b.lo, 0);
  // finite highs summed apart from the unbounded ones (Infinity - Infinity is NaN)
  const finiteHi = bounds.reduce((a, b) => a + (Number.isFinite(b.hi) ? b.hi : 0), 0);
  const unbounded = bounds.filter((b) => !Number.isFinite(b.hi)).length;
  return bounds.some((b) => {
    const othersHi = unbounded - (Number.isFinite(b.hi) ? 0 : 1) > 0 ? Infinity : finiteHi - (Number.isFinite(b.hi) ? b.hi : 0);
    const lo = Math.max(b.lo, sum - othersHi);
    const hi = Math.min(b.hi, sum - (sumLo - b.lo));
    return lo >= hi;
  });
}

/**
 * The same test for hidden cells that are `small` cells in [1, 2] and `complementary` cells in
 * [3, inf): cells of one kind share their bounds, so checking one of each kind is enough (O(1),
 * where `anyDetermined` is O(n): the loop below calls it once per cell it hides).
 */
export function anyDeterminedByCounts(small: number, complementary: number, sum: number): boolean {
  const check = (b: Bound, othersSmall: number, othersComplementary: number) => {
    const othersLo = othersSmall * SMALL.lo + othersComplementary * COMPLEMENTARY.lo;
    const othersHi = othersComplementary > 0 ? Infinity : othersSmall * SMALL.hi;
    return Math.max(b.lo, sum - othersHi) >= Math.min(b.hi, sum - othersLo);
  };
  return (small > 0 && check(SMALL, small - 1, complementary)) || (complementary > 0 && check(COMPLEMENTARY, small, complementary - 1));
}

/** What a cell is: shown, hidden because small, or hidden to protect a small one. */
const SHOWN = 0;
const HIDDEN_SMALL = 1;
const HIDDEN_COMPLEMENTARY = 2;

/** Hides cells of `values` (one measure) so that none hidden can be worked out; `groups[i]` is cell i's group. */
export function protect(values: number[], groups: string[] = values.map(() => '')): Protected {
  // one state per cell in a typed array: a year of `people` has tens of thousands of cells, most of them small
  const state = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) if (isSmall(values[i])) state[i] = HIDDEN_SMALL;
  const byGroup = new Map<string, number[]>();
  for (let i = 0; i < values.length; i++) {
    const members = byGroup.get(groups[i]);
    if (members) members.push(i);
    else byGroup.set(groups[i], [i]);
  }

  /** hidden cells of a set of cells: how many of each kind, and their sum */
  const tally = (cells: number[]) => {
    const t = { small: 0, complementary: 0, sum: 0 };
    for (const i of cells) {
      if (state[i] === SHOWN) continue;
      if (state[i] === HIDDEN_SMALL) t.small++;
      else t.complementary++;
      t.sum += values[i];
    }
    return t;
  };
  const determined = (t: { small: number; complementary: number; sum: number }) => anyDeterminedByCounts(t.small, t.complementary, t.sum);
  const withheld: string[] = [];
  for (const [g, cells] of byGroup) {
    const t = tally(cells);
    if (!t.small) continue;
    // smallest first, ties by position: the least information is lost
    const candidates = cells.filter((i) => state[i] === SHOWN && values[i] >= 3).sort((a, b) => values[a] - values[b] || a - b);
    for (let next = 0; determined(t) && next < candidates.length; next++) {
      state[candidates[next]] = HIDDEN_COMPLEMENTARY;
      t.complementary++;
      t.sum += values[candidates[next]];
    }
    if (determined(t)) withheld.push(g);
  }
  let grand = 0;
  for (const v of values) grand += v;
  const block = tally(withheld.flatMap((g) => byGroup.get(g)!));
  const totalHidden = isSmall(grand) || (block.small + block.complementary > 0 && determined(block));
  const cells = new Array<Shown>(values.length);
  for (let i = 0; i < values.length; i++) cells[i] = state[i] === SHOWN ? values[i] : state[i] === HIDDEN_SMALL ? '<3' : null;
  return {
    cells,
    total: !totalHidden ? grand : isSmall(grand) ? '<3' : null,
    withheldGroups: withheld,
  };
}
