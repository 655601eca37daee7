// What `npm start` decides before it listens (issue 15, defect 2): seed a demo into an empty
// database, or run as production — never both on one database — and refuse to start production
// without a retention schedule, nor with a master key the database was not written under. Returns
// the lines to print; throws StartRefused with one line.
import type { FastifyInstance } from 'fastify';
import { firstBrokenEntry, latestEntry } from './audit/index.js';
import type { Config } from './config.js';
import type { Db } from './db/connection.js';
import { demoSeedText, seedDemoIfEmpty } from './demo/index.js';
import { activeProfile } from './shared/crypto/index.js';
import { rosterIdHashesUnderIntl } from './disclosure/index.js';
import { declarationIdHashesUnderIntl } from './declarations/index.js';
import { claimInstallMode, installMode } from './installation/index.js';
import { trustProxyWarning } from './shared/trust-proxy.js';

export class StartRefused extends Error {
  override name = 'StartRefused';
}

const DEMO_BANNER = [
  '',
  '*** DEMO MODE (演示模式): this database holds demo data and printed demo passwords. Every page shows "演示数据". ***',
  '*** Do not enter real reports here. For production use a new DATA_DIR with SUNSHINE_DEMO_DATA=off and npm run admin:create (README "Run in production"). ***',
  '',
].join('\n');

/**
 * The id of the latest audit entry when it does not verify under `auditKey`, else null. On
 * PostgreSQL every node is given the key (SUNSHINE_MASTER_KEY), and one given another would write
 * audit entries that break the chain and seal evidence no other node can open; on SQLite a mistyped
 * key, or another portal's key file, does the same. The latest entry tells (admin:create asks too).
 */
export async function entryUnderAnotherKey(db: Db, auditKey: Buffer): Promise<number | null> {
  const latest = await latestEntry(db);
  if (!latest) return null;
  // The entry is checked under the MAC algorithm it names (chain.ts), whichever profile this node
  // runs: after a switch of crypto profile (issue 23) the latest entry may be the old profile's.
  return firstBrokenEntry(auditKey, [latest], latest.prevMac) ? latest.id : null;
}

async function refuseAnotherKey(app: FastifyInstance, config: Config): Promise<void> {
  const id = await entryUnderAnotherKey(app.db, app.keys['audit-mac']);
  if (id === null) return;
  const where = config.databaseUrl ? 'every node needs the same SUNSHINE_MASTER_KEY' : `use the key this database was created with (SUNSHINE_MASTER_KEY or ${config.dataDir}/master.key)`;
  throw new StartRefused(`the master key does not match this database: its latest audit entry (#${id}) does not verify under it; ${where} (or that entry was altered: npm run audit:verify). Nothing was changed.`);
}

/**
 * The SM profile (issue 23) hashes ID numbers with HMAC-SM3. Every ID number is now hashed under both
 * profiles and matched when any hash of one row equals any of the other, so rosters and declarations
 * imported before (HMAC-SHA256 alone) still match what is made under SM: the start goes on. While
 * such rows remain the switch is not complete — their lists need a re-import to carry an SM hash —
 * and the start says so in one line, like the proxy warning; the cross-check pages show which lists.
 */
async function intlOnlyIdHashWarning(app: FastifyInstance): Promise<string | null> {
  if (activeProfile() !== 'sm') return null;
  const rosters = await rosterIdHashesUnderIntl(app.db);
  const declarations = await declarationIdHashesUnderIntl(app.db);
  if (rosters + declarations === 0) return null;
  return `Warning: SUNSHINE_CRYPTO=sm, but ${rosters} roster entries and ${declarations} declared people are still hashed only under HMAC-SHA256 (imported before both profiles' hashes were kept). They still match and raise cross-check flags and recusals; re-import those lists (the cross-checks page names them) to complete the switch to the SM profile.`;
}

export async function prepareStart(app: FastifyInstance, config: Config): Promise<string[]> {
  const db = app.db;
  const lines: string[] = [];
  await refuseAnotherKey(app, config);
  const idHashWarning = await intlOnlyIdHashWarning(app);
  if (idHashWarning) lines.push(idHashWarning);
  const before = await installMode(db);
  if (config.demoData === 'off') {
    if (before === 'demo') {
      throw new StartRefused(
        `${config.dataDir} holds a demo database; SUNSHINE_DEMO_DATA=off starts production, and a demo is never promoted to production. Use a new DATA_DIR for production (then npm run admin:create), or start without SUNSHINE_DEMO_DATA=off to keep the demo.`,
      );
    }
    await claimInstallMode(db, 'production');
  } else if (before !== 'production') {
    const seed = await seedDemoIfEmpty(app);
    if (seed) lines.push(demoSeedText(seed, config.baseUrl));
    // An unmarked database that already held data (from before install modes) is real data.
    if ((await installMode(db)) === null) await claimInstallMode(db, 'production');
  }
  const mode = await installMode(db);
  if (mode === 'production' && !config.retention) {
    throw new StartRefused(
      'Production needs the retention schedule from the province\'s archive rules: set SUNSHINE_RETAIN_IDENTITY_DAYS, SUNSHINE_RETAIN_EVIDENCE_DAYS and SUNSHINE_RETAIN_DECLARATION_YEARS (README "Configuration"). Nothing was changed.',
    );
  }
  if (mode === 'demo') lines.push(DEMO_BANNER);
  const proxyWarning = trustProxyWarning(config.trustProxy, config.host);
  if (proxyWarning) lines.push(proxyWarning);
  return lines;
}
