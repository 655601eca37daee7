// What the two exchange-file commands share: the portal's configuration, keys and database opened as
// the other operator commands open them, and the services' dependencies without a server.
import type { CliIo } from '../../cli/io.js';
import { commandDeps, existingPortal } from '../../cli/io.js';
import { closeDatabase, openConfiguredDatabase } from '../../db/connection.js';
import { prepareDatabase } from '../../install.js';
import { deriveKeys, loadMasterKey } from '../../plugins/keys.js';
import type { Deps } from '../../shared/deps.js';
import { findUnitByKey, supervisedUnitIds } from '../../units/index.js';

/**
 * Runs `work` on the configured portal, or returns 2 when there is none. No server runs: mail to the
 * units is not sent from here (they find imported items in their inbox).
 */
export async function withPortal(env: Record<string, string | undefined>, io: CliIo, work: (deps: Deps) => Promise<number>): Promise<number> {
  const portal = existingPortal(env, io);
  if (!portal) return 2;
  const { config } = portal;
  const keys = deriveKeys(loadMasterKey(config));
  const db = await openConfiguredDatabase(config);
  try {
    // A portal not started since the exchange file format came gets its table here.
    await prepareDatabase(db);
    const deps = commandDeps(config, db, keys);
    return await work(deps);
  } catch (err) {
    io.err(`Failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await closeDatabase(db);
  }
}

/** The handling units of `--unit` (it and those it supervises), null for none given, or undefined after saying it is unknown. */
export async function unitScope(deps: Deps, key: string | undefined, io: CliIo): Promise<Set<number> | null | undefined> {
  if (!key) return null;
  const unit = await findUnitByKey(deps.db, key);
  if (!unit) {
    io.err(`No unit "${key}". Unit keys look like ca:220000 (省民政厅), ca:<county code>. Nothing done.`);
    return undefined;
  }
  return new Set(await supervisedUnitIds(deps.db, unit.id));
}
