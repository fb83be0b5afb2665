import fc from 'fast-check';
import { protect, type Shown } from './suppression.js';
import { summaryAnswer, SUMMARY_AGES, SUMMARY_GENDERS } from './summary.js';
import type { SummaryRaw } from './summary.repository.js';

/**
 * An attacker's solver, independent of the suppression code: from the published cells, the grand
 * total (when shown) and the total of each group (unless withheld), it computes by dynamic
 * programming over sums every value each hidden cell can take. "<3" means 1 or 2; a hidden cell
 * shown as null means 3 or more (capped by the true grand total, which only helps the attacker).
 */
function feasibleValues(
  shown: Shown[],
  groups: string[],
  groupTotals: Map<string, number | null>,
  grand: number | null,
  cap: number,
): Map<number, Set<number>> {
  const domainOf = (s: Shown): number[] => (s === '<3' ? [1, 2] : Array.from({ length: Math.max(0, cap - 2) }, (_, k) => k + 3));
  const reach = (cells: number[]): boolean[] => {
    let r = Array.from({ length: cap + 1 }, (_, s) => s === 0);
    for (const i of cells) {
      const next = Array.from({ length: cap + 1 }, () => false);
      r.forEach((ok, s) => ok && domainOf(shown[i]).forEach((v) => s + v <= cap && (next[s + v] = true)));
      r = next;
    }
    return r;
  };
  const names = [...new Set(groups)];
  const hiddenOf = (g: string) => shown.flatMap((s, i) => (groups[i] === g && typeof s !== 'number' ? [i] : []));
  const shownSum = (g: string) => shown.reduce<number>((a, s, i) => a + (groups[i] === g && typeof s === 'number' ? s : 0), 0);
  // the sums each group's hidden cells can have, given its published total when there is one
  const groupSums = new Map(
    names.map((g) => {
      const r = reach(hiddenOf(g));
      const total = groupTotals.get(g);
      return [g, r.map((ok, s) => ok && (total == null || s === total - shownSum(g)))];
    }),
  );
  // the grand total ties together the groups whose totals are withheld
  const sumsOfOthers = (except: string): boolean[] => {
    let r = Array.from({ length: cap + 1 }, (_, s) => s === 0);
    for (const g of names.filter((x) => x !== except)) {
      const next = Array.from({ length: cap + 1 }, () => false);
      r.forEach((ok, s) => ok && groupSums.get(g)!.forEach((ok2, t) => ok2 && s + t <= cap && (next[s + t] = true)));
      r = next;
    }
    return r;
  };
  const out = new Map<number, Set<number>>();
  for (const g of names) {
    const others = grand == null ? null : sumsOfOthers(g);
    const shownElsewhere = shown.reduce<number>((a, s, i) => a + (groups[i] !== g && typeof s === 'number' ? s : 0), 0);
    const allowed = (s: number) =>
      groupSums.get(g)![s] &&
      (others == null || (grand! - shownSum(g) - shownElsewhere - s >= 0 && others[grand! - shownSum(g) - shownElsewhere - s]));
    for (const i of hiddenOf(g)) {
      const rest = reach(hiddenOf(g).filter((j) => j !== i));
      const values = new Set(domainOf(shown[i]).filter((v) => rest.some((ok, s) => ok && s + v <= cap && allowed(s + v))));
      out.set(i, values);
    }
  }
  return out;
}

const table = fc.array(
  fc.record({ group: fc.constantFrom('07', '09', '03'), value: fc.oneof(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 7 })) }),
  {
    minLength: 1,
    maxLength: 9,
  },
);

describe('suppression (property)', () => {
  it('no hidden cell can be worked out from the published cells and totals', () => {
    fc.assert(
      fc.property(table, (rows) => {
        const values = rows.map((r) => r.value);
        const groups = rows.map((r) => r.group);
        const p = protect(values, groups);
        const grand = values.reduce((a, b) => a + b, 0);
        // shown cells are true, small ones are never shown
        p.cells.forEach((s, i) => {
          if (typeof s === 'number') expect(s).toBe(values[i]);
          else expect(s === '<3' ? values[i] <= 2 : values[i] >= 3).toBe(true);
          if (values[i] === 1 || values[i] === 2) expect(s).toBe('<3');
        });
        const totals = new Map(
          [...new Set(groups)].map((g) => [
            g,
            p.withheldGroups.includes(g) ? null : values.reduce((a, v, i) => a + (groups[i] === g ? v : 0), 0),
          ]),
        );
        const feasible = feasibleValues(p.cells, groups, totals, typeof p.total === 'number' ? p.total : null, grand + 3);
        for (const [i, vs] of feasible) {
          expect(vs.has(values[i])).toBe(true);
          if (vs.size < 2)
            throw new Error(
              `cell ${i} (${values[i]}) is determined: ${JSON.stringify({ values, groups, shown: p.cells, total: p.total })}`,
            );
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('the solver finds a cell left alone with its total (the test can fail)', () => {
    const f = feasibleValues(['<3', 5], ['a', 'a'], new Map([['a', 7]]), 7, 10);
    expect([...f.get(0)!]).toEqual([2]);
  });
});

/** Random raw counts of the monitoring sheet: people by gender and age, children, exploitation, exits, declines. */
const summaryRaw = fc.record({
  people: fc.array(fc.record({ carried: fc.integer({ min: 0, max: 6 }), fresh: fc.integer({ min: 0, max: 6 }) }), {
    minLength: 6,
    maxLength: 6,
  }),
  girls: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
  boys: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
  exploitation: fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 6 })), { minLength: 1, maxLength: 5 }),
  exits: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }),
  declines: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }),
});

