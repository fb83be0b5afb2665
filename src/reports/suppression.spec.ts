import { anyDetermined, anyDeterminedByCounts, protect } from './suppression.js';

describe('anyDetermined', () => {
  it.each([
    ['one small cell alone', [{ lo: 1, hi: 2 }], 2, true],
    [
      'two small cells summing 3',
      [
        { lo: 1, hi: 2 },
        { lo: 1, hi: 2 },
      ],
      3,
      false,
    ],
    [
      'two small cells summing 2 (both 1)',
      [
        { lo: 1, hi: 2 },
        { lo: 1, hi: 2 },
      ],
      2,
      true,
    ],
    [
      'two small cells summing 4 (both 2)',
      [
        { lo: 1, hi: 2 },
        { lo: 1, hi: 2 },
      ],
      4,
      true,
    ],
    [
      'a small and a complementary 4',
      [
        { lo: 1, hi: 2 },
        { lo: 3, hi: Infinity },
      ],
      5,
      false,
    ],
    [
      'a small 1 and a complementary 3 (both at their lowest)',
      [
        { lo: 1, hi: 2 },
        { lo: 3, hi: Infinity },
      ],
      4,
      true,
    ],
    ['nothing hidden', [], 0, false],
  ])('%s', (_, bounds, sum, expected) => expect(anyDetermined(bounds, sum)).toBe(expected));
});

describe('anyDeterminedByCounts agrees with anyDetermined', () => {
  it.each([
    [1, 0, 2],
    [2, 0, 3],
    [2, 0, 2],
    [1, 1, 4],
    [1, 1, 5],
    [3, 2, 13],
    [0, 2, 6],
    [0, 2, 7],
    [2, 1, 5],
  ])('%i small, %i complementary, sum %i', (small, comp, sum) => {
    const bounds = [...Array(small).fill({ lo: 1, hi: 2 }), ...Array(comp).fill({ lo: 3, hi: Infinity })];
    expect(anyDeterminedByCounts(small, comp, sum)).toBe(anyDetermined(bounds, sum));
  });
});

describe('protect', () => {
  it.each([
    ['nothing small: all shown', [5, 7, 3], undefined, [5, 7, 3], 15],
    ['one small cell: the smallest other cell is hidden with it', [1, 5, 7], undefined, ['<3', null, 7], 13],
    ['a 1 and a 3 are not enough: the next cell goes too', [1, 3, 9], undefined, ['<3', null, null], 13],
    ['two small cells 1 and 2 protect each other', [1, 2, 9], undefined, ['<3', '<3', 9], 12],
    ['a single cell of 2: the total is withheld', [2], undefined, ['<3'], '<3'],
    ['all cells at their lowest: the total is withheld', [1, 3], undefined, ['<3', null], null],
    ['zeros stay shown', [0, 4, 6], undefined, [0, 4, 6], 10],
    ['groups are protected apart', [1, 5, 2, 1, 8], ['a', 'a', 'b', 'b', 'b'], ['<3', null, '<3', '<3', 8], 17],
  ])('%s', (_, values, groups, cells, total) => {
    const p = protect(values, groups);
    expect(p.cells).toEqual(cells);
    expect(p.total).toEqual(total);
  });

  it('withholds a group total it cannot protect, and the grand total when that group would be derived from it', () => {
    const p = protect([1, 4, 6], ['a', 'b', 'b']);
    expect(p.withheldGroups).toEqual(['a']);
    expect(p.total).toBeNull();
    expect(p.cells).toEqual(['<3', 4, 6]);
  });
});
