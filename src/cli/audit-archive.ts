// Moves audit log entries older than the online period (SUNSHINE_AUDIT_ONLINE_DAYS, at least 180)
// into monthly archive files in DATA_DIR/audit-archive, as the scheduler does, and prints one
// checkpoint line per archive (month, last id, last MAC, count) to keep outside the server. Each
// file gets its SM2 signature beside it (<file>.sig; see src/audit/README.md for the openssl check).
//
//   npm run audit:archive
//
// Exit codes: 0 done (also when nothing was due); 1 failed or refused (a broken chain is never
// archived); 2 configuration error, no database or no key in DATA_DIR.
import { archiveWithCheckpoints } from '../audit/index.js';
import { closeDatabase, openConfiguredDatabase } from '../db/connection.js';
import { deriveKeys, loadMasterKey } from '../plugins/keys.js';
import { existingPortal, commandLine, consoleIo, type CliIo, runIfMain } from './io.js';

const USAGE = 'usage: npm run audit:archive   (archives audit entries older than SUNSHINE_AUDIT_ONLINE_DAYS)';

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo, now = Date.now()): Promise<number> {
  const args = commandLine(argv, {}, USAGE, io);
  if (typeof args === 'number') return args;
  const portal = existingPortal(env, io);
  if (!portal) return 2;
  const { config } = portal;
  const keys = deriveKeys(loadMasterKey(config));
  const db = await openConfiguredDatabase(config);
  try {
    const log = { info: (obj: { auditArchive?: { month: string; lastId: number; lastMac: string; count: number } }) => {
      const c = obj.auditArchive!;
      io.out(`audit archive checkpoint: month ${c.month} last entry ${c.lastId} mac ${c.lastMac} count ${c.count}`);
    } };
    const done = await archiveWithCheckpoints({ db, keys, config }, log, now);
    io.out(done.length === 0 ? `nothing to archive (entries stay online ${config.auditOnlineDays} days)` : `archived ${done.length} month(s)`);
    if (done.length > 0) io.out(`each file is signed with the portal's SM2 key: ${done.map((c) => `${c.fileName}.sig`).join(', ')} (check a copy with openssl pkeyutl -verify, src/audit/README.md)`);
    return 0;
  } catch (err) {
    io.err(`audit:archive FAILED: ${(err as Error).message}`);
    return 1;
  } finally {
    await closeDatabase(db);
  }
}

await runIfMain(import.meta.url, main);
