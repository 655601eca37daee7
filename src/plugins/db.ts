import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { closeDatabase, openConfiguredDatabase, type Db } from '../db/connection.js';
import { prepareDatabase } from '../install.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Opens the database, applies pending migrations and installs the reference data (src/install.ts). */
export default fp(
  async (app, opts: { config: Config }) => {
    const db = openConfiguredDatabase(opts.config);
    await prepareDatabase(db);
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await closeDatabase(db);
    });
  },
  { name: 'db' },
);
