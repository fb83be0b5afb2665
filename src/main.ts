import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { appLogger, createApp, listen } from './app.factory.js';
import type { AppLogger } from './common/logging.js';
import { ConfigError, loadConfig, startWarnings } from './config/app-config.js';
import { prepareDatabase } from './database/resolve-database.js';
import { DemoService } from './demo/demo.service.js';
import { DevProvider } from './demo/dev-provider.js';
import { startNotes } from './demo/start-notes.js';

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
  await listen(app, config);
  const base = config.publicBaseUrl;
  const log = (message: string, fields: Record<string, unknown> = {}) => logger!.log({ message, ...fields }, 'Boot');
  log(`Approdo is listening on ${base} (address ${config.host}:${config.port})`, { url: base, host: config.host });
  log(`OpenAPI: ${base}/api/docs (JSON: ${base}/api/docs-json)`);
  for (const warning of startWarnings(config)) logger.warn({ message: warning }, 'Boot');
  const demo = app.get(DemoService);
  const ids = config.demoData ? await demo.loadIfEmpty() : new Map<string, string>();
  const dev = app.get(DevProvider);
  // the embedded provider's accounts are the demo users: their members must exist to sign in
  if (dev.enabled && !config.demoData) await demo.seedMembers(ids);
  if (config.logFormat === 'pretty' && (dev.enabled || config.demoData)) {
    // a person at a terminal, in development: where to go and who to be (never in shipped JSON logs)
    process.stdout.write(
      `\n${startNotes(config, dev, config.printDemoTokens && !config.production ? demo.tokensFor(ids) : null).join('\n')}\n\n`,
    );
  } else if (dev.enabled || config.demoData) log('demo accounts are printed with LOG_FORMAT=pretty');
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
