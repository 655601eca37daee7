// Verifies the audit trail (DESIGN.md §4): every archive file in DATA_DIR/audit-archive against its
// row, then the live MAC chain, which must continue the last archive; prints the result and the head.
// Across a switch of crypto profile the chain must pass through one signed link entry (issue 23).
// Each archive's SM2 signature (<file>.sig) is checked too; archives from before signatures existed
// are listed as "unsigned (older archive)", which is not a failure.
//
//   npm run audit:verify
//
// Exit codes: 0 the trail is whole; 1 it is broken (or could not be read); 2 configuration error,
// no database or no key in DATA_DIR.
import { existingPortal, consoleIo, type CliIo, runIfMain } from './io.js';
import { archiveDir, registerChainKeys, verifyAuditTrail } from '../audit/index.js';
import { closeDatabase, openConfiguredDatabase } from '../db/connection.js';
import { withTransaction } from '../db/transaction.js';
import { deriveKeys, loadMasterKey } from '../plugins/keys.js';

const LIVE_REASONS = {
  mac: 'mac: the entry does not match its MAC',
  link: 'link: the entry does not follow the one before it',
  start: 'start: the oldest live entry does not continue the last archive or the genesis MAC; entries were removed',
  profile: 'profile: the MAC algorithm changes here without a valid signed link (audit.mac_switched), or goes back from SM3 to SHA-256',
} as const;
const ARCHIVE_REASONS = {
  row: 'row: the archive record does not match its MAC',
  link: 'link: it does not continue the archive before it; an archive was removed',
  file: 'file: missing or unreadable',
  sha256: 'sha256: the file was changed',
  chain: 'chain: the entries in the file do not match the record or each other',
  profile: 'profile: an entry in the file changes MAC algorithm without a valid signed link, or goes back from SM3 to SHA-256',
  signature: 'signature: its SM2 signature (the .sig file beside it) does not verify with this portal\'s key, or cannot be read',
  signature_missing: 'signature_missing: its SM2 signature (the .sig file beside it) is missing, though an earlier archive is signed; it was removed',
} as const;

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  const usage = 'usage: npm run audit:verify [-- --expect-head ID:MAC]   (checks the audit trail of the database in DATA_DIR;\n  --expect-head: a chain head from the application log\'s daily "audit chain head" line, which must still be in the trail)';
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(usage);
    return 0;
  }
  let expect: { id: number; mac: string } | undefined;
  const rest = [...argv];
  if (rest[0] === '--expect-head') {
    const m = /^(\d{1,15}):((?:sm3:)?[0-9a-f]{64})$/.exec(rest[1] ?? '');
    if (!m) {
      io.err(`--expect-head takes ID:MAC (the id and the MAC: 64 hex digits, after sm3: under the SM profile)\n${usage}`);
      return 2;
    }
    expect = { id: Number(m[1]), mac: m[2]! };
    rest.splice(0, 2);
  }
  if (rest.length > 0) {
    io.err(`unexpected arguments: ${rest.join(' ')}\n${usage}`);
    return 2;
  }
  const portal = existingPortal(env, io);
  if (!portal) return 2;
  const { config } = portal;
  const keys = deriveKeys(loadMasterKey(config));
  const key = keys['audit-mac'];
  // A link entry's SM2 signature is then checked against this portal's own public key.
  registerChainKeys(keys);
  const db = await openConfiguredDatabase(config);
  try {
    const result = await withTransaction(db, (tx) => verifyAuditTrail(tx, key, archiveDir(config.dataDir), expect));
    if (result.archiveProblem) io.out(`audit archive ${result.archiveProblem.month} BROKEN (${ARCHIVE_REASONS[result.archiveProblem.reason]})`);
    else if (result.archives > 0) io.out(`audit archives ok: ${result.archives} files, ${result.archived} entries`);
    if (result.broken) io.out(`audit chain BROKEN at entry ${result.broken.id} (${LIVE_REASONS[result.broken.reason]})`);
    else io.out(`audit chain ok: ${result.checked} entries`);
    io.out(result.head ? `chain head: entry ${result.head.id} mac ${result.head.mac}` : 'chain head: none (the log is empty)');
    if (result.unsigned.length > 0) io.out(`audit archives unsigned (older archive, written before archives were signed; not a failure): ${result.unsigned.join(', ')}`);
    if (expect) {
      if (result.expectProblem === 'missing') io.out(`expected head ${expect.id} MISSING: entries up to it were deleted from the end of the log`);
      else if (result.expectProblem === 'mac') io.out(`expected head ${expect.id} DIFFERS: the entry was rewritten`);
      else io.out(`expected head ${expect.id} found`);
    }
    return result.broken || result.archiveProblem || result.expectProblem ? 1 : 0;
  } catch (err) {
    io.err(`Failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await closeDatabase(db);
  }
}

await runIfMain(import.meta.url, main);
