// Restores a backup into a new data directory and proves the key opens it: every file's SHA-256
// against the manifest, the database's integrity check, one evidence file decrypted to the SHA-256
// stored for it, and the audit chain verified with the key's audit MAC key (archives' SM2 signatures
// against the key's public key). A backup of a PostgreSQL
// portal (issue 21) goes into an empty PostgreSQL database through pg_restore, its evidence and
// archives to the folders as above, and is proved the same way.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ARCHIVE_DIR_NAME, archiveDir, registerChainKeys, verifyAuditTrail } from '../audit/index.js';
import { databaseFile, openConfiguredDatabase, openDatabase } from '../db/connection.js';
import { withTransaction } from '../db/transaction.js';
import { decryptFromStore, fsyncDir, storageDirs } from '../evidence/index.js';
import { deriveKeys, KEY_FILE_NAME } from '../plugins/keys.js';
import { BackupError, copyWithHash, folderState, isInside, keyFingerprint, removeCreated, sha256File } from './files.js';
import { DATABASE_NAME, databaseName, fileCounts, FILES_DIR, readManifest, type Manifest } from './manifest.js';
import { connect, emptyRestoredDatabase, objectsInDatabase, serverMajorVersion } from './pg-repository.js';
import { checkToolVersion, restoreDatabase } from './pg-tools.js';
import { closeDatabase, databaseIntegrity, referencedEvidence } from './repository.js';

export interface RestoreOptions {
  from: string;
  /** The data directory to create: missing or empty. */
  dataDir: string;
  /**
   * The empty PostgreSQL database (DATABASE_URL) a backup of a PostgreSQL portal goes into; null or
   * absent for a backup of an SQLite portal, which goes into DATA_DIR/sunshine.db.
   */
  databaseUrl?: string | null;
  /**
   * Where the server will look for evidence (SUNSHINE_EVIDENCE_DIR): missing or empty, as a restore
   * never mixes files into a live store. Null or absent: DATA_DIR/files.
   */
  evidenceDir?: string | null;
  masterKey: Buffer;
  /** Write the key to DATA_DIR/master.key (0600), where the server reads it; false when the operator gives SUNSHINE_MASTER_KEY instead. */
  writeKeyFile: boolean;
  log?: (line: string) => void;
}

export interface RestoreResult {
  manifest: Manifest;
  /** Evidence files restored (the manifest's files/… entries). */
  files: number;
  /** Audit archives restored (each with its signature when it has one). */
  archives: number;
  auditEntries: number;
  /** The evidence file decrypted as proof that the key opens the data; null when the backup holds none. */
  checkedFile: string | null;
}

function checkTarget(from: string, dataDir: string): boolean {
  if (isInside(dataDir, from)) throw new BackupError(2, `The data directory ${dataDir} is inside the backup ${from}: the key would end up beside the backup.`);
  if (isInside(from, dataDir)) throw new BackupError(2, `The backup ${from} is inside the target data directory ${dataDir}.`);
  const state = folderState(dataDir);
  if (state === 'not-a-folder') throw new BackupError(2, `${dataDir} exists and is not a folder.`);
  if (state === 'not-empty') throw new BackupError(2, `${dataDir} is not empty; restore only into a new or empty data directory.`);
  return state === 'missing';
}

/** The same refusals for a separate evidence store; a store inside the new data directory is created with it. */
function checkEvidenceTarget(from: string, dataDir: string, store: string): boolean {
  if (isInside(store, from) || isInside(from, store)) throw new BackupError(2, `The evidence folder ${store} and the backup ${from} must not lie one inside the other.`);
  const state = folderState(store);
  if (state === 'not-a-folder') throw new BackupError(2, `${store} exists and is not a folder.`);
  if (state === 'not-empty') throw new BackupError(2, `${store} is not empty; restore evidence only into a new or empty folder.`);
  return state === 'missing' && !isInside(store, dataDir);
}

