import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { prepareDatabase } from './database/resolve-database.js';
import { DemoService } from './demo/demo.service.js';

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
  const db = await prepareDatabase(config);
  const app = await createApp(config, db.url);
  await app.listen({ port: config.port, host: config.host });
  const base = config.publicBaseUrl;
  const lines = [`Approdo is listening on ${base}`, `Pages: ${base}/ (Italian first; English with one tap)`, `OpenAPI: ${base}/api/docs (JSON: ${base}/api/docs-json)`];
  if (config.demoData) {
    const demo = app.get(DemoService);
    const ids = await demo.loadIfEmpty();
    lines.push('Demo tokens (Authorization: Bearer <token>), valid 30 days:');
    for (const t of demo.tokensFor(ids)) lines.push(`  ${t.role.padEnd(16)} ${t.user.padEnd(22)} ${t.token}`);
    lines.push(`Try: curl -H "Authorization: Bearer <token>" ${base}/api/v1/facilities`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
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
  new Logger('Boot').error(`failed to start: ${e.message}`);
  process.exit(1);
});
