import { DomainError } from '../domain/errors.js';
import { band, dayNumber, monthsOf, parseReportQuery, ratio, todayInItaly, wholeMonths } from './report-definitions.js';

const parse = (name: string, q: Record<string, unknown>, accept?: string, allowFacility = false) =>
  parseReportQuery(name, q, accept, '2026-11-30', () => allowFacility);
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'ok';
};

describe('parseReportQuery', () => {
  it('defaults: this month, JSON, every dimension', () => {
    expect(parse('people', {})).toEqual({
      name: 'people',
      from: '2026-11-01',
      to: '2026-11-30',
      regionCode: null,
      format: 'json',
      dims: ['regionCode', 'gender', 'ageBand', 'exploitation', 'referralChannel', 'nationality'],
      monthly: false,
    });
  });
  it('groupBy=month for occupancy, people and flow only', () => {
    expect(parse('flow', { groupBy: 'month' }).monthly).toBe(true);
    expect(codeOf(() => parse('declines', { groupBy: 'month' }))).toBe('unknown_dimension');
    expect(codeOf(() => parse('people', { groupBy: 'week' }))).toBe('unknown_dimension');
  });
  it.each([
    ['format=csv', { format: 'csv' }, undefined, 'csv'],
    ['Accept: text/csv', {}, 'text/csv', 'csv'],
    ['Accept: text/csv with parameters', {}, 'text/csv; charset=utf-8, */*', 'csv'],
    ['format wins over Accept', { format: 'json' }, 'text/csv', 'json'],
  ])('%s', (_, q, accept, format) => expect(parse('flow', q, accept).format).toBe(format));

  it('keeps the report order of the dimensions asked', () => {
    expect(parse('people', { by: 'gender,regionCode' }).dims).toEqual(['regionCode', 'gender']);
  });
  it('adds facilityId to occupancy rows only where allowed', () => {
    expect(parse('occupancy', {}).dims).toEqual(['regionCode', 'facilityType', 'kind']);
    expect(parse('occupancy', {}, undefined, true).dims).toEqual(['regionCode', 'facilityType', 'kind', 'facilityId']);
  });

  it.each([
    ['unknown report', 'nope', {}, 'unknown_report'],
    ['unknown parameter', 'people', { page: '2' }, 'unknown_parameter'],
    ['bad date', 'people', { from: '2026-02-30', to: '2026-03-01' }, 'invalid_date'],
    ['not a date', 'people', { to: 'yesterday' }, 'invalid_date'],
    ['inverted period', 'people', { from: '2026-05-02', to: '2026-05-01' }, 'invalid_period'],
    ['huge period', 'people', { from: '2020-01-01', to: '2026-01-01' }, 'period_too_long'],
    ['367 days', 'people', { from: '2025-01-01', to: '2026-01-02' }, 'period_too_long'],
    ['366 days', 'people', { from: '2024-01-01', to: '2024-12-31' }, 'ok'],
    ['region not a code', 'people', { regionCode: 'Liguria' }, 'invalid_region'],
    ['unknown dimension', 'people', { by: 'gender,caseCode' }, 'unknown_dimension'],
    ['empty dimension', 'people', { by: '' }, 'unknown_dimension'],
    ['facilityId nationally', 'occupancy', { by: 'facilityId' }, 'unknown_dimension'],
    ['unknown format', 'people', { format: 'xlsx' }, 'unknown_format'],
    ['repeated parameter', 'people', { from: ['2026-01-01', '2026-01-02'] }, 'validation_failed'],
  ])('%s (%s) -> the code', (_, name, q, code) => expect(codeOf(() => parse(name, q))).toBe(code));
});

describe('helpers', () => {
  it('monthsOf: the calendar months of a period, clamped to it', () => {
    expect(monthsOf('2025-11-15', '2026-02-03')).toEqual([
      { month: '2025-11', from: '2025-11-15', to: '2025-11-30' },
      { month: '2025-12', from: '2025-12-01', to: '2025-12-31' },
      { month: '2026-01', from: '2026-01-01', to: '2026-01-31' },
      { month: '2026-02', from: '2026-02-01', to: '2026-02-03' },
    ]);
    expect(monthsOf('2024-02-01', '2024-02-29')).toEqual([{ month: '2024-02', from: '2024-02-01', to: '2024-02-29' }]);
  });
  it.each([
    [null, null],
    [0, 'low'],
    [0.6499, 'low'],
    [0.65, 'ok'],
    [1.05, 'ok'],
    [1.0501, 'over'],
  ])('band(%s) = %s', (u, b) => expect(band(u)).toBe(b));
  it('ratio rounds to four decimals and is null without a denominator', () => {
    expect(ratio(2, 3)).toBe(0.6667);
    expect(ratio(1, 0)).toBeNull();
  });
  it('dayNumber refuses impossible dates', () => {
    expect(dayNumber('2024-02-29')).not.toBeNull();
    expect(dayNumber('2025-02-29')).toBeNull();
  });
  it('today is the day in Italy', () => {
    expect(todayInItaly(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    expect(todayInItaly(new Date('2026-12-31T22:59:00Z'))).toBe('2026-12-31');
  });
});

describe('wholeMonths', () => {
  it.each([
    ['a calendar month', '2025-11-01', '2025-11-30', { from: '2025-11-01', to: '2025-11-30' }],
    ['a calendar year', '2025-01-01', '2025-12-31', { from: '2025-01-01', to: '2025-12-31' }],
    ['ragged ends', '2025-01-15', '2025-04-10', { from: '2025-02-01', to: '2025-03-31' }],
    ['across a year end', '2024-12-02', '2025-02-28', { from: '2025-01-01', to: '2025-02-28' }],
    ['a leap February', '2024-02-01', '2024-02-29', { from: '2024-02-01', to: '2024-02-29' }],
    ['February is not whole on the 28th of a leap year', '2024-02-01', '2024-02-28', null],
    ['December begun on its first', '2025-12-01', '2026-01-15', { from: '2025-12-01', to: '2025-12-31' }],
    ['thirty days across two months', '2025-11-05', '2025-12-04', null],
    ['one day', '2025-03-01', '2025-03-01', null],
    ['the last day alone', '2025-03-31', '2025-03-31', null],
  ])('%s', (_, from, to, expected) => expect(wholeMonths(from, to)).toEqual(expected));
});
