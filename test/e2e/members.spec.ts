/**
 * The members registry through HTTP with local tokens: invitations (outbox, audit), the shape each
 * role needs, what a UOR may do with the shelter managers of its own region, and who is refused.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/auth/principal.js';
import { aFacility } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Body = Record<string, any>;

let t: TestApp;
const admin: Principal = { sub: 'admin-x', role: 'admin', facilities: [] };
const uorLiguria: Principal = { sub: 'uor-07', role: 'uor', region: '07', facilities: [], email: 'uor07@example.org' };
const national: Principal = { sub: 'national-x', role: 'national', facilities: [] };
/** facilities: two in Liguria (07), one in Toscana (09) */
let ge1: string;
let ge2: string;
let fi: string;

const as = (p: Principal) => bearer(t.token(p));
const anEmail = (what = 'm') => `${what}.${randomUUID().slice(0, 8)}@example.org`;
const invite = (body: Body, by: Principal = admin) => t.http().post('/api/v1/members').set(as(by)).send(body);
const patch = (id: string, body: Body, by: Principal = admin) => t.http().patch(`/api/v1/members/${id}`).set(as(by)).send(body);
const get = (id: string, by: Principal = admin) => t.http().get(`/api/v1/members/${id}`).set(as(by));

/** An invited member, by the admin: answers her id. */
async function invited(body: Body): Promise<string> {
  const res = await invite({ email: anEmail(), ...body });
  expect(res.status).toBe(201);
  return res.body.id;
}

const auditOf = (id: string) =>
  t.sql<{ action: string; actor_sub: string; details: Body | null }>(
    `SELECT action, actor_sub, details FROM audit_log WHERE object_type = 'member' AND object_id = $1 ORDER BY id`,
    [id],
  );
const memberCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM member'))[0].n);

