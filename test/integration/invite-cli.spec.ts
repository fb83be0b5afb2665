import { inviteFromCli } from '../../src/cli/invite-member.js';
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
});
