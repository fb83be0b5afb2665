import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { inviteFromCli } from '../../src/cli/invite-member.js';
import { builtService } from '../support/built-service.js';
import { testEnvironment, type TestEnvironment } from '../support/test-environment.js';

/** Issue 34: a new deployment's first administrator is invited from where the service runs, with no shared secret. */
describe('inviting the first administrator from the command line (integration)', () => {
  let env: TestEnvironment;
  beforeAll(async () => {
    env = await testEnvironment({ NODE_ENV: 'production', ADDRESS_ENCRYPTION_KEY: 'cd'.repeat(32), LOG_LEVEL: 'fatal' });
  });
  afterAll(() => env.close());

  it('invites her as any invitation does: an invited member, audited, her e-mail queued', async () => {
    expect(env.config).toMatchObject({ production: true, localTokens: false });
    const made = await inviteFromCli(env.config, env.dbUrl, { email: 'Admin@Region.example.org', role: 'admin' });
    expect(made).toEqual({ id: expect.any(String), status: 'invited' });
    const [member] = await env.sql(`SELECT email, role, status FROM member WHERE id = $1`, [made.id]);
    expect(member).toEqual({ email: 'admin@region.example.org', role: 'admin', status: 'invited' });
    const audit = await env.sql(`SELECT actor_sub, action FROM audit_log WHERE object_id = $1`, [made.id]);
    expect(audit).toEqual([{ actor_sub: 'cli', action: 'member.invited' }]);
    expect(await env.sql(`SELECT recipient FROM outbox WHERE event = 'member_invited'`)).toEqual([
      { recipient: 'admin@region.example.org' },
    ]);
    // the registry's own checks hold: no second member with that e-mail
    await expect(inviteFromCli(env.config, env.dbUrl, { email: 'admin@region.example.org', role: 'national' })).rejects.toMatchObject({
      code: 'member_exists',
    });
  });

  it('binds her by fiscal code for a provider with no verified e-mail (Entra ID): folded as the API folds it', async () => {
    const made = await inviteFromCli(env.config, env.dbUrl, {
      email: 'capo@regione.example.org',
      role: 'admin',
      fiscalCode: ' rss mra 80a41 d969x ',
    });
    const [member] = await env.sql(`SELECT email, fiscal_code FROM member WHERE id = $1`, [made.id]);
    expect(member).toEqual({ email: 'capo@regione.example.org', fiscal_code: 'RSSMRA80A41D969X' });
    // the same fiscal code, typed another way, is the same person
    await expect(
      inviteFromCli(env.config, env.dbUrl, { email: 'altra@regione.example.org', role: 'admin', fiscalCode: 'RSSMRA80A41D969x' }),
    ).rejects.toMatchObject({ code: 'member_exists' });
  });

  it('refuses what the API refuses, and writes nothing', async () => {
    const before = await env.sql(`SELECT count(*)::int AS n FROM member`);
    await expect(
      inviteFromCli(env.config, env.dbUrl, { email: 'terza@regione.example.org', role: 'admin', fiscalCode: 'RSS-MRA' }),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { fields: [expect.objectContaining({ field: 'fiscalCode' })] } });
    await expect(inviteFromCli(env.config, env.dbUrl, { email: 'not an e-mail', role: 'admin' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    expect(await env.sql(`SELECT count(*)::int AS n FROM member`)).toEqual(before);
  });

  it('the built command names --fiscal-code in its --help', async () => {
    const out = await builtService();
    const help = spawnSync(process.execPath, [join(out, 'src/cli/invite.js'), '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--fiscal-code/);
    expect(help.stdout).toMatch(/--email/);
  });
});
