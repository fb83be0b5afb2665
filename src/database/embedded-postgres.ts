import pg from 'pg';
const { Client } = pg;
import { startPgServer } from './pg-server.js';

export interface EmbeddedPostgresHandle {
  url: (database: string) => string;
  stop: () => Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'approdo-local';

/**
 * Starts a real PostgreSQL server (see pg-server.ts). Data persists in `dataDir` unless
 * `persistent` is false. As root, the server runs as a `postgres` user.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  persistent?: boolean;
  onLog?: (m: string) => void;
  onNotice?: (m: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const persistent = opts.persistent ?? true;
  const server = await startPgServer({
    dataDir: opts.dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent,
    settings: { max_connections: '300', fsync: persistent ? 'on' : 'off' },
    onLog: opts.onLog,
    onNotice: opts.onNotice,
  });
  return { url: server.url, stop: server.stop };
}

/** CREATE DATABASE when missing (PostgreSQL has no IF NOT EXISTS for it). */
export async function ensureDatabase(serverUrl: string, name: string, template?: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await client.end();
  }
}