describe('suppression of the monitoring sheet (property)', () => {
  it('no hidden cell of any of its tables can be worked out from the published cells and total', () => {
    fc.assert(
      fc.property(summaryRaw, (g) => {
        const keys = SUMMARY_GENDERS.flatMap((gender) => SUMMARY_AGES.map((age) => ({ gender, age })));
        const raw: SummaryRaw = {
          // the children all with the first group: the sheet sums them
          people: keys.map((k, i) => ({
            ...k,
            carriedOver: g.people[i].carried,
            newAdmissions: g.people[i].fresh,
            childrenFemaleCarried: i ? 0 : g.girls[0],
            childrenMaleCarried: i ? 0 : g.boys[0],
            childrenCarried: i ? 0 : g.girls[0] + g.boys[0],
            childrenFemaleNew: i ? 0 : g.girls[1],
            childrenMaleNew: i ? 0 : g.boys[1],
            childrenNew: i ? 0 : g.girls[1] + g.boys[1],
          })),
          exploitation: g.exploitation.map(([c, n], i) => ({ exploitation: `t${i}`, carriedOver: c, newAdmissions: n })),
          exits: [...g.exits.map((n, i) => ({ reason: `r${i}`, exits: n, median: 10, n })), { reason: null, exits: 0, median: 10, n: 0 }],
          transfers: 0,
          proposals: g.declines.map((n, i) => ({ event: 'decline', reason: `d${i}`, n })),
          requestsClosedUnplaced: 0,
        };
        const a = summaryAnswer({ from: '2026-01-01', to: '2026-01-31', regionCode: null }, raw, true);
        const tables: [Shown[], number[], Shown][] = [
          [a.people.rows.map((r) => r.carriedOver), g.people.map((p) => p.carried), a.people.totals.carriedOver],
          [a.people.rows.map((r) => r.newAdmissions), g.people.map((p) => p.fresh), a.people.totals.newAdmissions],
          [a.children.rows.map((r) => r.carriedOver), [g.girls[0], g.boys[0]], a.children.totals.carriedOver],
          [a.children.rows.map((r) => r.newAdmissions), [g.girls[1], g.boys[1]], a.children.totals.newAdmissions],
          [a.exploitation.rows.map((r) => r.carriedOver), g.exploitation.map(([c]) => c), a.exploitation.totals.carriedOver],
          [a.exploitation.rows.map((r) => r.newAdmissions), g.exploitation.map(([, n]) => n), a.exploitation.totals.newAdmissions],
          [a.exits.rows.map((r) => r.exits), g.exits, a.exits.totals.exits],
          [a.proposals.declinedByReason.rows.map((r) => r.count), g.declines, a.proposals.declined],
        ];
        for (const [shown, values, total] of tables) {
          expect(shown.length).toBe(values.length);
          shown.forEach((s, i) => {
            if (typeof s === 'number') expect(s).toBe(values[i]);
            else expect(s === '<3' ? values[i] <= 2 && values[i] >= 1 : values[i] >= 3).toBe(true);
          });
          const grand = values.reduce((x, y) => x + y, 0);
          const one = values.map(() => '');
          const feasible = feasibleValues(shown, one, new Map([['', null]]), typeof total === 'number' ? total : null, grand + 3);
          for (const [i, vs] of feasible)
            if (vs.size < 2) throw new Error(`cell ${i} (${values[i]}) is determined: ${JSON.stringify({ values, shown, total })}`);
        }
        // a median over fewer than three stays is never shown
        a.exits.rows.forEach((r, i) => expect(r.medianStayDays === null).toBe(g.exits[i] < 3));
      }),
      { numRuns: 500 },
    );
  });
});
