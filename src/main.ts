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
  app.enableShutdownHooks();
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
  const shutdown = async () => {
    await app.close();
    await db.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: Error) => {
  new Logger('Boot').error(`failed to start: ${e.message}`);
  process.exit(1);
});