beforeAll(async () => {
  t = await startTestApp();
  const create = async (provinceCode: string) => {
    const res = await t.http().post('/api/v1/facilities').set(as(admin)).send(aFacility({ provinceCode }));
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  ge1 = await create('GE');
  ge2 = await create('GE');
  fi = await create('FI');
}, 60_000);
afterAll(() => t?.close());

describe('inviting', () => {
  it('an admin invites a uor: 201 {id, status}, an invitation with a sign-in link in the outbox, audited', async () => {
    const email = anEmail('Uor');
    const res = await invite({ email, role: 'uor', regionCode: '07' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'invited' });
    const [mail] = await t.sql<{ event: string; recipient: string; body_text: string; body_html: string; status: string }>(
      `SELECT event, recipient, body_text, body_html, status FROM outbox WHERE recipient = $1`,
      [email.toLowerCase()],
    );
    expect(mail).toMatchObject({ event: 'member_invited', recipient: email.toLowerCase(), status: 'pending' });
    expect(mail.body_text).toContain(`${t.config.publicBaseUrl}/auth/login`);
    expect(mail.body_html).toContain('/auth/login');
    expect(await auditOf(res.body.id)).toEqual([
      { action: 'member.invited', actor_sub: 'admin-x', details: { role: 'uor', regionCode: '07', facilities: [] } },
    ]);
    const member = await get(res.body.id);
    expect(member.status).toBe(200);
    expect(member.body).toMatchObject({
      email: email.toLowerCase(),
      role: 'uor',
      regionCode: '07',
      facilityIds: [],
      status: 'invited',
      bound: false,
    });
  });

  it('a second invitation of the same e-mail, in any case, is 409 member_exists and writes nothing', async () => {
    const email = anEmail('dup');
    expect((await invite({ email, role: 'national' })).status).toBe(201);
    const before = await memberCount();
    const again = await invite({ email: email.toUpperCase(), role: 'admin' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('member_exists');
    expect(await memberCount()).toBe(before);
    expect(await t.sql(`SELECT 1 FROM outbox WHERE lower(recipient) = lower($1)`, [email])).toHaveLength(1);
  });

  it('a fiscal code typed with spaces and lower case is folded before it is checked; the invitation says who, as what, where and how', async () => {
    const email = anEmail('folded');
    const digits = String(Math.floor(Math.random() * 90) + 10);
    const res = await invite(
      { email, role: 'shelter_manager', facilityIds: [ge1, ge2], fiscalCode: ` frr gli 85m${digits} d969x ` },
      uorLiguria,
    );
    expect(res.status).toBe(201);
    expect((await get(res.body.id)).body.fiscalCode).toBe(`FRRGLI85M${digits}D969X`);
    const bad = await invite({ email: anEmail(), role: 'national', fiscalCode: 'frr gli 85' });
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'validation_failed' });

    const [mail] = await t.sql<{ subject: string; body_text: string }>(`SELECT subject, body_text FROM outbox WHERE recipient = $1`, [
      email.toLowerCase(),
    ]);
    const names = (await t.sql<{ name: string }>(`SELECT name FROM facility WHERE id = ANY($1::uuid[]) ORDER BY name`, [[ge1, ge2]])).map(
      (f) => f.name,
    );
    expect(mail.subject).toBe('[Approdo] Invito ad accedere');
    expect(mail.body_text).toContain(
      `L’Unità operativa regionale della regione Liguria ti invita ad Approdo come responsabile di struttura per ${names[0]} e ${names[1]}.`,
    );
    expect(mail.body_text).toMatch(/oppure con SPID o CIE\./);
    expect(mail.body_text).toContain(`${t.config.publicBaseUrl}/auth/login`);
    // her fiscal code is for the sign-in, never in a mail
    expect(mail.body_text).not.toContain(`FRRGLI85M${digits}D969X`);
  });

  it('the same fiscal code twice is 409 member_exists', async () => {
    const fiscalCode = `RSSMRA80A41D${String(Math.floor(Math.random() * 900) + 100)}X`;
    expect((await invite({ email: anEmail(), role: 'national', fiscalCode })).status).toBe(201);
    const again = await invite({ email: anEmail(), role: 'national', fiscalCode: fiscalCode.toLowerCase() });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('member_exists');
  });

  it('invitations of one e-mail at once: one 201, the others 409 member_exists, never a 500', async () => {
    // several rounds: the race between the check and the insert is narrow
    for (let round = 0; round < 10; round++) {
      const email = anEmail('race');
      const answers = await Promise.all(Array.from({ length: 6 }, () => invite({ email, role: 'national' })));
      expect(answers.map((r) => `${r.status} ${r.body.code ?? ''}`).sort()).toEqual([
        '201 ',
        ...Array.from({ length: 5 }, () => '409 member_exists'),
      ]);
    }
  });

  it('each role has what it needs: a uor a region, a manager existing facilities', async () => {
    const before = await memberCount();
    const noRegion = await invite({ email: anEmail(), role: 'uor' });
    expect(noRegion.status).toBe(400);
    expect(noRegion.body.code).toBe('validation_failed');
    expect(JSON.stringify(noRegion.body)).toContain('regionCode');
    for (const facilityIds of [undefined, []]) {
      const noFacilities = await invite({ email: anEmail(), role: 'shelter_manager', facilityIds });
      expect(noFacilities.status).toBe(400);
      expect(noFacilities.body.code).toBe('validation_failed');
      expect(JSON.stringify(noFacilities.body)).toContain('facilityIds');
    }
    const unknown = await invite({ email: anEmail(), role: 'shelter_manager', facilityIds: [ge1, randomUUID()] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('unknown_facility');
    const badRegion = await invite({ email: anEmail(), role: 'uor', regionCode: '99' });
    expect(badRegion.status).toBe(422);
    expect(badRegion.body.code).toBe('unknown_region');
    const badEmail = await invite({ email: 'not-an-email', role: 'national' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.code).toBe('validation_failed');
    expect(await memberCount()).toBe(before);
  });

  it('a uor invites shelter managers of its own region’s facilities, and nobody else', async () => {
    const ok = await invite({ email: anEmail(), role: 'shelter_manager', facilityIds: [ge1, ge2] }, uorLiguria);
    expect(ok.status).toBe(201);
    expect(await auditOf(ok.body.id)).toEqual([
      expect.objectContaining({
        action: 'member.invited',
        actor_sub: 'uor-07',
        details: expect.objectContaining({ role: 'shelter_manager' }),
      }),
    ]);
    const before = await memberCount();
    const refusals = [
      { role: 'shelter_manager', facilityIds: [fi] },
      { role: 'shelter_manager', facilityIds: [ge1, fi] }, // one facility outside is enough
      { role: 'uor', regionCode: '07' },
      { role: 'admin' },
      { role: 'national' },
    ];
    for (const body of refusals) {
      const res = await invite({ email: anEmail(), ...body }, uorLiguria);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 403, code: 'forbidden' });
    }
    expect(await memberCount()).toBe(before);
  });

  it('shelter managers and nationals have no members registry', async () => {
    const manager: Principal = { sub: 'manager-x', role: 'shelter_manager', facilities: [ge1] };
    const someone = await invited({ role: 'shelter_manager', facilityIds: [ge1] });
    for (const p of [manager, national]) {
      expect((await t.http().get('/api/v1/members').set(as(p))).status).toBe(403);
      expect((await get(someone, p)).status).toBe(403);
      expect((await invite({ email: anEmail(), role: 'shelter_manager', facilityIds: [ge1] }, p)).status).toBe(403);
      expect((await patch(someone, { name: 'X' }, p)).status).toBe(403);
      expect((await t.http().post(`/api/v1/members/${someone}/disable`).set(as(p))).status).toBe(403);
    }
    expect((await get(someone)).body.status).toBe('invited');
  });
});

describe('a uor and the managers of its region', () => {
  let managerLiguria: string;
  let managerToscana: string;
  let managerOfBoth: string;
  let anotherUor: string;

  beforeAll(async () => {
    managerLiguria = await invited({ role: 'shelter_manager', facilityIds: [ge1] });
    managerToscana = await invited({ role: 'shelter_manager', facilityIds: [fi] });
    managerOfBoth = await invited({ role: 'shelter_manager', facilityIds: [ge2, fi] });
    anotherUor = await invited({ role: 'uor', regionCode: '07' });
  });

  it('lists only the shelter managers of its region’s facilities; everything else is 404', async () => {
    const res = await t.http().get('/api/v1/members').set(as(uorLiguria));
    expect(res.status).toBe(200);
    const ids = (res.body.items as Body[]).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining([managerLiguria, managerOfBoth]));
    expect(ids).not.toContain(managerToscana);
    expect(ids).not.toContain(anotherUor);
    expect((res.body.items as Body[]).every((m) => m.role === 'shelter_manager')).toBe(true);
    expect((await get(managerLiguria, uorLiguria)).status).toBe(200);
    for (const id of [managerToscana, anotherUor, randomUUID()]) {
      const out = await get(id, uorLiguria);
      expect(out.status).toBe(404);
      expect(out.body.code).toBe('not_found');
    }
    // the admin sees them all
    const all = await t.http().get('/api/v1/members').set(as(admin));
    expect((all.body.items as Body[]).map((m) => m.id)).toEqual(expect.arrayContaining([managerLiguria, managerToscana, anotherUor]));
  });

  it('changes its managers within its region only: no facility elsewhere, no other role', async () => {
    const moved = await patch(managerLiguria, { facilityIds: [ge1, ge2] }, uorLiguria);
    expect(moved.status).toBe(200);
    expect(moved.body.facilityIds.sort()).toEqual([ge1, ge2].sort());
    const refusals = [{ facilityIds: [fi] }, { facilityIds: [ge1, fi] }, { role: 'uor', regionCode: '07' }, { role: 'national' }];
    for (const body of refusals) {
      const res = await patch(managerLiguria, body, uorLiguria);
      expect({ body, status: res.status }).toEqual({ body, status: 403 });
    }
    const after = await get(managerLiguria);
    expect(after.body).toMatchObject({ role: 'shelter_manager', regionCode: null });
    expect(after.body.facilityIds.sort()).toEqual([ge1, ge2].sort());
    // a manager it may see but who also runs a house elsewhere is not its to change or disable
    expect((await patch(managerOfBoth, { facilityIds: [ge2] }, uorLiguria)).status).toBe(403);
    expect((await t.http().post(`/api/v1/members/${managerOfBoth}/disable`).set(as(uorLiguria))).status).toBe(403);
    // and one it may not see is not found
    expect((await patch(managerToscana, { facilityIds: [ge1] }, uorLiguria)).status).toBe(404);
    expect((await t.http().post(`/api/v1/members/${managerToscana}/disable`).set(as(uorLiguria))).status).toBe(404);
  });

  it('disables and enables its managers', async () => {
    const off = await t.http().post(`/api/v1/members/${managerLiguria}/disable`).set(as(uorLiguria));
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('disabled');
    const on = await t.http().post(`/api/v1/members/${managerLiguria}/enable`).set(as(uorLiguria));
    expect(on.status).toBe(200);
    expect(on.body.status).toBe('invited'); // never signed in: back to invited, not active
  });
});

describe('changing, disabling, enabling', () => {
  it('PATCH changes role and facilities (the role’s leftovers go), audited', async () => {
    const id = await invited({ role: 'shelter_manager', facilityIds: [ge1] });
    const toUor = await patch(id, { role: 'uor', regionCode: '09' });
    expect(toUor.status).toBe(200);
    expect(toUor.body).toMatchObject({ role: 'uor', regionCode: '09', facilityIds: [] });
    const back = await patch(id, { role: 'shelter_manager', facilityIds: [fi, ge2] });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ role: 'shelter_manager', regionCode: null });
    expect(back.body.facilityIds.sort()).toEqual([fi, ge2].sort());
    const [row] = await t.sql<{ role: string; region_code: string | null; facility_ids: string[] }>(
      'SELECT role, region_code, facility_ids::text[] AS facility_ids FROM member WHERE id = $1',
      [id],
    );
    expect(row.role).toBe('shelter_manager');
    expect(row.region_code).toBeNull();
    expect(row.facility_ids.sort()).toEqual([fi, ge2].sort());
    // a role without what it needs is refused and changes nothing
    expect((await patch(id, { role: 'uor' })).status).toBe(400);
    expect((await patch(id, { facilityIds: [randomUUID()] })).body.code).toBe('unknown_facility');
    expect((await get(id)).body.role).toBe('shelter_manager');
    const changes = (await auditOf(id)).filter((a) => a.action === 'member.changed');
    expect(changes).toEqual([
      {
        action: 'member.changed',
        actor_sub: 'admin-x',
        details: { fields: ['regionCode', 'role'], role: 'uor', regionCode: '09', facilities: [] },
      },
      {
        action: 'member.changed',
        actor_sub: 'admin-x',
        details: {
          fields: ['facilityIds', 'role'],
          role: 'shelter_manager',
          regionCode: null,
          facilities: expect.arrayContaining([fi, ge2]),
        },
      },
    ]);
  });

  it('a fiscal code another member has is 409 member_exists', async () => {
    const fiscalCode = `BNCLRA85C41H501${String.fromCharCode(65 + Math.floor(Math.random() * 26))}`;
    await invited({ role: 'national', fiscalCode });
    const id = await invited({ role: 'national' });
    const res = await patch(id, { fiscalCode });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('member_exists');
    expect((await get(id)).body.fiscalCode).toBeNull();
  });

  it('disable and enable: statuses and the audit', async () => {
    const id = await invited({ role: 'national' });
    const off = await t.http().post(`/api/v1/members/${id}/disable`).set(as(admin));
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('disabled');
    expect((await get(id)).body.status).toBe('disabled');
    const on = await t.http().post(`/api/v1/members/${id}/enable`).set(as(admin));
    expect(on.status).toBe(200);
    expect(on.body.status).toBe('invited');
    expect((await auditOf(id)).map((a) => [a.action, a.actor_sub])).toEqual([
      ['member.invited', 'admin-x'],
      ['member.disabled', 'admin-x'],
      ['member.enabled', 'admin-x'],
    ]);
  });

  it('nobody disables herself: 409 cannot_disable_self', async () => {
    const id = await invited({ role: 'admin' });
    const herself: Principal = { sub: id, role: 'admin', facilities: [] };
    const res = await t.http().post(`/api/v1/members/${id}/disable`).set(as(herself));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('cannot_disable_self');
    expect((await get(id)).body.status).toBe('invited');
  });

  it('unknown or malformed ids', async () => {
    expect((await get(randomUUID())).status).toBe(404);
    expect((await get('not-a-uuid')).status).toBe(400);
    expect((await patch(randomUUID(), { name: 'X' })).status).toBe(404);
    expect((await t.http().post(`/api/v1/members/${randomUUID()}/disable`).set(as(admin))).status).toBe(404);
  });
});
