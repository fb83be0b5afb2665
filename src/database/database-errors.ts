/**
 * Database failures that are about load or availability, not about the request: the caller may
 * retry. Kept in one place so the error filter and the transaction runner agree.
 */

const codeOf = (e: unknown): string | undefined => {
  const x = e as { code?: unknown; driverError?: { code?: unknown } };
  const c = x?.code ?? x?.driverError?.code;
  return typeof c === 'string' ? c : undefined;
};
const messageOf = (e: unknown): string => String((e as { message?: unknown })?.message ?? '');

/** Deadlock or serialisation failure: the transaction rolled back whole and may simply run again. */
export function isRetryable(e: unknown): boolean {
  const c = codeOf(e);
  return c === '40001' || c === '40P01';
}

/** No connection could be had from the pool in time: the service is busy. */
export function isPoolExhausted(e: unknown): boolean {
  return /timeout exceeded when trying to connect/i.test(messageOf(e));
}

/** The database is unreachable, restarting, or ended the connection (e.g. pg_terminate_backend). */
export function isDatabaseUnavailable(e: unknown): boolean {
  // TypeORM releases a query runner whose connection the server ended; its next query says so
  const name = (e as { name?: unknown })?.name;
  if (name === 'QueryRunnerAlreadyReleasedError' || name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  const c = codeOf(e);
  if (
    c &&
    (/^08/.test(c) ||
      c === '57P01' ||
      c === '57P02' ||
      c === '57P03' ||
      c === 'ECONNREFUSED' ||
      c === 'ECONNRESET' ||
      c === 'EPIPE' ||
      c === 'ETIMEDOUT')
  )
    return true;
  return /Connection terminated|connection is not open|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down)|Client was closed/i.test(
    messageOf(e),
  );
}

/** 503 with a code, or undefined when the error is not about load or availability. */
export function unavailability(e: unknown): { code: 'service_busy' | 'database_unavailable'; retryAfterSeconds: number } | undefined {
  if (isPoolExhausted(e) || isRetryable(e)) return { code: 'service_busy', retryAfterSeconds: 1 };
  if (isDatabaseUnavailable(e)) return { code: 'database_unavailable', retryAfterSeconds: 5 };
  return undefined;
}