/** Copies one file of the backup, refusing it when its SHA-256 is not the manifest's. */
async function restoreFile(from: string, to: string, entry: { path: string; bytes: number; sha256: string }): Promise<void> {
  const source = path.join(from, entry.path);
  if (!fs.existsSync(source)) throw new BackupError(1, `The backup lacks ${entry.path}, listed in its manifest.`);
  const copied = await copyWithHash(source, to);
  if (copied.sha256 !== entry.sha256 || copied.bytes !== entry.bytes) {
    throw new BackupError(1, `${entry.path} does not match the manifest (SHA-256 ${copied.sha256}, expected ${entry.sha256}): the backup is damaged or was changed.`);
  }
}

/** The refusals of a PostgreSQL target, before anything is written: the engine of the backup, an empty database, a pg_restore not older than the server. */
async function checkDatabaseTarget(manifest: Manifest, databaseUrl: string | null): Promise<void> {
  if (manifest.engine === 'postgres' && !databaseUrl) throw new BackupError(2, 'This is a backup of a PostgreSQL portal: set DATABASE_URL to a new, empty PostgreSQL database to restore it into.');
  if (manifest.engine !== 'postgres' && databaseUrl) {
    throw new BackupError(2, 'This is a backup of an SQLite portal: restore it without DATABASE_URL, then move it to PostgreSQL with npm run db:copy.');
  }
  if (!databaseUrl) return;
  let client;
  try {
    client = await connect(databaseUrl);
  } catch (err) {
    throw new BackupError(2, `Cannot connect to the database of DATABASE_URL: ${(err as Error).message}`);
  }
  try {
    const objects = await objectsInDatabase(client);
    if (objects > 0) throw new BackupError(2, `The database of DATABASE_URL is not empty (${objects} tables, sequences or functions); restore only into a new, empty database (createdb).`);
    checkToolVersion('pg_restore', await serverMajorVersion(client));
  } finally {
    await client.end();
  }
}

/** After a failed proof: the PostgreSQL database emptied again, as it was found. */
async function emptyAgain(databaseUrl: string): Promise<void> {
  const client = await connect(databaseUrl);
  try {
    await emptyRestoredDatabase(client);
  } finally {
    await client.end();
  }
}

/** The dump's SHA-256 against the manifest before pg_restore reads it. */
async function checkDump(from: string, manifest: Manifest): Promise<void> {
  const file = path.join(from, databaseName(manifest));
  if (!fs.existsSync(file)) throw new BackupError(1, `The backup lacks ${databaseName(manifest)}, listed in its manifest.`);
  const found = await sha256File(file);
  if (found.sha256 !== manifest.database.sha256 || found.bytes !== manifest.database.bytes) {
    throw new BackupError(1, `${databaseName(manifest)} does not match the manifest (SHA-256 ${found.sha256}, expected ${manifest.database.sha256}): the backup is damaged or was changed.`);
  }
}

