import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { Principal } from '../../src/auth/principal.js';
import { AddressCipher } from '../../src/common/crypto/address-cipher.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { OutboxDispatcher } from '../../src/notifications/outbox-dispatcher.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { SQL_FRAGMENTS, UNICODE_TRICKS } from '../support/hostile-values.js';
import { pct, RawClient } from '../support/raw-http.js';
import { SmtpPeer } from '../support/smtp-peer.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { dayOf } from '../../src/domain/italian-day.js';

/**
 * Canaries: two secret facilities whose addresses carry a unique marker and whose precise
 * locations have distinctive decimals. A full placement lifecycle runs through the roles, every
 * caller who is not entitled to a secret address reads everything it can reach (and a few things
 * it should not) at every stage, the outbox is dispatched to a real SMTP peer, and then:
 *   - no answer to a caller not entitled to a canary carries it (entitled: admins, the facility's
 *     managers, and the UOR whose proposal the facility accepted, while it stands);
 *   - no log line (Nest logger, console, stdout, stderr) carries any canary;
 *   - no e-mail carries any canary;
 *   - no table of the database holds any canary in clear (AES-GCM at rest);
 * and, so that the test can fail, entitled callers do see them and the ciphertexts decrypt to them.
 */

type Key = 'GE' | 'LU';
/** console.log as Jest set it up: the test captures console afterwards */
const print = console.log.bind(console);
type Phase = 'setup' | 'open' | 'proposed' | 'accepted' | 'admitted' | 'discharged' | 'errors' | 'after';

const ID = { GE: randomUUID(), LU: randomUUID() };
const CANARY: Record<Key, string> = { GE: `CANARY-${ID.GE}`, LU: `CANARY-${ID.LU}` };
const ADDRESS: Record<Key, string> = { GE: `Vicolo ${CANARY.GE} 7, Genova`, LU: `Via ${CANARY.LU} 3, Lucca` };
// decimals that appear nowhere else; matching may use a point coarsened to 0.1 degree, never these
const LOCATION: Record<Key, { lat: number; lon: number }> = {
  GE: { lat: 44.41827391, lon: 8.93726417 },
  LU: { lat: 43.84291753, lon: 10.50376219 },
};

/** Every form a canary is looked for in: the marker, its UUID in any case, the first six decimals of each coordinate. */
function canariesIn(text: string, keys: readonly Key[] = ['GE', 'LU']): string[] {
  const lower = text.toLowerCase();
  return keys.flatMap((k) => {
    const found: string[] = [];
    if (lower.includes(ID[k].toLowerCase())) found.push(`${k} address`);
    for (const c of [LOCATION[k].lat, LOCATION[k].lon])
      if (text.includes(String(c).slice(0, String(c).indexOf('.') + 7))) found.push(`${k} location ${c}`);
    return found;
  });
}

interface Seen {
  phase: Phase;
  caller: string;
  request: string;
  status: number;
  text: string;
}

