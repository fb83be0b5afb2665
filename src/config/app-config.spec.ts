import { ConfigError, loadConfig, startWarnings } from './app-config.js';

const base = { NODE_ENV: 'development' };

describe('loadConfig', () => {
  it('gives working defaults for local development', () => {
    const c = loadConfig(base);
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demoData).toBe(true);
    expect(c.addressEncryptionKey).toHaveLength(32);
    expect(c.holdTtlHours).toBe(24);
    expect(c.holdTtlHoursByUrgency).toEqual({ immediate: 6, within_24h: 24, planned: 72 });
    expect(c.staleAfterHours).toBe(24);
    expect(Object.values(c.matching.weights).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('reads the pool, the guard and the log level', () => {
    expect(loadConfig(base).db).toEqual({ poolSize: 20, acquireTimeoutMs: 5000, txGuard: true, migrationLockTimeoutSeconds: 120 });
    expect(
      loadConfig({ ...base, DB_POOL_SIZE: '8', DB_POOL_ACQUIRE_TIMEOUT_MS: '250', MIGRATION_LOCK_TIMEOUT_SECONDS: '30' }).db,
    ).toMatchObject({
      poolSize: 8,
      acquireTimeoutMs: 250,
      migrationLockTimeoutSeconds: 30,
    });
    // 0 would mean "wait for ever" to PostgreSQL: refused, like a word
    for (const bad of ['0', '2m', '-5'])
      expect(() => loadConfig({ ...base, MIGRATION_LOCK_TIMEOUT_SECONDS: bad })).toThrow(
        /MIGRATION_LOCK_TIMEOUT_SECONDS must be an integer/,
      );
    expect(loadConfig({ ...base, LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
    expect(loadConfig({ ...base, LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
  });

  it('writes pretty logs in development and JSON in production unless LOG_FORMAT says otherwise; /metrics only with a token', () => {
    expect(loadConfig(base).logFormat).toBe('pretty');
    expect(loadConfig({ ...base, LOG_FORMAT: 'json' }).logFormat).toBe('json');
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), ADDRESS_ENCRYPTION_KEY: 'ab'.repeat(32) };
    expect(loadConfig(prod).logFormat).toBe('json');
    expect(loadConfig({ ...prod, LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig(base).metricsToken).toBeUndefined();
    expect(loadConfig({ ...base, METRICS_TOKEN: 'm'.repeat(16) }).metricsToken).toBe('m'.repeat(16));
  });

  it('turns demo data off for an external database unless asked', () => {
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://u:p@db/x' }).demoData).toBe(false);
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://u:p@db/x', DEMO_DATA: 'true' }).demoData).toBe(true);
    expect(loadConfig({ ...base, DEMO_DATA: 'false' }).demoData).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ HOLD_TTL_HOURS: '0' }, 'HOLD_TTL_HOURS'],
    [{ HOLD_TTL_HOURS_IMMEDIATE: '0' }, 'HOLD_TTL_HOURS_IMMEDIATE'],
    [{ HOLD_TTL_HOURS_WITHIN_24H: 'x' }, 'HOLD_TTL_HOURS_WITHIN_24H'],
    [{ HOLD_TTL_HOURS_PLANNED: '1000' }, 'HOLD_TTL_HOURS_PLANNED'],
    [{ STALE_AFTER_HOURS: '1.5' }, 'STALE_AFTER_HOURS'],
    [{ DEMO_DATA: 'maybe' }, 'DEMO_DATA'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ JWT_ALGORITHMS: 'none' }, 'JWT_ALGORITHMS'],
    [{ ADDRESS_ENCRYPTION_KEY: 'c2hvcnQ=' }, 'ADDRESS_ENCRYPTION_KEY'],
    [{ MATCHING_WEIGHTS: '{"language":40}' }, 'add up to 100'],
    [{ MATCHING_WEIGHTS: '{"charm":0}' }, 'unknown criterion'],
    [{ MATCHING_WEIGHTS: 'not json' }, 'MATCHING_WEIGHTS'],
    // "info" once switched every log off without a word
    [{ LOG_LEVEL: 'info' }, 'LOG_LEVEL'],
    [{ DB_POOL_SIZE: '0' }, 'DB_POOL_SIZE'],
    [{ DB_POOL_ACQUIRE_TIMEOUT_MS: 'soon' }, 'DB_POOL_ACQUIRE_TIMEOUT_MS'],
    [{ DB_TX_GUARD: 'sometimes' }, 'DB_TX_GUARD'],
    [{ SHUTDOWN_TIMEOUT_MS: '-1' }, 'SHUTDOWN_TIMEOUT_MS'],
  ])('rejects %j', (env, fragment) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(fragment);
  });

  it('accepts weights that still add up to 100', () => {
    const c = loadConfig({ ...base, MATCHING_WEIGHTS: '{"language":20,"stage_fit":20}' });
    expect(c.matching.weights.language).toBe(20);
    expect(c.matching.weights.stage_fit).toBe(20);
  });

  it('reads the hold TTL of each urgency', () => {
    const c = loadConfig({ ...base, HOLD_TTL_HOURS_IMMEDIATE: '4', HOLD_TTL_HOURS_PLANNED: '96' });
    expect(c.holdTtlHoursByUrgency).toEqual({ immediate: 4, within_24h: 24, planned: 96 });
  });

  it('reads the VAPID keys (both or neither), their subject, and the stream limits (issue 22)', () => {
    const pub = `B${'A'.repeat(86)}`;
    const priv = 'A'.repeat(43);
    expect(loadConfig({ ...base, VAPID_PUBLIC_KEY: pub, VAPID_PRIVATE_KEY: priv }).push).toMatchObject({
      vapidPublicKey: pub,
      vapidPrivateKey: priv,
      vapidSubject: 'mailto:approdo-dev@example.org',
    });
    expect(() => loadConfig({ ...base, VAPID_PUBLIC_KEY: pub })).toThrow(/go together/);
    expect(() => loadConfig({ ...base, VAPID_PUBLIC_KEY: 'short', VAPID_PRIVATE_KEY: priv })).toThrow(/VAPID_PUBLIC_KEY must be/);
    expect(() => loadConfig({ ...base, VAPID_SUBJECT: 'someone' })).toThrow(/VAPID_SUBJECT/);
    expect(() => loadConfig({ ...base, EVENTS_RETENTION_HOURS: '12' })).toThrow(/EVENTS_RETENTION_HOURS/);
    expect(loadConfig({ ...base, EVENTS_MAX_STREAMS_PER_MEMBER: '3' }).events).toMatchObject({
      maxStreamsPerMember: 3,
      heartbeatSeconds: 25,
    });
  });

  it('accepts a hex encryption key', () => {
    const c = loadConfig({ ...base, ADDRESS_ENCRYPTION_KEY: 'ab'.repeat(32) });
    expect(c.addressEncryptionKey.equals(Buffer.alloc(32, 0xab))).toBe(true);
  });

  it('runs the embedded identity provider in development, with a secret of its own each start; sessions last as configured', () => {
    const a = loadConfig(base);
    const b = loadConfig(base);
    expect(a.oidc).toMatchObject({ issuer: undefined, embedded: true, clientId: 'approdo-pages', audience: 'approdo-pages' });
    expect(a.oidc.clientSecret).not.toBe(b.oidc.clientSecret);
    expect(a.session).toEqual({ idleMinutes: 480, maxHours: 12, secureCookie: false });
    expect(loadConfig({ ...base, SESSION_IDLE_MINUTES: '30', SESSION_MAX_HOURS: '2' }).session).toMatchObject({
      idleMinutes: 30,
      maxHours: 2,
    });
    expect(() => loadConfig({ ...base, SESSION_IDLE_MINUTES: '0' })).toThrow(/SESSION_IDLE_MINUTES/);
    expect(() => loadConfig({ ...base, PUBLIC_BASE_URL: 'approdo.example.org' })).toThrow(/PUBLIC_BASE_URL/);
  });

  it('listens on 127.0.0.1 outside production (with DATABASE_URL too), on 0.0.0.0 in production, on HOST when given', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).host).toBe('127.0.0.1');
    // a development database is no deployment: local tokens with the default secret are trusted here
    expect(loadConfig({ NODE_ENV: 'development', DATABASE_URL: 'postgres://u:p@db/x' }).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://u:p@db/x' }).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'development', HOST: '192.0.2.2', DATABASE_URL: 'postgres://u:p@db/x' }).host).toBe('192.0.2.2');
  });

  it('accepts local tokens outside production; prints demo tokens only when asked', () => {
    expect(loadConfig({ NODE_ENV: 'development' })).toMatchObject({ localTokens: true, printDemoTokens: false });
    expect(loadConfig({ NODE_ENV: 'test' }).localTokens).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', LOCAL_TOKENS: 'false' }).localTokens).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development', PRINT_DEMO_TOKENS: 'true' }).printDemoTokens).toBe(true);
  });

  describe('in production', () => {
    const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db/x' };
    it('refuses to start without secrets, listing every problem', () => {
      try {
        loadConfig(prod);
        throw new Error('expected a ConfigError');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).problems.join(' ')).toMatch(/ADDRESS_ENCRYPTION_KEY/);
      }
    });

    it('listens on every interface without HOST (behind its proxy); HOST still decides when given', () => {
      const key = { ...prod, ADDRESS_ENCRYPTION_KEY: 'cd'.repeat(32) };
      expect(loadConfig(key).host).toBe('0.0.0.0');
      expect(loadConfig({ ...key, HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    });

    it('needs no JWT_SECRET: local tokens are off unless LOCAL_TOKENS=true, which then needs the secret', () => {
      const key = { ...prod, ADDRESS_ENCRYPTION_KEY: 'cd'.repeat(32) };
      const c = loadConfig(key);
      expect({ localTokens: c.localTokens, secret: c.jwt.secret }).toEqual({ localTokens: false, secret: undefined });
      expect(() => loadConfig({ ...key, LOCAL_TOKENS: 'true' })).toThrow(/LOCAL_TOKENS=true in production needs JWT_SECRET/);
      expect(loadConfig({ ...key, LOCAL_TOKENS: 'true', JWT_SECRET: 'x'.repeat(40) }).localTokens).toBe(true);
      // a leftover secret opens nothing by itself
      expect(loadConfig({ ...key, JWT_SECRET: 'x'.repeat(40) }).localTokens).toBe(false);
      expect(() => loadConfig({ ...key, LOCAL_TOKENS: 'maybe' })).toThrow(/LOCAL_TOKENS must be true or false/);
    });
    it('warns at every start while LOCAL_TOKENS=true, and says a leftover secret opens nothing', () => {
      const key = { ...prod, ADDRESS_ENCRYPTION_KEY: 'cd'.repeat(32) };
      const on = { ...key, LOCAL_TOKENS: 'true', JWT_SECRET: 'x'.repeat(40) };
      expect(startWarnings(loadConfig(on), on)).toEqual([expect.stringMatching(/^LOCAL_TOKENS=true: .*API keys/)]);
      const leftover = { ...key, JWT_SECRET: 'x'.repeat(40) };
      expect(startWarnings(loadConfig(leftover), leftover)).toEqual([expect.stringMatching(/refused/)]);
      expect(startWarnings(loadConfig(key), key)).toEqual([]);
      expect(startWarnings(loadConfig(base), base)).toEqual([]);
    });

    it('refuses the development defaults', () => {
      const dev = loadConfig(base);
      expect(() =>
        loadConfig({ ...prod, JWT_SECRET: dev.jwt.secret, ADDRESS_ENCRYPTION_KEY: dev.addressEncryptionKey.toString('base64') }),
      ).toThrow(/development default/);
    });
    it('keeps the transaction guard off in production unless asked', () => {
      const secrets = { JWT_SECRET: 'x'.repeat(40), ADDRESS_ENCRYPTION_KEY: 'a'.repeat(64) };
      expect(loadConfig({ NODE_ENV: 'production', ...secrets }).db.txGuard).toBe(false);
      expect(loadConfig({ NODE_ENV: 'production', DB_TX_GUARD: 'true', ...secrets }).db.txGuard).toBe(true);
    });

    it('never runs the embedded identity provider, and wants an https issuer with its client', () => {
      const secrets = { ...prod, JWT_SECRET: 'x'.repeat(40), ADDRESS_ENCRYPTION_KEY: 'cd'.repeat(32) };
      const c = loadConfig(secrets);
      expect(c.oidc).toMatchObject({ issuer: undefined, embedded: false, clientSecret: undefined });
      expect(() => loadConfig({ ...secrets, OIDC_ISSUER: 'http://id.example.org/realms/a', OIDC_CLIENT_ID: 'approdo' })).toThrow(
        /OIDC_ISSUER must be https/,
      );
      expect(() => loadConfig({ ...secrets, OIDC_ISSUER: 'https://id.example.org/realms/a' })).toThrow(/OIDC_CLIENT_ID/);
      const real = loadConfig({
        ...secrets,
        OIDC_ISSUER: 'https://id.example.org/realms/a/',
        OIDC_CLIENT_ID: 'approdo',
        PUBLIC_BASE_URL: 'https://approdo.example.org',
      });
      expect(real.oidc).toMatchObject({
        issuer: 'https://id.example.org/realms/a',
        embedded: false,
        clientId: 'approdo',
        audience: 'approdo',
      });
      expect(real.session.secureCookie).toBe(true);
    });

    it('starts with real secrets', () => {
      const c = loadConfig({ ...prod, JWT_SECRET: 'x'.repeat(40), ADDRESS_ENCRYPTION_KEY: 'cd'.repeat(32) });
      expect(c.production).toBe(true);
      expect(c.demoData).toBe(false);
    });
  });
});
