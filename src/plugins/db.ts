import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { applyMigrations, databaseFile, openDatabase, type Db } from '../db/connection.js';
import { installRegions } from '../regions/index.js';
import { installUnits } from '../units/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Opens the database, applies pending migrations and installs the reference data (regions, units). */
export default fp(
  async (app, opts: { config: Config }) => {
    const db = openDatabase(databaseFile(opts.config.dataDir));
    applyMigrations(db);
    await installRegions(db);
    await installUnits(db);
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      db.$client.close();
    });
  },
  { name: 'db' },
);
