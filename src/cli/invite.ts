/* Invites a member from where the service runs: node dist/src/cli/invite.js --email admin@region.example.org --role admin */
import { ROLES, type Role } from '../auth/principal.js';
import { loadConfig } from '../config/app-config.js';
import { inviteFromCli } from './invite-member.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const email = arg('email');
const role = (arg('role') ?? 'admin') as Role;
if (!email || !ROLES.includes(role)) {
  process.stderr.write(`usage: node dist/src/cli/invite.js --email e [--role ${ROLES.join('|')}] [--region 07] [--name "…"]\n`);
  process.exit(2);
}
const config = loadConfig();
if (!config.databaseUrl) {
  process.stderr.write('DATABASE_URL is not set: run this where the service runs\n');
  process.exit(2);
}
inviteFromCli(config, config.databaseUrl, { email, role, regionCode: arg('region'), name: arg('name') })
  .then((m) => process.stdout.write(`invited ${email} as ${role} (member ${m.id}); her first sign-in binds her\n`))
  .catch((e: Error & { code?: string }) => {
    process.stderr.write(`could not invite: ${e.code ?? ''} ${e.message}\n`);
    process.exit(1);
  });
