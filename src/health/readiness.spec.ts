import { pendingMigrations } from './readiness.js';

describe('pendingMigrations', () => {
  it.each([
    ['all applied', ['A1', 'B2'], ['A1', 'B2'], []],
    ['none applied', ['A1', 'B2'], [], ['A1', 'B2']],
    ['the newest missing', ['A1', 'B2', 'C3'], ['A1', 'B2'], ['C3']],
    ['a newer build applied more (rolling deploy)', ['A1'], ['A1', 'B2'], []],
    ['order does not matter', ['A1', 'B2'], ['B2', 'A1'], []],
  ])('%s', (_what, expected, applied, pending) => expect(pendingMigrations(expected, applied)).toEqual(pending));
});
