import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/** One unit of work: its transaction's manager, and whether that transaction is still open. */
interface Scope {
  manager: EntityManager;
  open: boolean;
}

/**
 * The open transaction of the current async context. Repositories ask it for their manager, so
 * every query of a unit of work runs on that unit's one connection without anyone passing it on.
 */
const scopes = new AsyncLocalStorage<Scope>();

/** The manager of the transaction this code runs in, if any. */
export function ambientManager(): EntityManager | undefined {
  const s = scopes.getStore();
  return s?.open ? s.manager : undefined;
}

/** Runs `work` as the unit of work of `manager`; closed as soon as `work` settles (before commit). */
export async function withinTransaction<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
  const scope: Scope = { manager, open: true };
  try {
    return await scopes.run(scope, work);
  } finally {
    scope.open = false;
  }
}

/** Thrown when code inside a transaction asks the pool for a second connection: the self-deadlock under load. */
export class NestedAcquisitionError extends Error {
  constructor() {
    super('a pool connection was requested inside an open transaction; use the ambient transaction instead');
    this.name = 'NestedAcquisitionError';
  }
}

interface Pool {
  connect: (...args: unknown[]) => unknown;
}

/**
 * Makes any pool acquisition from inside an open transaction fail at once instead of waiting: with
 * every connection held by such transactions, each would wait for a connection none will free.
 */
export function guardPool(pool: Pool): void {
  const connect = pool.connect.bind(pool);
  pool.connect = (...args: unknown[]) => {
    if (ambientManager()) {
      const e = new NestedAcquisitionError();
      const cb = args.find((a) => typeof a === 'function') as ((err: Error) => void) | undefined;
      if (!cb) return Promise.reject(e);
      process.nextTick(() => cb(e));
      return undefined;
    }
    return connect(...args);
  };
}

/** Runs `work` outside any unit of work: what another caller would do (tests simulate concurrent callers with it). */
export function detached<T>(work: () => T): T {
  return scopes.exit(work);
}
