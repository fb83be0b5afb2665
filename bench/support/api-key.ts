import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';
import { ApiKeysService } from '../../src/api-keys/api-keys.service.js';
import type { Principal } from '../../src/auth/principal.js';

/**
 * An API key of an active member with this principal's role and scope: how a machine client calls a
 * production service (issue 34: tokens signed with JWT_SECRET are refused there).
 */
export async function benchApiKey(app: INestApplicationContext, dbUrl: string, p: Principal): Promise<string> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO member (id, email, role, region_code, facility_ids, status, invited_by, service, created_at, updated_at)
       VALUES (gen_random_uuid(), 'bench.' || gen_random_uuid() || '@example.org', $1, $2, $3::uuid[], 'active', 'bench', true, now(), now())
       RETURNING id`,
      [p.role, p.region ?? null, p.facilities],
    );
    return (await app.get(ApiKeysService).create({ ...p, sub: rows[0].id, via: 'session' }, { name: 'bench' })).key;
  } finally {
    await c.end();
  }
}
