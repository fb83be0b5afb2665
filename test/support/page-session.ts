import { DirectoryService, hashOf } from '../../src/members/directory.service.js';
import type { TestApp } from './test-app.js';

/**
 * The headers the pages send for an active member signed in: her session cookie, this site's Origin
 * and the session's CSRF token. API keys are made only this way (a token makes none).
 */
export async function pageSessionHeaders(t: TestApp, memberId: string): Promise<Record<string, string>> {
  const { cookie } = await t.app.get(DirectoryService).openSession(memberId, null);
  const [{ csrf_token }] = await t.sql<{ csrf_token: string }>(`SELECT csrf_token FROM web_session WHERE id_hash = $1`, [hashOf(cookie)]);
  return { cookie: `approdo_session=${cookie}`, origin: t.config.publicBaseUrl, 'x-csrf-token': csrf_token };
}
