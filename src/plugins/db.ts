import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { databaseFile, openDatabase, type Db } from '../db/connection.js';
import { prepareDatabase } from '../install.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Opens the database, applies pending migrations and installs the reference data (src/install.ts). */
export default fp(
  async (app, opts: { config: Config }) => {
    const db = openDatabase(databaseFile(opts.config.dataDir));
    await prepareDatabase(db);
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      db.$client.close();
    });
  },
  { name: 'db' },
);
