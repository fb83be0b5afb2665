import { dayOf } from './italian-day.js';

describe("Italy's calendar day", () => {
  it.each([
    // winter (UTC+1): 23:00 UTC is already tomorrow in Rome
    ['2026-12-07T22:59:59Z', '2026-12-07'],
    ['2026-12-07T23:00:00Z', '2026-12-08'],
    // summer (UTC+2): 22:00 UTC is tomorrow
    ['2026-07-14T21:59:59Z', '2026-07-14'],
    ['2026-07-14T22:00:00Z', '2026-07-15'],
    // the night the clocks go back (25 October 2026, 03:00 CEST -> 02:00 CET)
    ['2026-10-24T21:59:00Z', '2026-10-24'],
    ['2026-10-25T22:59:00Z', '2026-10-25'],
    ['2026-10-25T23:00:00Z', '2026-10-26'],
  ])('%s is %s in Italy', (at, day) => {
    expect(dayOf(new Date(at))).toBe(day);
  });
});
