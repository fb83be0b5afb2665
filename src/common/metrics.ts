import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry and the few instruments other modules call (one line each).
 * Figures that live in the database (proposals, holds, outbox) are read when scraped, by
 * MetricsService; counters here are per process, as Prometheus expects.
 */
export const registry = new Registry();
registry.setDefaultLabels({ service: 'approdo' });
collectDefaultMetrics({ register: registry, prefix: 'approdo_' });

const httpDuration = new Histogram({
  name: 'approdo_http_request_duration_seconds',
  help: 'HTTP request duration by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const jobRuns = new Counter({
  name: 'approdo_job_runs_total',
  help: 'Scheduled job occurrences run by this instance, by job and outcome (ok, failed)',
  labelNames: ['job', 'outcome'] as const,
  registers: [registry],
});

const catalogueReloads = new Counter({
  name: 'approdo_catalogue_reloads_total',
  help: 'Matching catalogue loads from the database by this instance (whole or changed rows)',
  labelNames: ['scope'] as const,
  registers: [registry],
});

/** Set on each scrape from the database and the connection pool. */
export const gauges = {
  proposals: new Gauge({
    name: 'approdo_proposals',
    help: 'Proposals by status (outcome)',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  holdsLive: new Gauge({ name: 'approdo_holds_live', help: 'Places held now (live holds)', registers: [registry] }),
  holdsReleased: new Gauge({
    name: 'approdo_holds_released',
    help: 'Holds ended, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  outboxBacklog: new Gauge({
    name: 'approdo_outbox_backlog',
    help: 'Outbox messages not sent, by status (pending, failed)',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  outboxOldestAge: new Gauge({
    name: 'approdo_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest pending outbox message (0 when none)',
    registers: [registry],
  }),
  poolConnections: new Gauge({
    name: 'approdo_db_pool_connections',
    help: 'Database pool connections by state (in_use, idle)',
    labelNames: ['state'] as const,
    registers: [registry],
  }),
  poolWaiting: new Gauge({ name: 'approdo_db_pool_waiting', help: 'Queries waiting for a pool connection', registers: [registry] }),
};

/** What other modules call: one line at the place the thing happens. */
export const metrics = {
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    httpDuration.observe({ method, route, status: String(status) }, seconds);
  },
  jobRun(job: string, outcome: 'ok' | 'failed'): void {
    jobRuns.inc({ job, outcome });
  },
  catalogueReload(scope: 'whole' | 'changes'): void {
    catalogueReloads.inc({ scope });
  },
};
