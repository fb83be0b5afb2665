import { defaults } from '../../config/defaults.js';
import type { AppConfig } from '../config/app-config.js';
import { accountsByRole, type DevAccount } from './dev-provider.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * What a person at a terminal needs after `npm start`, in the order she needs it: the address, the
 * button to press, the demo accounts by role (the first of each role is one tap on the login page).
 * API tokens only when asked for (PRINT_DEMO_TOKENS=true): `npm run token` mints one any time.
 */
export function startNotes(
  config: Pick<AppConfig, 'publicBaseUrl' | 'host' | 'port' | 'oidc'>,
  dev: { enabled: boolean; accounts: readonly DevAccount[] },
  tokens: { user: string; role: string; token: string }[] | null,
): string[] {
  const base = config.publicBaseUrl;
  const lines = [`Approdo: open ${base}/ and choose "Accedi".`];
  if (dev.enabled) {
    lines.push('', 'Demo accounts by role (user, password; the passwords are made anew at each start):');
    for (const g of accountsByRole(dev.accounts)) {
      lines.push(`  ${g.words}`);
      for (const a of g.accounts) lines.push(`    ${a.user.padEnd(28)} ${a.password}`);
    }
  } else lines.push(`Sign-in through the identity provider ${config.oidc.issuer ?? ''}`);
  if (LOOPBACK.has(config.host)) {
    // the port said too when it is not the default: without PORT the service would listen on 3000, not where PUBLIC_BASE_URL says
    const port = config.port === defaults.port ? '' : `PORT=${config.port} `;
    lines.push(
      '',
      `Only this computer can open it (listening on ${config.host}). To show the demo to a room on the same network:`,
      `  HOST=0.0.0.0 ${port}PUBLIC_BASE_URL=http://<this computer's address>:${config.port} npm start`,
    );
    if (dev.enabled)
      lines.push(
        "  Careful: the demo provider's login page signs anyone in as any demo account with one tap, admin included:",
        '  open it only to people who may be admins of this demo.',
      );
  }
  if (tokens) {
    lines.push('', 'API tokens (Authorization: Bearer <token>), valid 30 days:');
    for (const t of tokens) lines.push(`  ${t.role.padEnd(16)} ${t.user.padEnd(28)} ${t.token}`);
  } else lines.push('', 'API tokens: PRINT_DEMO_TOKENS=true npm start, or npm run token -- --role uor --region 07');
  return lines;
}
