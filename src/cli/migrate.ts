/* Applies pending migrations to DATABASE_URL (the Docker entrypoint runs this before the service). */
import { loadConfig } from '../config/app-config.js';
import { prepareDatabase } from '../database/resolve-database.js';

prepareDatabase(loadConfig())
  .then((db) => db.stop())
  .catch((e: Error) => {
    process.stderr.write(`migration failed: ${e.message}\n`);
    process.exit(1);
  });