async function proveKey(dataDir: string, databaseUrl: string | null, evidenceDir: string | null, masterKey: Buffer, manifestNames: Set<string>): Promise<{ auditEntries: number; checkedFile: string | null }> {
  const keys = deriveKeys(masterKey);
  const db = databaseUrl ? await openConfiguredDatabase({ databaseUrl, dataDir }) : openDatabase(databaseFile(dataDir));
  try {
    const integrity = await databaseIntegrity(db);
    if (integrity !== 'ok') throw new BackupError(1, `The restored database fails its integrity check: ${integrity}`);
    const rows = await referencedEvidence(db);
    const unlisted = rows.filter((r) => !manifestNames.has(r.name));
    if (unlisted.length > 0) throw new BackupError(1, `${unlisted.length} evidence file(s) referenced by the database are not in the backup: ${unlisted.slice(0, 10).map((r) => r.name).join(', ')}`);
    let checkedFile: string | null = null;
    const smallest = rows[0];
    if (smallest) {
      const hash = crypto.createHash('sha256');
      try {
        for await (const chunk of decryptFromStore(storageDirs(dataDir, evidenceDir), keys.files, smallest.name)) hash.update(chunk as Buffer);
      } catch {
        throw new BackupError(1, `The key does not open evidence file ${smallest.name}: wrong key for this backup?`);
      }
      if (hash.digest('hex') !== smallest.sha256) throw new BackupError(1, `Evidence file ${smallest.name} decrypts, but not to the SHA-256 stored for it.`);
      checkedFile = smallest.name;
    }
    // The whole trail: the monthly archives and the live chain that continues them. With this key's
    // SM2 public key registered, the archives' signatures are checked too (otherwise verification
    // skips them): a wrong or removed signature fails the restore as a changed archive does.
    registerChainKeys(keys);
    const chain = await withTransaction(db, (tx) => verifyAuditTrail(tx, keys['audit-mac'], archiveDir(dataDir)));
    if (chain.archiveProblem) {
      throw new BackupError(1, `The audit archive ${chain.archiveProblem.month} does not verify with this key (${chain.archiveProblem.reason}): wrong key, or the archive was changed.`);
    }
    if (chain.broken) {
      throw new BackupError(1, `The audit chain does not verify with this key (entry ${chain.broken.id}, ${chain.broken.reason}): wrong key, or the log was changed.`);
    }
    return { auditEntries: chain.checked + chain.archived, checkedFile };
  } finally {
    await closeDatabase(db);
  }
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const log = options.log ?? (() => undefined);
  const from = path.resolve(options.from);
  const dataDir = path.resolve(options.dataDir);
  const manifest = readManifest(from);
  const evidenceDir = options.evidenceDir ? path.resolve(options.evidenceDir) : null;
  const store = evidenceDir ?? path.join(dataDir, FILES_DIR);
  const createdFolder = checkTarget(from, dataDir);
  const createdStore = evidenceDir ? checkEvidenceTarget(from, dataDir, evidenceDir) : false;
  if (manifest.keyFingerprint && manifest.keyFingerprint !== keyFingerprint(options.masterKey)) {
    throw new BackupError(1, 'This key does not belong to this backup (its fingerprint differs from the manifest\'s). Nothing was restored.');
  }
  const databaseUrl = options.databaseUrl ?? null;
  await checkDatabaseTarget(manifest, databaseUrl);
  let databaseWritten = false;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(store, { recursive: true, mode: 0o700 });
  if (manifest.files.some((f) => f.path.startsWith(`${ARCHIVE_DIR_NAME}/`))) fs.mkdirSync(path.join(dataDir, ARCHIVE_DIR_NAME), { recursive: true, mode: 0o700 });
  try {
    if (!databaseUrl) await restoreFile(from, path.join(dataDir, DATABASE_NAME), manifest.database);
    else await checkDump(from, manifest);
    // Evidence (files/<stored name> in the backup) goes to the store; audit archives to DATA_DIR.
    for (const entry of manifest.files) {
      const to = entry.path.startsWith(`${FILES_DIR}/`) ? path.join(store, entry.path.slice(FILES_DIR.length + 1)) : path.join(dataDir, entry.path);
      await restoreFile(from, to, entry);
    }
    fsyncDir(store);
    if (databaseUrl) {
      databaseWritten = true;
      await restoreDatabase(databaseUrl, path.join(from, databaseName(manifest)));
    }
    const counts = fileCounts(manifest.files);
    log(`copied and verified: the database${counts.archives === 0 ? ' and' : ','} ${counts.evidence} evidence files${counts.archives === 0 ? '' : ` and ${counts.archives} audit archives (${counts.signed})`}`);
    const names = new Set(manifest.files.filter((f) => f.path.startsWith(`${FILES_DIR}/`)).map((f) => f.path.slice(FILES_DIR.length + 1)));
    const proof = await proveKey(dataDir, databaseUrl, evidenceDir, options.masterKey, names);
    log(
      proof.checkedFile
        ? `the key opens the data: evidence file ${proof.checkedFile} decrypts to its SHA-256; audit chain ok (${proof.auditEntries} entries)`
        : `the key opens the data: audit chain ok (${proof.auditEntries} entries); no evidence file to decrypt`,
    );
    if (!proof.checkedFile && proof.auditEntries === 0) log('WARNING: this backup holds nothing encrypted or signed with the key, so the key could not be checked.');
    if (options.writeKeyFile) {
      fs.writeFileSync(path.join(dataDir, KEY_FILE_NAME), options.masterKey.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    fsyncDir(dataDir);
    return { manifest, files: counts.evidence, archives: counts.archives, ...proof };
  } catch (err) {
    removeCreated(dataDir, createdFolder);
    if (evidenceDir) removeCreated(evidenceDir, createdStore);
    if (databaseUrl && databaseWritten) await emptyAgain(databaseUrl);
    throw err;
  }
}
