import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { appLogger, createApp } from './app.factory.js';
import type { AppLogger } from './common/logging.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { prepareDatabase } from './database/resolve-database.js';
import { DemoService } from './demo/demo.service.js';

let logger: AppLogger | undefined;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    // fail fast, with every problem listed
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  logger = appLogger(config);
  // lines written before Nest starts (database, migrations) go through the same logger
  Logger.overrideLogger(logger);
  const db = await prepareDatabase(config);
  const app = await createApp(config, db.url, logger);
  await app.listen({ port: config.port, host: config.host });
  const base = config.publicBaseUrl;
  const log = (message: string, fields: Record<string, unknown> = {}) => logger!.log({ message, ...fields }, 'Boot');
  log(`Approdo is listening on ${base}`, { url: base });
  log(`Pages: ${base}/ (Italian first; English with one tap)`);
  log(`OpenAPI: ${base}/api/docs (JSON: ${base}/api/docs-json)`);
  if (config.demoData) {
    const demo = app.get(DemoService);
    const ids = await demo.loadIfEmpty();
    if (config.logFormat === 'pretty') {
      // a person at a terminal, on demo data: the tokens to try it with (never in shipped JSON logs)
      const lines = ['Demo tokens (Authorization: Bearer <token>), valid 30 days:'];
      for (const t of demo.tokensFor(ids)) lines.push(`  ${t.role.padEnd(16)} ${t.user.padEnd(22)} ${t.token}`);
      lines.push(`Try: curl -H "Authorization: Bearer <token>" ${base}/api/v1/facilities`);
      process.stdout.write(`\n${lines.join('\n')}\n\n`);
    } else log('demo data loaded; demo tokens are printed with LOG_FORMAT=pretty, or made with npm run token');
  }
  onStopSignal(async (signal) => {
    const log = new Logger('Shutdown');
    log.log(`${signal}: no new connections; finishing the requests under way`);
    // bounded: a request stuck past this is abandoned (its transaction rolls back with the connection)
    setTimeout(() => {
      log.error(`still busy after ${config.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    // stops listening, waits for requests in flight, stops the scheduler, closes the pool
    await app.close();
    await db.stop();
    log.log('stopped');
    process.exit(0);
  });
}

/** The first SIGTERM or SIGINT runs `stop`; a second one while stopping exits at once. */
function onStopSignal(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => {
      if (stopping) process.exit(130);
      stopping = true;
      stop(signal).catch((e: Error) => {
        new Logger('Shutdown').error(`could not stop cleanly: ${e.message}`);
        process.exit(1);
      });
    });
}

main().catch((e: Error) => {
  // one line, never a stack trace: what failed and (for the embedded server) what to do
  if (logger) logger.fatal({ message: `failed to start: ${e.message}` }, 'Boot');
  else process.stderr.write(`failed to start: ${e.message}\n`);
  process.exit(1);
});
