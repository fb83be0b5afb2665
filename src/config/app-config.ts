import { createPublicKey, randomBytes } from 'node:crypto';
import { defaults } from '../../config/defaults.js';
import type { MatchingWeights } from '../domain/types.js';

/** The one typed configuration object. Built from config/defaults.json and the environment. */
export interface AppConfig {
  nodeEnv: string;
  production: boolean;
  port: number;
  /** the address to listen on: 0.0.0.0 in production, 127.0.0.1 otherwise (local tokens keep their claims there); HOST overrides */
  host: string;
  publicBaseUrl: string;
  /** undefined: start the embedded PostgreSQL */
  databaseUrl?: string;
  embeddedPostgres: { dataDir: string; port: number };
  db: {
    /** connections per instance */
    poolSize: number;
    /** how long a caller waits for a connection before it is answered 503 service_busy */
    acquireTimeoutMs: number;
    /** fail at once when code inside a transaction asks the pool for a second connection (on outside production) */
    txGuard: boolean;
    /** how long a start waits for another instance's migrations (their lock) before it gives up */
    migrationLockTimeoutSeconds: number;
  };
  demoData: boolean;
  /** print a 30-day API token per demo user at start (development only; `npm run token` mints one too) */
  printDemoTokens: boolean;
  /**
   * tokens signed with JWT_SECRET (or JWT_PUBLIC_KEY): on outside production, where their role claims
   * hold; in production only with LOCAL_TOKENS=true, and then only for active members, the role read
   * from the registry (never the claims)
   */
  localTokens: boolean;
  jwt: {
    secret?: string;
    publicKey?: string;
    algorithms: string[];
    issuer?: string;
    audience?: string;
    tokenTtl: string;
  };
  /** sign-in of the pages and provider tokens (docs/sign-in.md) */
  oidc: {
    /** undefined: the embedded development provider at /oidc (never in production) */
    issuer?: string;
    embedded: boolean;
    clientId: string;
    clientSecret?: string;
    audience: string;
    emailClaim: string;
    fiscalCodeClaim: string;
    /** how long an unknown `kid` waits before the JWKS is fetched again */
    jwksCooldownMs: number;
  };
  session: { idleMinutes: number; maxHours: number; secureCookie: boolean };
  addressEncryptionKey: Buffer<ArrayBufferLike>;
  holdTtlHours: number;
  /** how long a proposal holds a place, by the request's urgency (holds of no request use holdTtlHours) */
  holdTtlHoursByUrgency: { immediate: number; within_24h: number; planned: number };
  staleAfterHours: number;
  matching: { weights: MatchingWeights; defaultLimit: number };
  bodyLimitBytes: number;
  /** SIGTERM: how long requests under way may take to finish before the process exits anyway */
  shutdownTimeoutMs: number;
  /** body limit of POST /api/v1/facilities/import (CSV) */
  csvImportLimitBytes: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** json: one JSON object per line (default in production); pretty: for a terminal */
  logFormat: 'json' | 'pretty';
  /** unset: GET /metrics answers 404; set: it answers only `Authorization: Bearer <token>` */
  metricsToken?: string;
  /** scheduled jobs (expiry, reminders); tests drive them by hand */
  schedulerEnabled: boolean;
  /** still stale this long after confirmation: the region's UOR is told */
  staleEscalateAfterHours: number;
  /** warn facility and UOR this long before a hold expires */
  holdExpiryWarningHours: number;
  /** profiles of requests closed longer than this are erased */
  retentionDays: number;
  /** origins allowed by CORS; empty: CORS stays closed */
  corsOrigins: string[];
  trustProxy: boolean;
  /** requests per minute per token (or address) */
  rateLimitPerMinute: number;
  /** the live event stream (issue 22) */
  events: {
    heartbeatSeconds: number;
    retryMs: number;
    retentionHours: number;
    maxStreamsPerMember: number;
    maxStreams: number;
    /** unsent bytes a stream may hold before it is ended (its client reconnects and replays) */
    maxBufferedBytes: number;
    /** events a stream may queue while its replay is read */
    maxQueued: number;
  };
  /** Web Push (issue 22). Keys unset: generated for development (kept under .data), refused in production (push off). */
  push: {
    vapidPublicKey?: string;
    vapidPrivateKey?: string;
    vapidSubject: string;
    /** endpoints must be https on one of these hosts (or a subdomain): the service POSTs to them */
    allowedHosts: string[];
    maxAttempts: number;
    backoffBaseSeconds: number;
    leaseSeconds: number;
  };
  mail: {
    /** unset: messages are written as .eml files under `dir` */
    smtpUrl?: string;
    from: string;
    dir: string;
    leaseSeconds: number;
    maxAttempts: number;
    backoffBaseSeconds: number;
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, problems: string[], min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
    return fallback;
  }
  return n;
}

