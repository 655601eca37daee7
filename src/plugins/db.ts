import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { closeDatabase, isPostgres, openConfiguredDatabase, type Db } from '../db/connection.js';
import type { PgDb } from '../db/postgres/connection.js';
import type { ClusterSignal } from '../db/postgres/notifications.js';
import { prepareDatabase } from '../install.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    /** Signals to the other app nodes on the same PostgreSQL database (LISTEN/NOTIFY); null on SQLite, where one process holds the file. */
    clusterSignal: ClusterSignal | null;
  }
}

/** Opens the database, applies pending migrations and installs the reference data (src/install.ts). */
export default fp(
  async (app, opts: { config: Config }) => {
    const db = await openConfiguredDatabase(opts.config);
    await prepareDatabase(db);
    app.decorate('db', db);
    // Loaded on PostgreSQL only (node-postgres is ≈ 15 MB resident).
    const clusterSignal = isPostgres(db)
      ? await (await import('../db/postgres/notifications.js')).openClusterSignal(db as unknown as PgDb, opts.config.databaseUrl!, app.log)
      : null;
    app.decorate('clusterSignal', clusterSignal);
    app.addHook('onClose', async () => {
      // First: it may still be sending through the pool.
      await clusterSignal?.close();
      await closeDatabase(db);
    });
  },
  { name: 'db' },
);
