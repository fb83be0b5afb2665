/* Mints a local HS256 token: npm run token -- --role uor --region 07 [--sub x] [--facilities id1,id2] [--email e] [--ttl 12h] */
import { TokenService } from '../auth/token.service.js';
import { ROLES, Role } from '../auth/principal.js';
import { loadConfig } from '../config/app-config.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const role = arg('role') as Role | undefined;
if (!role || !ROLES.includes(role)) {
  process.stderr.write(
    `usage: npm run token -- --role ${ROLES.join('|')} [--region 07] [--facilities id,id] [--sub name] [--email e] [--ttl 12h]\n`,
  );
  process.exit(2);
}
const region = arg('region');
if (role === 'uor' && !region) {
  process.stderr.write('a uor token needs --region (ISTAT code, e.g. 07)\n');
  process.exit(2);
}
const config = loadConfig();
if (!config.localTokens) {
  process.stderr.write('this service does not accept its own tokens (production without LOCAL_TOKENS=true): make an API key instead\n');
  process.exit(2);
}
// in production (LOCAL_TOKENS=true) only the subject counts: --sub must be an active member's id, her role comes from the registry
const tokens = new TokenService(config);
process.stdout.write(
  tokens.sign(
    {
      sub: arg('sub') ?? `${role}-local`,
      role,
      region,
      email: arg('email'),
      facilities: (arg('facilities') ?? '').split(',').filter(Boolean),
    },
    arg('ttl'),
  ) + '\n',
);
