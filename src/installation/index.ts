// The install mode of a database (issue 15 "Trust", defect 2): a demo is marked as one on every
// page and is never promoted to production; production data is never seeded over.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/connection.js';
import type { Tx } from '../db/transaction.js';
import { AppError } from '../shared/errors.js';
import { insertModeOnce, readMode, type InstallMode } from './repository.js';

export type { InstallMode } from './repository.js';

/** null until the first seed, `admin:create` or a start with SUNSHINE_DEMO_DATA=off. */
export async function installMode(db: Db | Tx): Promise<InstallMode | null> {
  return readMode(db);
}

/** Refused: the database is already of the other kind. */
export class InstallModeError extends AppError {
  constructor(readonly current: InstallMode, wanted: InstallMode) {
    super(409, 'INSTALL_MODE', `install.${current}_not_${wanted}`);
  }
}

/**
 * Marks the database as `mode`, or confirms it is already; throws when it is the other kind. Call in
 * the transaction (or before the work) that makes it so: the demo seed, `admin:create`.
 */
export async function claimInstallMode(db: Db | Tx, mode: InstallMode, now = Date.now()): Promise<void> {
  const current = await insertModeOnce(db, mode, now);
  if (current !== mode) throw new InstallModeError(current, mode);
}

/**
 * Every page says "演示数据" while the database is a demo (views/partials/demo-ribbon). The mode
 * is read until it is set, then kept: it never changes once written.
 */
export function registerDemoRibbon(app: FastifyInstance, db: Db): void {
  let known: InstallMode | null = null;
  app.addHook('onRequest', async () => {
    known ??= await readMode(db);
  });
  app.addPageContext(() => (known === 'demo' ? { demoInstall: true } : {}));
}
