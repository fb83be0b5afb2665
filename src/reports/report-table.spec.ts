import fc from 'fast-check';
import { jsonChunks, totalOf } from './report-table.js';
import type { RawRow } from './reports.repository.js';

type Cells = Record<string, string | number | null>;
/** A grouped row as the database returns it: dimensions, then `_total`, then measures. */
const row = (dims: Cells, measures: Cells) => ({ ...dims, _total: false, ...measures }) as RawRow;

describe('totalOf', () => {
  it.each([
    [
      'one row: its measures, dimensions null',
      ['gender'],
      [row({ gender: 'female' }, { admissions: 4, children: 1 })],
      { gender: null, _total: true, admissions: 4, children: 1 },
    ],
    [
      'several rows: each measure summed',
      ['regionCode', 'urgency'],
      [row({ regionCode: '07', urgency: 'planned' }, { n: 3, m: 0 }), row({ regionCode: '09', urgency: null }, { n: 5, m: 2 })],
      { regionCode: null, urgency: null, _total: true, n: 8, m: 2 },
    ],
    [
      'nulls left out of a sum, as SQL sum does',
      ['reason'],
      [row({ reason: 'a' }, { children: null }), row({ reason: 'b' }, { children: 2 }), row({ reason: null }, { children: 1 })],
      { reason: null, _total: true, children: 3 },
    ],
    [
      'every group null: null, not 0',
      ['reason'],
      [row({ reason: 'a' }, { children: null }), row({ reason: 'b' }, { children: null })],
      { reason: null, _total: true, children: null },
    ],
  ])('%s', (_name, dims, rows, expected) => {
    const total = totalOf(rows, dims);
    expect(total).toEqual(expected);
    // the same keys in the same order as the grouped rows (answers are compared as JSON)
    expect(Object.keys(total)).toEqual(Object.keys(rows[0]));
  });
});

describe('jsonChunks', () => {
  const answer = (rows: unknown[]) => ({
    report: 'people',
    from: '2026-01-01',
    filters: { regionCode: null },
    rows,
    totals: { admissions: 3 },
  });
  const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');

  it('is JSON.stringify of the answer, cut in chunks of at most 250 rows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string(), fc.oneof(fc.string({ unit: 'grapheme' }), fc.integer(), fc.constant(null))), {
          maxLength: 700,
        }),
        (rows) => {
          const chunks = jsonChunks(answer(rows));
          expect(text(chunks)).toBe(JSON.stringify(answer(rows)));
          expect(chunks.length).toBe(2 + Math.ceil(rows.length / 250));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps the keys after the rows in their place', () => {
    expect(text(jsonChunks({ rows: [{ a: 1 }, { a: '<3' }], totals: { a: null } }))).toBe(
      '{"rows":[{"a":1},{"a":"<3"}],"totals":{"a":null}}',
    );
  });
});
