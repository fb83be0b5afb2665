import { isRetryable, unavailability } from './database-errors.js';

/** Which failures are about load or a lost database (503), and which are the request's own. */
describe('unavailability', () => {
  const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });
  const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it.each([
    [new Error('timeout exceeded when trying to connect'), 'service_busy'],
    [coded('40P01'), 'service_busy'],
    [coded('40001'), 'service_busy'],
    [{ driverError: { code: '40P01' }, message: 'deadlock detected' }, 'service_busy'],
    [coded('57P01', 'terminating connection due to administrator command'), 'database_unavailable'],
    [coded('ECONNREFUSED'), 'database_unavailable'],
    [coded('08006'), 'database_unavailable'],
    [new Error('Connection terminated unexpectedly'), 'database_unavailable'],
    [named('QueryRunnerAlreadyReleasedError'), 'database_unavailable'],
    [named('QueryRunnerProviderAlreadyReleasedError'), 'database_unavailable'],
  ])('%p is %s', (e, code) => {
    expect(unavailability(e)?.code).toBe(code);
  });

  it.each([[coded('23505', 'duplicate key')], [coded('22P02')], [new Error('boom')], [null], [undefined], ['text']])('%p is not', (e) => {
    expect(unavailability(e)).toBeUndefined();
  });

  it('reruns only deadlocks and serialisation failures', () => {
    expect(isRetryable(coded('40P01'))).toBe(true);
    expect(isRetryable(coded('57P01'))).toBe(false);
    expect(isRetryable(new Error('timeout exceeded when trying to connect'))).toBe(false);
  });
});