function bool(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  // explicit words only: "false" must never become true
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T, problems: string[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
  return fallback;
}

function decodeKey(raw: string): Buffer | undefined {
  const hex = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : undefined;
  if (hex) return hex;
  const b64 = Buffer.from(raw, 'base64');
  return b64.length === 32 ? b64 : undefined;
}

function weights(env: Env, problems: string[]): MatchingWeights {
  const base: MatchingWeights = { ...defaults.matching.weights };
  if (env.MATCHING_WEIGHTS) {
    try {
      const parsed = JSON.parse(env.MATCHING_WEIGHTS) as Record<string, unknown>;
      for (const [k, v] of Object.entries(parsed)) {
        if (!(k in base)) problems.push(`MATCHING_WEIGHTS has unknown criterion "${k}"`);
        else if (typeof v !== 'number' || v < 0) problems.push(`MATCHING_WEIGHTS.${k} must be a number >= 0`);
        else base[k as keyof MatchingWeights] = v;
      }
    } catch {
      problems.push('MATCHING_WEIGHTS must be a JSON object, e.g. {"language":20,"proximity":5}');
    }
  }
  const sum = Object.values(base).reduce((a, b) => a + b, 0);
  // scores are read as "out of 100" by operators
  if (Math.abs(sum - 100) > 1e-9) problems.push(`matching weights must add up to 100 (they add up to ${sum})`);
  return base;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

/** A known level only: an unknown word once switched every log off without a word. */
function logLevel(env: Env, nodeEnv: string, problems: string[]): (typeof LOG_LEVELS)[number] {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === '') return nodeEnv === 'test' ? 'error' : 'log';
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (!level) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${raw}")`);
  return level ?? 'log';
}

/** Reads and validates the configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// URL');

  const localTokens = bool(env, 'LOCAL_TOKENS', !production, problems);
  const jwtSecret = env.JWT_SECRET || (production ? undefined : defaults.jwt.devSecret);
  const publicKey = env.JWT_PUBLIC_KEY || undefined;
  for (const o of (env.CORS_ORIGINS ?? '').split(',').filter((x) => x.trim()))
    if (!/^https?:\/\/[^/]+$/.test(o.trim()))
      problems.push(`CORS_ORIGINS must list origins like https://approdo.example.org (got "${o.trim()}")`);
  if (env.SMTP_URL && !/^smtps?:\/\/[^/]+/.test(env.SMTP_URL)) problems.push('SMTP_URL must look like smtp://user:pass@host:587');
  if (env.METRICS_TOKEN && env.METRICS_TOKEN.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters');
  // the shared secret is no way in to production unless asked for (machine clients use API keys)
  if (production && localTokens && !env.JWT_SECRET && !publicKey)
    problems.push('LOCAL_TOKENS=true in production needs JWT_SECRET (or JWT_PUBLIC_KEY)');
  if (production && env.JWT_SECRET === defaults.jwt.devSecret)
    problems.push('JWT_SECRET must not be the development default in production');
  if (jwtSecret && jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters');
  if (publicKey) {
    const problem = publicKeyProblem(publicKey);
    if (problem) problems.push(`JWT_PUBLIC_KEY ${problem}`);
  }
  const algorithms = (env.JWT_ALGORITHMS ?? (publicKey ? 'RS256' : defaults.jwt.algorithms.join(','))).split(',').map((a) => a.trim());
  for (const a of algorithms)
    if (!['HS256', 'RS256'].includes(a)) problems.push(`JWT_ALGORITHMS may list HS256 and RS256 only (got "${a}")`);
  if (algorithms.includes('RS256') && !publicKey) problems.push('JWT_ALGORITHMS lists RS256: set JWT_PUBLIC_KEY');
  if (localTokens && algorithms.includes('HS256') && !jwtSecret) problems.push('JWT_ALGORITHMS lists HS256: set JWT_SECRET');

  const oidcIssuer = (env.OIDC_ISSUER || '').replace(/\/$/, '') || undefined;
  if (oidcIssuer && !/^https?:\/\/[^\s]+$/.test(oidcIssuer))
    problems.push('OIDC_ISSUER must be a URL like https://id.example.org/realms/approdo');
  if (oidcIssuer?.startsWith('http:') && production) problems.push('OIDC_ISSUER must be https when NODE_ENV=production');
  const publicBaseUrl = (env.PUBLIC_BASE_URL || (env.PORT ? `http://localhost:${env.PORT}` : defaults.publicBaseUrl)).replace(/\/$/, '');
  if (!/^https?:\/\/[^/\s]+$/.test(publicBaseUrl)) problems.push('PUBLIC_BASE_URL must be an origin like https://approdo.example.org');
  const oidcClientId = env.OIDC_CLIENT_ID || (oidcIssuer ? '' : 'approdo-pages');
  if (oidcIssuer && !oidcClientId) problems.push('OIDC_ISSUER is set: set OIDC_CLIENT_ID too');

  const rawKey = env.ADDRESS_ENCRYPTION_KEY || (production ? undefined : defaults.devAddressEncryptionKey);
  let addressEncryptionKey: Buffer = Buffer.alloc(32);
  if (!rawKey) problems.push('ADDRESS_ENCRYPTION_KEY is required when NODE_ENV=production (32 bytes, base64 or 64 hex digits)');
  else if (production && rawKey === defaults.devAddressEncryptionKey)
    problems.push('ADDRESS_ENCRYPTION_KEY must not be the development default in production');
  else {
    const key = decodeKey(rawKey);
    if (!key) problems.push('ADDRESS_ENCRYPTION_KEY must be 32 bytes, base64 or 64 hex digits');
    else addressEncryptionKey = key;
  }

  const config: AppConfig = {
    nodeEnv,
    production,
    port: int(env, 'PORT', defaults.port, problems, 0, 65535),
    host: env.HOST || defaultHost(production),
    publicBaseUrl,
    databaseUrl,
    embeddedPostgres: {
      dataDir: env.EMBEDDED_PG_DIR || defaults.embeddedPostgres.dataDir,
      port: int(env, 'EMBEDDED_PG_PORT', defaults.embeddedPostgres.port, problems, 1024, 65535),
    },
    db: {
      poolSize: int(env, 'DB_POOL_SIZE', defaults.db.poolSize, problems, 1, 500),
      acquireTimeoutMs: int(env, 'DB_POOL_ACQUIRE_TIMEOUT_MS', defaults.db.acquireTimeoutMs, problems, 100, 120_000),
      txGuard: bool(env, 'DB_TX_GUARD', !production, problems),
      migrationLockTimeoutSeconds: int(
        env,
        'MIGRATION_LOCK_TIMEOUT_SECONDS',
        defaults.db.migrationLockTimeoutSeconds,
        problems,
        1,
        24 * 3600,
      ),
    },
    // demo data only on the embedded database unless asked for
    demoData: bool(env, 'DEMO_DATA', !databaseUrl, problems),
    printDemoTokens: bool(env, 'PRINT_DEMO_TOKENS', false, problems),
    localTokens,
    jwt: {
      secret: jwtSecret,
      publicKey,
      algorithms,
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
      tokenTtl: env.JWT_TOKEN_TTL || defaults.jwt.tokenTtl,
    },
    oidc: {
      issuer: oidcIssuer,
      // the development provider stands in only outside production
      embedded: !oidcIssuer && !production,
      clientId: oidcClientId,
      // the embedded provider and its one client share a secret made at each start
      clientSecret: env.OIDC_CLIENT_SECRET || (!oidcIssuer && !production ? randomBytes(24).toString('base64url') : undefined),
      audience: env.OIDC_AUDIENCE || oidcClientId,
      emailClaim: env.OIDC_EMAIL_CLAIM || 'email',
      fiscalCodeClaim: env.OIDC_FISCAL_CODE_CLAIM || 'https://attributes.eid.gov.it/fiscal_number',
      jwksCooldownMs: int(env, 'OIDC_JWKS_COOLDOWN_MS', 30_000, problems, 0, 600_000),
    },
    session: {
      idleMinutes: int(env, 'SESSION_IDLE_MINUTES', 480, problems, 1, 24 * 60),
      maxHours: int(env, 'SESSION_MAX_HOURS', 12, problems, 1, 24 * 30),
      secureCookie: publicBaseUrl.startsWith('https:'),
    },
    addressEncryptionKey,
    holdTtlHours: int(env, 'HOLD_TTL_HOURS', defaults.holdTtlHours, problems, 1, 24 * 14),
    holdTtlHoursByUrgency: {
      immediate: int(env, 'HOLD_TTL_HOURS_IMMEDIATE', defaults.holdTtlHoursByUrgency.immediate, problems, 1, 24 * 14),
      within_24h: int(env, 'HOLD_TTL_HOURS_WITHIN_24H', defaults.holdTtlHoursByUrgency.within_24h, problems, 1, 24 * 14),
      planned: int(env, 'HOLD_TTL_HOURS_PLANNED', defaults.holdTtlHoursByUrgency.planned, problems, 1, 24 * 14),
    },
    staleAfterHours: int(env, 'STALE_AFTER_HOURS', defaults.staleAfterHours, problems, 1, 24 * 30),
    matching: {
      weights: weights(env, problems),
      defaultLimit: int(env, 'MATCHING_DEFAULT_LIMIT', defaults.matching.defaultLimit, problems, 1, 500),
    },
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', defaults.bodyLimitBytes, problems, 1024, 10 * 1024 * 1024),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', defaults.shutdownTimeoutMs, problems, 0, 600_000),
    logLevel: logLevel(env, nodeEnv, problems),
    csvImportLimitBytes: int(env, 'CSV_IMPORT_LIMIT_BYTES', 8 * 1024 * 1024, problems, 1024, 64 * 1024 * 1024),
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, production ? 'json' : 'pretty', problems),
    metricsToken: env.METRICS_TOKEN || undefined,
    schedulerEnabled: bool(env, 'SCHEDULER_ENABLED', nodeEnv !== 'test', problems),
    staleEscalateAfterHours: int(env, 'STALE_ESCALATE_AFTER_HOURS', defaults.staleEscalateAfterHours, problems, 1, 24 * 60),
    holdExpiryWarningHours: int(env, 'HOLD_EXPIRY_WARNING_HOURS', defaults.holdExpiryWarningHours, problems, 1, 24 * 14),
    retentionDays: int(env, 'RETENTION_DAYS', defaults.retentionDays, problems, 1, 3650),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    trustProxy: bool(env, 'TRUST_PROXY', false, problems),
    // tests drive hundreds of calls with one token; production keeps the default
    rateLimitPerMinute: int(
      env,
      'RATE_LIMIT_PER_MINUTE',
      nodeEnv === 'test' ? 1_000_000 : defaults.rateLimitPerMinute,
      problems,
      1,
      10_000_000,
    ),
    events: {
      heartbeatSeconds: int(env, 'EVENTS_HEARTBEAT_SECONDS', defaults.events.heartbeatSeconds, problems, 1, 300),
      retryMs: defaults.events.retryMs,
      retentionHours: int(env, 'EVENTS_RETENTION_HOURS', defaults.events.retentionHours, problems, 24, 24 * 30),
      maxStreamsPerMember: int(env, 'EVENTS_MAX_STREAMS_PER_MEMBER', defaults.events.maxStreamsPerMember, problems, 1, 1000),
      maxStreams: int(env, 'EVENTS_MAX_STREAMS', defaults.events.maxStreams, problems, 1, 100_000),
      maxBufferedBytes: defaults.events.maxBufferedBytes,
      maxQueued: defaults.events.maxQueued,
    },
    push: {
      vapidPublicKey: env.VAPID_PUBLIC_KEY || undefined,
      vapidPrivateKey: env.VAPID_PRIVATE_KEY || undefined,
      vapidSubject: env.VAPID_SUBJECT || defaults.push.devSubject,
      allowedHosts: (env.PUSH_ALLOWED_HOSTS ?? defaults.push.allowedHosts.join(','))
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      maxAttempts: int(env, 'PUSH_MAX_ATTEMPTS', defaults.push.maxAttempts, problems, 1, 50),
      backoffBaseSeconds: int(env, 'PUSH_BACKOFF_BASE_SECONDS', defaults.push.backoffBaseSeconds, problems, 0, 3600),
      leaseSeconds: defaults.push.leaseSeconds,
    },
    mail: {
      smtpUrl: env.SMTP_URL || undefined,
      from: env.MAIL_FROM || defaults.mail.from,
      dir: env.MAIL_DIR || defaults.mail.dir,
      leaseSeconds: int(env, 'MAIL_LEASE_SECONDS', defaults.mail.leaseSeconds, problems, 5, 3600),
      maxAttempts: int(env, 'MAIL_MAX_ATTEMPTS', defaults.mail.maxAttempts, problems, 1, 50),
      backoffBaseSeconds: int(env, 'MAIL_BACKOFF_BASE_SECONDS', defaults.mail.backoffBaseSeconds, problems, 0, 3600),
    },
  };
  // Web Push: both keys or neither; a subject the push services accept (mailto: or https:)
  if (!!env.VAPID_PUBLIC_KEY !== !!env.VAPID_PRIVATE_KEY) problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together');
  if (env.VAPID_PUBLIC_KEY && !/^[A-Za-z0-9_-]{87}$/.test(env.VAPID_PUBLIC_KEY))
    problems.push('VAPID_PUBLIC_KEY must be a P-256 public key, base64url (npx web-push generate-vapid-keys)');
  if (env.VAPID_PRIVATE_KEY && !/^[A-Za-z0-9_-]{43}$/.test(env.VAPID_PRIVATE_KEY))
    problems.push('VAPID_PRIVATE_KEY must be a P-256 private key, base64url (npx web-push generate-vapid-keys)');
  if (!/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/.test(config.push.vapidSubject))
    problems.push('VAPID_SUBJECT must be a mailto: address or an https: URL');
  if (production && env.VAPID_PUBLIC_KEY && !env.VAPID_SUBJECT) problems.push('VAPID_SUBJECT is required with VAPID keys in production');
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** What the log must say at every start about a configuration that is valid but opens a side door (issue 34). */
export function startWarnings(config: Pick<AppConfig, 'production' | 'localTokens'>, env: Env = process.env): string[] {
  if (!config.production) return [];
  if (config.localTokens)
    return [
      'LOCAL_TOKENS=true: tokens signed with JWT_SECRET (or JWT_PUBLIC_KEY) are accepted for active members, with their role from the members registry. Meant for a migration: give machine clients API keys and unset it.',
    ];
  if (env.JWT_SECRET || env.JWT_PUBLIC_KEY)
    return ['JWT_SECRET/JWT_PUBLIC_KEY is set but LOCAL_TOKENS is not: tokens signed with it are refused (machine clients use API keys)'];
  return [];
}

/**
 * Where the service listens without HOST: outside production only this machine (127.0.0.1), whatever the
 * database, since there local tokens keep their role claims and JWT_SECRET may be the public default;
 * in production every interface (the Docker image sets HOST=0.0.0.0 anyway).
 */
export function defaultHost(production: boolean): string {
  return production ? '0.0.0.0' : '127.0.0.1';
}

/** Why a PEM cannot verify the identity provider's RS256 tokens, or undefined when it can. */
function publicKeyProblem(pem: string): string | undefined {
  // Node derives the public half of a private key: refuse it, the service must never hold a signing key
  if (/PRIVATE KEY/.test(pem)) return 'is a private key: give the public key (-----BEGIN PUBLIC KEY-----)';
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') return `must be an RSA public key for RS256 (got ${key.asymmetricKeyType})`;
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return 'must be an RSA key of at least 2048 bits';
    return undefined;
  } catch {
    return 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)';
  }
}
