import { DomainError } from '../../domain/errors.js';
import { dayOf } from '../../domain/italian-day.js';
import { assertDischargeDate, instantInItaly } from './discharge-date.js';

describe('dayOf (Italian calendar day)', () => {
  it.each([
    ['2026-12-01T10:00:00Z', '2026-12-01'],
    // 00:30 in Rome (CET, UTC+1) is still the previous day in UTC
    ['2026-11-30T23:30:00Z', '2026-12-01'],
    // summer time (CEST, UTC+2)
    ['2026-06-30T22:30:00Z', '2026-07-01'],
    ['2026-06-30T21:30:00Z', '2026-06-30'],
  ])('%s is %s', (at, day) => expect(dayOf(new Date(at))).toBe(day));
});

describe('assertDischargeDate', () => {
  const admitted = new Date('2026-11-20T15:00:00Z');
  const now = new Date('2026-12-01T10:00:00Z');
  it.each([
    ['the admission day', '2026-11-20'],
    ['a day in between', '2026-11-25'],
    ['today', '2026-12-01'],
  ])('accepts %s', (_name, date) => expect(() => assertDischargeDate(date, admitted, now)).not.toThrow());

  it.each([
    ['tomorrow', '2026-12-02', 'discharge_date_in_future'],
    ['next year', '2027-01-01', 'discharge_date_in_future'],
    ['the day before the admission', '2026-11-19', 'discharge_date_before_admission'],
    ['long before', '2025-01-01', 'discharge_date_before_admission'],
  ])('refuses %s with 422 %s', (_name, date, code) => {
    try {
      assertDischargeDate(date, admitted, now);
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect(e).toMatchObject({ kind: 'rule_broken', code });
    }
  });

  it('judges today in Italy: at 00:30 in Rome the new day may be used', () => {
    expect(() => assertDischargeDate('2026-12-01', admitted, new Date('2026-11-30T23:30:00Z'))).not.toThrow();
  });
});

describe('instantInItaly', () => {
  it.each([
    ['2026-12-07', '14:05', '2026-12-07T13:05:00.000Z'],
    ['2026-07-01', '00:30', '2026-06-30T22:30:00.000Z'],
    // the night summer time ends (25 October 2026): 01:30 is before the change
    ['2026-10-25', '04:00', '2026-10-25T03:00:00.000Z'],
    ['2026-03-29', '12:00', '2026-03-29T10:00:00.000Z'],
  ])('%s %s in Rome is %s', (date, time, iso) => expect(instantInItaly(date, time).toISOString()).toBe(iso));
});
