/* Invites a member from where the service runs: node dist/src/cli/invite.js --email admin@region.example.org --role admin
   [--fiscal-code RSSMRA80A41D969X] (for a provider that sends no verified e-mail, such as Entra ID: see docs/deploy.md) */
import { ROLES, type Role } from '../auth/principal.js';
import { loadConfig } from '../config/app-config.js';
import { inviteFromCli } from './invite-member.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const USAGE = `usage: node dist/src/cli/invite.js --email e [--fiscal-code RSSMRA80A41D969X] [--role ${ROLES.join('|')}] [--region 07] [--name "…"]

  --email        her e-mail: binds her first sign-in when the provider marks it verified; the
                 invitation e-mail goes there (a courtesy: nothing in it is needed to sign in)
  --fiscal-code  binds her first sign-in by fiscal code instead of a verified e-mail: needed when the
                 provider sends no email_verified (Entra ID, SPID/CIE brokers); spaces and case are folded
  --role         one of ${ROLES.join(', ')}; admin if not given
  --region       ISTAT region code, required for a uor
  --name         how the pages greet her
`;
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const email = arg('email');
const role = (arg('role') ?? 'admin') as Role;
if (!email || !ROLES.includes(role)) {
  process.stderr.write(USAGE);
  process.exit(2);
}
const config = loadConfig();
if (!config.databaseUrl) {
  process.stderr.write('DATABASE_URL is not set: run this where the service runs\n');
  process.exit(2);
}
inviteFromCli(config, config.databaseUrl, { email, role, fiscalCode: arg('fiscal-code'), regionCode: arg('region'), name: arg('name') })
  .then((m) => process.stdout.write(`invited ${email} as ${role} (member ${m.id}); her first sign-in binds her\n`))
  .catch((e: Error & { code?: string }) => {
    process.stderr.write(`could not invite: ${e.code ?? ''} ${e.message}\n`);
    process.exit(1);
  });
