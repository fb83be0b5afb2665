/** Defaults of every setting; the environment overrides them (see src/config/app-config.ts and docs/configuration.md). */
export const defaults = {
  port: 3000,
  publicBaseUrl: 'http://localhost:3000',
  embeddedPostgres: {
    dataDir: '.data/pg',
    port: 54329,
  },
  jwt: {
    devSecret: 'approdo-local-development-secret-do-not-use-in-production',
    algorithms: ['HS256'],
    tokenTtl: '12h',
  },
  devAddressEncryptionKey: 'YXBwcm9kby1sb2NhbC1kZXYta2V5LW5vdC1zZWNyZXQ=',
  holdTtlHours: 24,
  holdTtlHoursByUrgency: {
    immediate: 6,
    within_24h: 24,
    planned: 72,
  },
  staleAfterHours: 24,
  matching: {
    weights: {
      stage_fit: 25,
      language: 15,
      exploitation_expertise: 15,
      proximity: 5,
      protection_fit: 15,
      place_kind_fit: 10,
      freshness: 10,
      services: 5,
    },
    defaultLimit: 20,
  },
  db: {
    poolSize: 20,
    acquireTimeoutMs: 5000,
    // a start waits this long for another instance's migrations (their advisory lock)
    migrationLockTimeoutSeconds: 120,
  },
  bodyLimitBytes: 262144,
  shutdownTimeoutMs: 10000,
  rateLimitPerMinute: 600,
  staleEscalateAfterHours: 48,
  holdExpiryWarningHours: 2,
  retentionDays: 365,
  // the live event stream (issue 22)
  events: {
    heartbeatSeconds: 25,
    retryMs: 3000,
    retentionHours: 48,
    maxStreamsPerMember: 8,
    maxStreams: 5000,
    maxBufferedBytes: 256 * 1024,
    maxQueued: 2000,
  },
  // Web Push (issue 22): the browsers' push services (an endpoint elsewhere is refused)
  push: {
    devSubject: 'mailto:approdo-dev@example.org',
    allowedHosts: ['fcm.googleapis.com', 'push.services.mozilla.com', 'push.apple.com', 'notify.windows.com'],
    maxAttempts: 10,
    backoffBaseSeconds: 15,
    leaseSeconds: 60,
  },
  mail: {
    from: 'Approdo <no-reply@approdo.example.org>',
    dir: '.data/mail',
    leaseSeconds: 60,
    maxAttempts: 8,
    backoffBaseSeconds: 30,
  },
};
