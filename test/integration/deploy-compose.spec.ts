/**
 * The deploy that can sign in, read from its files (there is no Docker engine where the tests run,
 * so nothing here starts a container): docker/compose.yaml with its keycloak profile,
 * docker/keycloak.env and the realm docker/keycloak/approdo-realm.json. The app's environment, as
 * Compose would interpolate it, must be accepted by the service's own configuration in production,
 * and the realm's client must name the service's own routes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { load } from 'js-yaml';
import { ProviderClient } from '../../src/auth/provider-client.js';
import { loadConfig } from '../../src/config/app-config.js';
import { DEMO_USERS } from '../../src/demo/demo-network.data.js';
import { SigninController } from '../../src/signin/signin.controller.js';

const root = process.cwd(); // jest runs from the project root
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  profiles?: string[];
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  ports?: string[];
}
const compose = load(read('docker/compose.yaml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };

/** docker/keycloak.env: KEY=value lines (Compose's env-file format, without quotes here). */
const profileEnv = Object.fromEntries(
  read('docker/keycloak.env')
    .split('\n')
    .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

/** The secrets an operator puts in docker/.env (docker/README.md): values as she would make them. No JWT_SECRET (issue 34). */
const SECRETS: Record<string, string> = {
  POSTGRES_PASSWORD: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6',
  ADDRESS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  OIDC_CLIENT_SECRET: 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f',
  KEYCLOAK_ADMIN_PASSWORD: 'a-long-admin-password',
  DEMO_USER_PASSWORD: 'a-demo-password',
};

/** Compose's interpolation of `${X}`, `${X:-default}`, `${X:?message}` and `$$` in one value. */
function interpolate(value: string, env: Record<string, string>, missing: string[]): string {
  return value.replace(
    /\$\$|\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g,
    (whole, name: string | undefined, op?: string, arg?: string) => {
      if (whole === '$$') return '$';
      const v = env[name!];
      if (v !== undefined && v !== '') return v;
      if (op === ':-') return arg ?? '';
      missing.push(name!);
      return '';
    },
  );
}
function environmentOf(service: Service, env: Record<string, string>): { resolved: Record<string, string>; missing: string[] } {
  const missing: string[] = [];
  const resolved = Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v ?? ''), env, missing)]),
  );
  return { resolved, missing };
}

/** A service's published ports, as Compose interpolates them. */
function portsOf(service: Service, env: Record<string, string>): string[] {
  return (service.ports ?? []).map((p) => interpolate(p, env, []));
}

const env = { ...profileEnv, ...SECRETS };
const app = environmentOf(compose.services.app, env);
const keycloak = environmentOf(compose.services.keycloak, env);

/** The realm as Keycloak imports it: its `${X}` placeholders from the keycloak service's environment. */
const realmText = read('docker/keycloak/approdo-realm.json');
const placeholders = [...realmText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1]);
const realm = JSON.parse(realmText.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, n: string) => keycloak.resolved[n] ?? `<unset ${n}>`)) as {
  realm: string;
  clients: {
    clientId: string;
    secret: string;
    publicClient: boolean;
    clientAuthenticatorType: string;
    standardFlowEnabled: boolean;
    implicitFlowEnabled: boolean;
    directAccessGrantsEnabled: boolean;
    redirectUris: string[];
    attributes: Record<string, string>;
    defaultClientScopes: string[];
  }[];
  users: { id: string; username: string; email: string; emailVerified: boolean; enabled: boolean; credentials: { value: string }[] }[];
};
const client = realm.clients.find((c) => c.clientId === app.resolved.OIDC_CLIENT_ID)!;

/** A route of SigninController as Nest serves it (`auth/…`). */
const signinRoute = (method: keyof SigninController) =>
  `/${Reflect.getMetadata(PATH_METADATA, SigninController)}/${Reflect.getMetadata(PATH_METADATA, SigninController.prototype[method])}`;