describe('secret-address canaries: never in an answer to the unentitled, a log line, an e-mail or a table in clear', () => {
  let t: TestApp;
  let smtp: SmtpPeer;
  let client: RawClient;
  const logs: string[] = [];
  const restore: (() => void)[] = [];
  const seen: Seen[] = [];
  let phase: Phase = 'setup';

  const fac: Record<'GE' | 'LU' | 'plain', string> = { GE: '', LU: '', plain: '' };
  const ids = { request: '', pGE: '', pLU: '', placement: '' };

  const P = {
    admin: principals.admin(),
    uor07: principals.uor('07'),
    uor09: principals.uor('09'),
    uor03: principals.uor('03'),
    national: principals.national(),
  } as Record<string, Principal>;

  /** the canaries a caller may see at a stage */
  function allowed(caller: string, at: Phase): Key[] {
    if (caller === 'admin') return ['GE', 'LU'];
    if (caller === 'manager GE') return ['GE'];
    if (caller === 'manager LU') return ['LU'];
    // the UOR whose proposal LU accepted, while the acceptance or the placement stands
    if (caller === 'uor07') return at === 'accepted' || at === 'admitted' ? ['LU'] : [];
    return [];
  }

  const tokens: Record<string, string> = {};
  async function call(caller: string, method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = {};
    if (tokens[caller]) headers.authorization = `Bearer ${tokens[caller]}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await client.send({ method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    seen.push({ phase, caller, request: `${method} ${path}`, status: res.status, text: `${JSON.stringify(res.headers)}\n${res.text}` });
    let parsed: Record<string, any> | undefined;
    try {
      parsed = JSON.parse(res.text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text: res.text };
  }

  const capture = (...args: unknown[]) => {
    logs.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 6 }))).join(' '));
  };

  beforeAll(async () => {
    smtp = new SmtpPeer();
    const port = await smtp.start();
    t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_BACKOFF_BASE_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '10000000' });
    // every log line the service writes from here on
    t.app.useLogger({ log: capture, error: capture, warn: capture, debug: capture, verbose: capture, fatal: capture });
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
        logs.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
        return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      } as typeof stream.write;
      restore.push(() => (stream.write = original));
    }
    for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const original = console[level];
      console[level] = (...args: unknown[]) => capture(...args);
      restore.push(() => (console[level] = original));
    }
    client = await RawClient.listen(t.app);
    for (const [name, p] of Object.entries(P)) tokens[name] = t.token(p);
  });

  afterAll(async () => {
    for (const r of restore.reverse()) r();
    client?.close();
    await t?.close();
    await smtp?.stop();
  });

  const unentitledLeaks = () =>
    seen.flatMap((s) => {
      const forbidden = (['GE', 'LU'] as Key[]).filter((k) => !allowed(s.caller, s.phase).includes(k));
      const found = canariesIn(s.text, forbidden);
      return found.length ? [`${s.phase} ${s.caller} ${s.request} → ${s.status}: ${found.join(', ')}`] : [];
    });

  /** Everything a caller can try to read, and a few hostile variants, as every caller but admin. */
  async function hostilePass() {
    const callers = ['uor07', 'uor09', 'uor03', 'national', 'manager GE', 'manager LU', 'manager plain', 'anonymous', 'garbage'];
    const facilities = [fac.GE, fac.LU, fac.plain];
    const outbox = (await t.sql<{ id: string }>('SELECT id FROM outbox ORDER BY created_at LIMIT 3')).map((r) => r.id);
    const listQueries = [
      '',
      '?regionCode=07',
      '?regionCode=09',
      '?provinceCode=GE',
      '?provinceCode=LU',
      '?type=casa_di_fuga',
      '?hasFree=true',
      '?hasFree=false&kind=adult',
      '?kind=mother_child',
      '?limit=200',
      '?offset=1',
      `?regionCode=${pct("09' OR 1=1--")}`,
      '?__proto__=x&limit=200',
      '?provinceCode=LU&provinceCode=GE',
    ];
    const profile = (() => {
      const {
        caseCode: _c,
        urgency: _u,
        ...p
      } = aRequest({ origin: { provinceCode: 'LU' }, preferences: { crossRegion: true, nearProvinceCode: 'LU' } });
      return p;
    })();
    for (const c of callers) {
      await call(c, 'GET', '/api/v1/regions');
      for (const q of listQueries) await call(c, 'GET', `/api/v1/facilities${q}`);
      for (const f of facilities) {
        await call(c, 'GET', `/api/v1/facilities/${f}`);
        await call(c, 'GET', `/api/v1/facilities/${f.toUpperCase()}`);
        await call(c, 'GET', `/api/v1/facilities/${f}?include=address`);
        await call(c, 'GET', `/api/v1/facilities/${pct(`${f}' OR '1'='1`)}`);
        await call(c, 'GET', `/api/v1/facilities/${f}/availability`);
        await call(c, 'GET', `/api/v1/facilities/${f}/availability/history`);
        await call(c, 'GET', `/api/v1/facilities/${f}/availability/history?limit=1000&afterId=0`);
        // writes whose answer is a view of the facility: an empty PATCH changes nothing
        await call(c, 'PATCH', `/api/v1/facilities/${f}`, {});
        await call(c, 'PATCH', `/api/v1/facilities/${f}`, { secretAddress: false });
        await call(c, 'POST', `/api/v1/facilities/${f}/availability/confirm`);
      }
      for (const q of ['', '?regionCode=09', '?regionCode=07', '?kind=adult', '?type=casa_di_fuga'])
        await call(c, 'GET', `/api/v1/capacity${q}`);
      await call(c, 'POST', '/api/v1/capacity/search', { ...profile, limit: 200 });
      await call(c, 'POST', '/api/v1/capacity/search', { ...profile, safety: { ...profile.safety, excludedProvinces: [] }, limit: 200 });
      await call(c, 'POST', '/api/v1/placement-requests/batch-assignment', { all: true });
      for (const q of ['', '?status=open', '?status=placed', '?status=closed', '?limit=200'])
        await call(c, 'GET', `/api/v1/placement-requests${q}`);
      await call(c, 'GET', `/api/v1/placement-requests/${ids.request}`);
      await call(c, 'GET', `/api/v1/placement-requests/${ids.request}/candidates?limit=200`);
      for (const q of ['', '?status=accepted', '?status=admitted', '?limit=200']) await call(c, 'GET', `/api/v1/proposals${q}`);
      for (const p of [ids.pGE, ids.pLU]) await call(c, 'GET', `/api/v1/proposals/${p}`);
      if (ids.placement) await call(c, 'GET', `/api/v1/placements/${ids.placement}`);
      for (const q of ['', `?objectId=${fac.LU}`, '?action=facility.read_secret_address', '?limit=1000'])
        await call(c, 'GET', `/api/v1/audit${q}`);
      for (const q of ['', '?status=sent', '?status=pending', '?limit=1000']) await call(c, 'GET', `/api/v1/admin/outbox${q}`);
      for (const o of outbox) await call(c, 'POST', `/api/v1/admin/outbox/${o}/retry`);
      for (const s of [...SQL_FRAGMENTS.slice(0, 4), ...UNICODE_TRICKS.slice(0, 3)])
        await call(c, 'GET', `/api/v1/facilities?provinceCode=${pct(s)}`);
    }
    await call('anonymous', 'GET', '/health');
    await call('anonymous', 'GET', '/api/docs-json');
  }

  it('runs the lifecycle and the hostile passes; only the entitled ever see a canary', async () => {
    // ---- setup: two secret houses with canaries, one plain house
    const admin = 'admin';
    const mk = async (o: Parameters<typeof aFacility>[0]) => {
      const res = await call(admin, 'POST', '/api/v1/facilities', aFacility(o));
      expect(res.status).toBe(201);
      expect((await call(admin, 'POST', `/api/v1/facilities/${res.body!.id}/availability/confirm`)).status).toBe(200);
      return res.body!.id as string;
    };
    const places = [
      { kind: 'adult' as const, total: 3 },
      { kind: 'mother_child' as const, total: 1, childCapacity: 2 },
    ];
    fac.GE = await mk({
      provinceCode: 'GE',
      secretAddress: true,
      address: ADDRESS.GE,
      location: LOCATION.GE,
      contactEmail: 'casa.ge@example.org',
      places,
    });
    fac.LU = await mk({
      provinceCode: 'LU',
      secretAddress: true,
      address: ADDRESS.LU,
      location: LOCATION.LU,
      contactEmail: 'casa.lu@example.org',
      places,
    });
    fac.plain = await mk({ provinceCode: 'SP', address: 'Via Pubblica 1, La Spezia', contactEmail: 'casa.sp@example.org', places });
    tokens['manager GE'] = t.token({ ...principals.manager(fac.GE), sub: 'manager-ge' });
    tokens['manager LU'] = t.token({ ...principals.manager(fac.LU), sub: 'manager-lu' });
    tokens['manager plain'] = t.token({ ...principals.manager(fac.plain), sub: 'manager-plain' });
    tokens.garbage = 'garbage.token.value';

    // the entitled do see them (the test can fail)
    for (const k of ['GE', 'LU'] as Key[]) {
      const detail = await call(admin, 'GET', `/api/v1/facilities/${fac[k]}`);
      expect(detail.body).toMatchObject({ address: ADDRESS[k], location: LOCATION[k], addressHidden: false });
      const own = await call(`manager ${k}`, 'GET', `/api/v1/facilities/${fac[k]}`);
      expect(own.body).toMatchObject({ address: ADDRESS[k], location: LOCATION[k] });
    }

    // ---- a request, its candidates, two proposals at once
    phase = 'open';
    const created = await call(
      'uor07',
      'POST',
      '/api/v1/placement-requests',
      aRequest({ caseCode: 'LIG-2026-CANARY', note: 'nota riservata' }),
    );
    expect(created.status).toBe(201);
    ids.request = created.body!.id;
    const candidates = await call('uor07', 'GET', `/api/v1/placement-requests/${ids.request}/candidates`);
    expect(candidates.status).toBe(200);
    expect(candidates.body!.candidates.map((c: { facilityId: string }) => c.facilityId)).toEqual(expect.arrayContaining([fac.GE, fac.LU]));
    phase = 'proposed';
    const pGE = await call('uor07', 'POST', `/api/v1/placement-requests/${ids.request}/proposals`, { facilityId: fac.GE });
    const pLU = await call('uor07', 'POST', `/api/v1/placement-requests/${ids.request}/proposals`, { facilityId: fac.LU });
    expect([pGE.status, pLU.status]).toEqual([201, 201]);
    ids.pGE = pGE.body!.id;
    ids.pLU = pLU.body!.id;
    expect((await call('manager LU', 'GET', `/api/v1/proposals/${ids.pLU}`)).status).toBe(200);
    // before any acceptance the requesting UOR does not see the secret address, in its region or not
    expect((await call('uor07', 'GET', `/api/v1/facilities/${fac.GE}`)).body).toMatchObject({ address: null, addressHidden: true });
    await hostilePass();

    // ---- LU accepts: the other proposal is withdrawn; the requesting UOR now finds the house
    phase = 'accepted';
    expect((await call('manager LU', 'POST', `/api/v1/proposals/${ids.pLU}/accept`)).status).toBe(200);
    const revealed = await call('uor07', 'GET', `/api/v1/facilities/${fac.LU}`);
    expect(revealed.body).toMatchObject({ address: ADDRESS.LU, location: LOCATION.LU });
    expect((await call('uor07', 'GET', `/api/v1/facilities/${fac.GE}`)).body).toMatchObject({ address: null });
    await hostilePass();

    // ---- admission
    phase = 'admitted';
    const admitted = await call('manager LU', 'POST', `/api/v1/proposals/${ids.pLU}/admit`);
    expect(admitted.status).toBe(200);
    ids.placement = admitted.body!.placementId;
    expect((await call('uor07', 'GET', `/api/v1/facilities/${fac.LU}`)).body).toMatchObject({ address: ADDRESS.LU });
    await hostilePass();

    // ---- discharge: the reveal ends with the placement
    phase = 'discharged';
    const discharged = await call('manager LU', 'POST', `/api/v1/placements/${ids.placement}/discharge`, {
      reason: 'completed',
      date: dayOf(t.clock.now()),
    });
    expect(discharged.status).toBe(200);
    const after = await call('uor07', 'GET', `/api/v1/facilities/${fac.LU}`);
    // another region's house again: the limited view, without address fields at all
    expect(after.status).toBe(200);
    expect(after.body!.address ?? null).toBeNull();
    expect(canariesIn(after.text)).toEqual([]);
    await hostilePass();

    // ---- error paths with canaries in the body: a 500 logs a stack, never the data
    phase = 'errors';
    const errorBodies = [
      aFacility({ secretAddress: true, address: ADDRESS.GE, location: LOCATION.GE, name: 'Casa\u0000' }),
      { ...aFacility({ secretAddress: true, address: ADDRESS.LU, location: LOCATION.LU }), accepts: [] },
      { ...aFacility({ secretAddress: true, address: ADDRESS.LU }), name: JSON.parse('['.repeat(3000) + ']'.repeat(3000)) },
      { ...aFacility({ secretAddress: true, address: ADDRESS.GE }), address: { value: ADDRESS.GE } },
      { ...aFacility({ secretAddress: true, address: ADDRESS.GE }), unknownField: ADDRESS.GE },
    ];
    const errorStatuses: number[] = [];
    for (const b of errorBodies) errorStatuses.push((await call(admin, 'POST', '/api/v1/facilities', b)).status);
    // PATCH with a canary the caller may not write: refused, and the refusal names no data
    const refused = await call('uor09', 'PATCH', `/api/v1/facilities/${fac.LU}`, { address: ADDRESS.LU, secretAddress: false });
    expect(refused.status).toBe(403);
    if (errorStatuses.some((s) => s >= 500)) expect(logs.some((l) => l.includes('unhandled'))).toBe(true);

    // ---- reminders and the dispatch pass to a real SMTP peer
    phase = 'after';
    t.clock.advance(30 * 3_600_000);
    await t.app.get(JobsService).remindStale();
    const dispatcher = t.app.get(OutboxDispatcher);
    for (let i = 0; i < 50; i++) {
      const r = await dispatcher.dispatchDue(100);
      if (r.sent + r.retried + r.failed === 0) break;
    }

    // ---- answers
    expect(unentitledLeaks()).toEqual([]);
    // the passes really reached the houses: 200 answers to the unentitled, and the entitled saw the canary
    const unentitledDetail = seen.filter(
      (s) => s.caller === 'uor09' && s.request === `GET /api/v1/facilities/${fac.LU}` && s.status === 200,
    );
    expect(unentitledDetail.length).toBeGreaterThanOrEqual(4);
    expect(JSON.parse(unentitledDetail[0].text.split('\n').slice(1).join('\n'))).toMatchObject({
      id: fac.LU,
      address: null,
      addressHidden: true,
    });
    expect(seen.filter((s) => s.caller === 'manager LU' && canariesIn(s.text, ['LU']).length).length).toBeGreaterThan(4);
    expect(seen.filter((s) => s.caller === 'uor07' && s.phase === 'accepted' && canariesIn(s.text, ['LU']).length).length).toBeGreaterThan(
      0,
    );

    // ---- log lines
    expect(logs.length).toBeGreaterThan(100); // the request log at least: capture works
    expect(logs.filter((l) => canariesIn(l).length)).toEqual([]);
    expect(logs.filter((l) => l.includes('nota riservata'))).toEqual([]);

    // ---- e-mails
    expect(smtp.received.length).toBeGreaterThanOrEqual(3);
    expect(smtp.received.map((m) => m.to)).toEqual(
      expect.arrayContaining(['casa.ge@example.org', 'casa.lu@example.org', 'uor07@example.org']),
    );
    expect(smtp.received.filter((m) => canariesIn(`${m.to}\n${m.subject}\n${m.text}\n${m.html}`).length)).toEqual([]);

    // ---- every table and view, in clear
    const tables = await t.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.length).toBeGreaterThan(10);
    const dump: string[] = [];
    for (const { table_name } of tables) {
      const rows = await t.sql<{ row: string }>(`SELECT row_to_json(x)::text AS row FROM "${table_name.replace(/"/g, '""')}" x`);
      const text = rows.map((r) => r.row).join('\n');
      dump.push(text);
      expect({ table: table_name, canaries: canariesIn(text) }).toEqual({ table: table_name, canaries: [] });
    }
    // the dump is real: the houses are in it, and their ciphertexts open to the canaries
    expect(dump.join('\n')).toContain(fac.LU);
    const cipher = t.app.get(AddressCipher);
    for (const k of ['GE', 'LU'] as Key[]) {
      const [row] = await t.sql<{ address_enc: string; location_enc: string }>(
        'SELECT address_enc, location_enc FROM facility WHERE id = $1',
        [fac[k]],
      );
      expect(cipher.decrypt(row.address_enc)).toBe(ADDRESS[k]);
      expect(JSON.parse(cipher.decrypt(row.location_enc))).toEqual(LOCATION[k]);
    }

    const statuses = new Map<number, number>();
    for (const s of seen) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
    print(
      `canary: ${seen.length} requests (${seen.filter((s) => allowed(s.caller, s.phase).length === 0).length} by callers entitled to no canary), ` +
        `statuses ${[...statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ')}; ` +
        `${logs.length} log lines, ${smtp.received.length} e-mails, ${tables.length} tables and views dumped; error-path statuses ${errorStatuses.join(', ')}`,
    );
  }, 180_000);
});
