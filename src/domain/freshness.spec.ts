import { freshnessOf } from './freshness.js';

describe('freshnessOf', () => {
  const now = new Date('2026-11-23T02:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  it.each([
    [null, 24, 'unknown'],
    [hoursAgo(0), 24, 'fresh'],
    [hoursAgo(23.9), 24, 'fresh'],
    [hoursAgo(24), 24, 'fresh'],
    [hoursAgo(24.01), 24, 'stale'],
    [hoursAgo(7), 6, 'stale'],
    [hoursAgo(200), 24, 'stale'],
  ])('confirmed %p with threshold %ph is %p', (at, threshold, expected) => {
    expect(freshnessOf(at as Date | null, now, threshold as number)).toBe(expected);
  });
});