describe('docker/compose.yaml, keycloak profile: a deploy that can sign in', () => {
  it('has Keycloak importing the realm file, and the TLS proxy, only in the keycloak profile', () => {
    const kc = compose.services.keycloak;
    expect(kc.profiles).toEqual(['keycloak']);
    expect(kc.image).toMatch(/^quay\.io\/keycloak\/keycloak:\d+/);
    expect(kc.command).toEqual(expect.arrayContaining(['--import-realm']));
    expect(kc.volumes).toContain('./keycloak/approdo-realm.json:/opt/keycloak/data/import/approdo-realm.json:ro');
    expect(compose.services.proxy.profiles).toEqual(['keycloak']);
    expect(compose.services.app.profiles).toBeUndefined();
  });

  it('needs only the secrets docker/README.md lists: everything else comes from docker/keycloak.env or a default', () => {
    expect(app.missing).toEqual([]);
    expect(keycloak.missing).toEqual([]);
    const withoutSecrets = [
      ...environmentOf(compose.services.app, profileEnv).missing,
      ...environmentOf(compose.services.keycloak, profileEnv).missing,
    ];
    expect([...new Set(withoutSecrets)].sort()).toEqual(Object.keys(SECRETS).sort());
    const readme = read('docker/README.md');
    for (const name of Object.keys(SECRETS)) expect({ name, documented: readme.includes(name) }).toEqual({ name, documented: true });
  });

  it('gives the app an environment its own configuration accepts in production, signing in through that Keycloak', () => {
    const config = loadConfig(app.resolved);
    expect(config.production).toBe(true);
    expect(config.oidc.embedded).toBe(false);
    expect(config.oidc.issuer).toBe(`${keycloak.resolved.KC_HOSTNAME}/realms/${realm.realm}`);
    expect(config.oidc.issuer).toMatch(/^https:\/\//);
    expect(config.oidc.clientSecret).toBe(client.secret);
    expect(config.publicBaseUrl).toBe(keycloak.resolved.APPRODO_BASE_URL);
    expect(config.session.secureCookie).toBe(true);
    expect(config.trustProxy).toBe(true);
    // its members are invited by the demo network, whose demo users the realm has
    expect(config.demoData).toBe(true);
    // the CA the app trusts is the one the proxy copies to the volume the app mounts
    expect(app.resolved.NODE_EXTRA_CA_CERTS).toBe('/ca/root.crt');
    expect(compose.services.app.volumes).toContain('ca:/ca:ro');
    expect(compose.services.proxy.volumes).toContain('ca:/ca');
    expect(String(compose.services.proxy.command)).toContain('/ca/root.crt');
  });

  it('the realm’s client is confidential, code flow with PKCE S256 only, and names the app’s own routes', () => {
    const config = loadConfig(app.resolved);
    expect(placeholders.filter((p) => keycloak.resolved[p] === undefined)).toEqual([]);
    expect(client).toMatchObject({
      publicClient: false,
      clientAuthenticatorType: 'client-secret',
      standardFlowEnabled: true,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
    });
    expect(client.attributes['pkce.code.challenge.method']).toBe('S256');
    expect(client.defaultClientScopes).toEqual(expect.arrayContaining(['email', 'profile']));
    // the redirect URI is the one the app sends, on its callback route
    expect(client.redirectUris).toEqual([new ProviderClient(config).redirectUri]);
    expect(new URL(client.redirectUris[0]).pathname).toBe(signinRoute('callback'));
    // the post-logout redirect URI is the one the app's RP-initiated logout sends
    expect(client.attributes['post.logout.redirect.uris']).toBe(`${config.publicBaseUrl}/`);
    // back-channel logout: the app's route, on the app service of this compose file, with the sid
    const backchannel = new URL(client.attributes['backchannel.logout.url']);
    expect(backchannel.pathname).toBe(signinRoute('backchannelLogout'));
    expect(backchannel.hostname).toBe('app');
    expect(portsOf(compose.services.app, env).map((p) => p.split(':').at(-1))).toContain(backchannel.port);
    expect(client.attributes['backchannel.logout.session.required']).toBe('true');
  });

  it('publishes the app and the TLS proxy on this machine only: behind the proxy the app trusts X-Forwarded-*', () => {
    expect(app.resolved.TRUST_PROXY).toBe('true');
    const published = [...portsOf(compose.services.app, env), ...portsOf(compose.services.proxy, env)];
    expect(published.length).toBeGreaterThanOrEqual(3);
    // HOST:CONTAINER alone (or 0.0.0.0:…) would be every interface of the machine
    expect(published.filter((p) => !p.startsWith('127.0.0.1:'))).toEqual([]);
    // without the profile (no proxy, TRUST_PROXY false), the app is the deployment's front: every interface
    const plain = {
      ...SECRETS,
      OIDC_ISSUER: 'https://id.example.org/realms/approdo',
      OIDC_CLIENT_ID: 'approdo',
      SMTP_URL: 'smtp://relay:587',
    };
    expect(environmentOf(compose.services.app, plain).resolved.TRUST_PROXY).toBe('false');
    expect(portsOf(compose.services.app, plain)).toEqual(['0.0.0.0:3000:3000']);
  });

  it('has one demo user per role, each with the e-mail of the member the demo network invites for that role', () => {
    const roleOf = new Map(DEMO_USERS.map((u) => [u.email, u.role]));
    const roles = realm.users.map((u) => roleOf.get(u.email));
    expect([...roles].sort()).toEqual(['admin', 'national', 'shelter_manager', 'uor']);
    for (const u of realm.users) {
      expect({ user: u.username, emailVerified: u.emailVerified, enabled: u.enabled }).toEqual({
        user: u.username,
        emailVerified: true,
        enabled: true,
      });
      // a fixed id: the subject Approdo binds stays the same when Keycloak imports the realm again
      expect(u.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(u.credentials[0].value).toBe(SECRETS.DEMO_USER_PASSWORD);
    }
  });

  it('speaks no more of JWT_PUBLIC_KEY (the provider’s keys come from its JWKS)', () => {
    for (const file of ['docker/compose.yaml', 'docker/README.md', 'docker/keycloak.env', 'docs/deploy.md', 'README.md'])
      expect({ file, mentions: read(file).includes('JWT_PUBLIC_KEY') }).toEqual({ file, mentions: false });
  });

  it('docker/.env.example names every variable compose requires in production, and its values start the service', () => {
    // KEY=value lines, a "…" value unquoted as Compose's env-file format does; commented lines are not set
    const example = Object.fromEntries(
      read('docker/.env.example')
        .split('\n')
        .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^"(.*)"$/, '$1')]),
    );
    // what compose refuses to start without, with no profile: the app and its database
    const required = [
      ...new Set([...environmentOf(compose.services.app, {}).missing, ...environmentOf(compose.services.db, {}).missing]),
    ].sort();
    expect(required).toEqual(expect.arrayContaining(['ADDRESS_ENCRYPTION_KEY', 'OIDC_ISSUER', 'POSTGRES_PASSWORD', 'SMTP_URL']));
    expect(required.filter((name) => !(name in example))).toEqual([]);
    // the secrets are left empty for her to make, so compose refuses to start until she does
    const secrets = ['POSTGRES_PASSWORD', 'ADDRESS_ENCRYPTION_KEY', 'OIDC_CLIENT_SECRET'];
    expect(secrets.map((name) => example[name])).toEqual(['', '', '']);
    expect([...new Set(environmentOf(compose.services.app, example).missing)].sort()).toEqual([...secrets].sort());
    // filled in, the rest as written is a production configuration behind TLS the service accepts
    const filled = environmentOf(compose.services.app, { ...example, ...SECRETS });
    expect(filled.missing).toEqual([]);
    const config = loadConfig(filled.resolved);
    expect(config).toMatchObject({ production: true, trustProxy: true, demoData: false });
    expect(config.oidc.issuer).toMatch(/^https:\/\//);
    expect(config.publicBaseUrl).toMatch(/^https:\/\//);
    expect(config.session.secureCookie).toBe(true);
  });
});
