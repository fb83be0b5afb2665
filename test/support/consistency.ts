import pg from 'pg';
import { replay } from '../../src/facilities/place-events.js';

/** One query on its own connection (the service's own pool may be down or dropped under the test). */
export async function sqlOn<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/**
 * After a burst or a fault: for every place, free places are never negative and the replayed
 * events give exactly the stored numbers and live holds; every live proposal has its live hold.
 */
export async function expectConsistent(url: string): Promise<void> {
  const places = await sqlOn<{ facility_id: string; kind: string; total: number; occupied: number; out_of_service: number; held: number }>(
    url,
    `SELECT p.facility_id, p.kind, p.total, p.occupied, p.out_of_service,
            (SELECT count(*)::int FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind AND h.released_at IS NULL) AS held
       FROM facility_place p`,
  );
  for (const p of places) {
    expect(p.total - p.occupied - p.out_of_service - p.held).toBeGreaterThanOrEqual(0);
    const events = await sqlOn<{ kind: string; delta: never; type: string }>(
      url,
      `SELECT kind, delta, type FROM availability_event WHERE facility_id = $1 ORDER BY id`,
      [p.facility_id],
    );
    expect(replay(events).get(p.kind)).toEqual({ total: p.total, occupied: p.occupied, outOfService: p.out_of_service, held: p.held });
  }
  const [orphans] = await sqlOn<{ n: number }>(
    url,
    `SELECT count(*)::int AS n FROM proposal p WHERE p.status IN ('pending','accepted') AND NOT EXISTS
       (SELECT 1 FROM place_hold h WHERE h.id = p.hold_id AND h.released_at IS NULL)`,
  );
  expect(orphans.n).toBe(0);
}
