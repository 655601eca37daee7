// A consistent online backup (issue 9): the SQLite backup API copies the database while the server
// keeps writing (in WAL mode readers do not block it; a step interrupted by a write starts over),
// then the evidence files the copy references are copied, then the audit archives (with their SM2
// signatures). Stored files never change once written,
// so copying them after the snapshot is consistent; files of submissions committed later are simply
// not referenced. On PostgreSQL (issue 21) pg_dump copies the database in a snapshot that the
// manifest's lists are read in too. The master key is never written into the backup (DESIGN.md §4).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ARCHIVE_DIR_NAME, signatureFileName } from '../audit/index.js';
import { databaseFile } from '../db/connection.js';
import { fsyncDir, isStoredName, storedSizeMatches } from '../evidence/index.js';
import { BackupError, copyWithHash, folderState, isInside, keyFingerprint, removeCreated, sha256File, type CopiedFile } from './files.js';
import { DATABASE_NAME, FILES_DIR, filePath, MANIFEST_FORMAT, PG_DUMP_NAME, writeManifest, type Manifest, type ManifestFile } from './manifest.js';
import { eraseSessions, integrityCheck, snapshotContents, tableNames, type SnapshotContents } from './repository.js';
import { connect, endSnapshot, exportSnapshot, serverMajorVersion, snapshotContentsPg } from './pg-repository.js';
import { checkToolVersion, dumpDatabase } from './pg-tools.js';

export interface BackupOptions {
  dataDir: string;
  /** The PostgreSQL database (DATABASE_URL) of a portal on that engine; null or absent: DATA_DIR/sunshine.db. */
  databaseUrl?: string | null;
  /** Where the server stores evidence (SUNSHINE_EVIDENCE_DIR); null or absent: DATA_DIR/files. */
  evidenceDir?: string | null;
  /** The backup folder: new, or empty. */
  to: string;
  /** The master key, when at hand: its fingerprint goes into the manifest; with exportKey, the key itself to that file. */
  masterKey: Buffer | null;
  /** Where the operator wants the key written (0600), apart from the backup. */
  exportKey?: string;
  appVersion: string;
  now?: Date;
  log?: (line: string) => void;
}

export interface BackupResult {
  dir: string;
  manifest: Manifest;
  keyExportedTo: string | null;
}

/** Tables counted in the manifest (when present) so an operator can see what a backup holds. */
const COUNTED = ['reports', 'report_events', 'evidence_files', 'audit_log', 'users', 'units'];

/** Refusals checked before anything is written. */
function checkTargets(options: BackupOptions, dir: string): boolean {
  const dataDir = path.resolve(options.dataDir);
  if (!options.databaseUrl && !fs.existsSync(databaseFile(dataDir))) throw new BackupError(2, `No database at ${databaseFile(dataDir)} (check DATA_DIR).`);
  if (isInside(dir, dataDir)) throw new BackupError(2, `The backup folder ${dir} is inside the data directory ${dataDir}; choose a place outside it.`);
  if (isInside(dataDir, dir)) throw new BackupError(2, `The data directory ${dataDir} (which holds the master key) is inside the backup folder ${dir}; choose another folder.`);
  if (options.evidenceDir && isInside(dir, options.evidenceDir)) throw new BackupError(2, `The backup folder ${dir} is inside the evidence store ${options.evidenceDir}; choose a place outside it.`);
  const state = folderState(dir);
  if (state === 'not-a-folder') throw new BackupError(2, `${dir} exists and is not a folder.`);
  if (state === 'not-empty') throw new BackupError(2, `${dir} is not empty; a backup goes into a new or empty folder.`);
  if (options.exportKey !== undefined) {
    const keyFile = path.resolve(options.exportKey);
    if (isInside(keyFile, dir)) {
      throw new BackupError(2, `Refusing to write the master key into the backup folder (${keyFile}): keep the key apart from the backup (DESIGN.md §4).`);
    }
    if (!options.masterKey) throw new BackupError(2, 'No master key to export: DATA_DIR has no master.key and SUNSHINE_MASTER_KEY is not set.');
    if (fs.existsSync(keyFile)) throw new BackupError(2, `${keyFile} already exists; the key is never written over a file.`);
    if (!fs.existsSync(path.dirname(keyFile)) || !fs.statSync(path.dirname(keyFile)).isDirectory()) {
      throw new BackupError(2, `The folder for the key file, ${path.dirname(keyFile)}, does not exist.`);
    }
  }
  return state === 'missing';
}

/** Copies the live database with the backup API into `file`, then makes the copy a single self-contained file. */
async function snapshotDatabase(source: string, file: string): Promise<SnapshotContents> {
  const live = new Database(source, { fileMustExist: true });
  try {
    live.pragma('busy_timeout = 5000');
    // All pages in one step: one read transaction on a WAL snapshot, which the server's writes
    // neither wait for nor restart (a page-by-page copy starts over after every write).
    await live.backup(file, { progress: () => 1_000_000_000 });
  } finally {
    live.close();
  }
  const copy = new Database(file, { fileMustExist: true });
  try {
    const integrity = await integrityCheck(copy);
    if (integrity !== 'ok') throw new BackupError(1, `The database copy fails its integrity check: ${integrity}`);
    const tables = await tableNames(copy);
    // A backup carries no sessions: after a restore everyone signs in again, and a stolen backup holds no live session ids.
    if (tables.has('sessions')) await eraseSessions(copy);
    copy.pragma('journal_mode = DELETE');
    return await snapshotContents(copy, tables, COUNTED);
  } finally {
    copy.close();
  }
}

/**
 * pg_dump of the portal's PostgreSQL database in a snapshot exported by a transaction that also
 * reads what the manifest lists: the evidence and archives listed are exactly those the dump refers to.
 */
async function snapshotPostgres(url: string, file: string): Promise<SnapshotContents & { dump: CopiedFile }> {
  const client = await connect(url);
  try {
    const snapshot = await exportSnapshot(client);
    const contents = await snapshotContentsPg(client, COUNTED);
    const dump = await dumpDatabase(url, snapshot, file);
    await endSnapshot(client);
    return { ...contents, dump };
  } finally {
    await client.end();
  }
}

/** Refuses before anything is written when the server is newer than this machine's pg_dump. */
async function checkPgDump(url: string): Promise<void> {
  let client;
  try {
    client = await connect(url);
  } catch (err) {
    throw new BackupError(2, `Cannot connect to the database of DATABASE_URL: ${(err as Error).message}`);
  }
  try {
    checkToolVersion('pg_dump', await serverMajorVersion(client));
  } finally {
    await client.end();
  }
}

export async function createBackup(options: BackupOptions): Promise<BackupResult> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const dir = path.resolve(options.to);
  const store = options.evidenceDir ? path.resolve(options.evidenceDir) : path.join(dataDir, FILES_DIR);
  const createdFolder = checkTargets(options, dir);
  if (options.databaseUrl) await checkPgDump(options.databaseUrl);
  fs.mkdirSync(path.join(dir, FILES_DIR), { recursive: true, mode: 0o700 });
  try {
    const dbCopy = path.join(dir, options.databaseUrl ? PG_DUMP_NAME : DATABASE_NAME);
    let dumped: CopiedFile | null = null;
    let snapshot: SnapshotContents;
    if (options.databaseUrl) {
      const pgSnapshot = await snapshotPostgres(options.databaseUrl, dbCopy);
      snapshot = pgSnapshot;
      dumped = pgSnapshot.dump;
    } else {
      snapshot = await snapshotDatabase(databaseFile(dataDir), dbCopy);
    }
    log(`database copied: ${snapshot.counts.reports ?? 0} reports, ${snapshot.storedNames.length} evidence files referenced`);

    // Every referenced file must be there: a backup that silently lacks evidence is worse than none.
    const missing: string[] = [];
    for (const { name } of snapshot.storedNames) {
      if (!isStoredName(name)) throw new BackupError(1, `The database references an unexpected stored file name: ${JSON.stringify(name)}`);
      if (!fs.existsSync(path.join(store, name))) missing.push(name);
    }
    if (missing.length > 0) {
      throw new BackupError(1, `${missing.length} evidence file(s) referenced by the database are missing from ${store}: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' …' : ''}`);
    }
    // Inside the backup the files are under files/ wherever the server keeps them.
    const files: ManifestFile[] = [];
    for (const { name, size } of snapshot.storedNames) {
      const copied = await copyWithHash(path.join(store, name), path.join(dir, FILES_DIR, name));
      // Sealed in chunks (or, for files from before, in one stream): the size follows from the plaintext's.
      if (!storedSizeMatches(size, copied.bytes)) {
        throw new BackupError(1, `Evidence file ${name} has ${copied.bytes} bytes, which does not fit the ${size} bytes stored: it is damaged.`);
      }
      files.push({ path: filePath(name), ...copied });
    }
    fsyncDir(path.join(dir, FILES_DIR));
    if (snapshot.archives.length > 0) fs.mkdirSync(path.join(dir, ARCHIVE_DIR_NAME), { recursive: true, mode: 0o700 });
    // Each archive and its signature are final once the archive's row is committed (the signature is
    // in place before the file gets its name), so copying them after the snapshot is consistent.
    for (const { name, sha256 } of snapshot.archives) {
      const rel = `${ARCHIVE_DIR_NAME}/${path.basename(name)}`;
      const source = path.join(dataDir, rel);
      if (!fs.existsSync(source)) throw new BackupError(1, `The audit archive ${rel} recorded in the database is missing from ${dataDir}.`);
      const copied = await copyWithHash(source, path.join(dir, rel));
      if (copied.sha256 !== sha256) throw new BackupError(1, `The audit archive ${rel} does not match the SHA-256 recorded for it: it was changed.`);
      files.push({ path: rel, ...copied });
      // Its SM2 signature (issue 23), when it has one: without it a restored portal's archives read
      // as "unsigned (older archive)". Archives from before signatures have none, which is no error
      // here; restore's proof (audit verification) tells a removed or wrong signature.
      const sigRel = signatureFileName(rel);
      const signature = path.join(dataDir, sigRel);
      if (fs.existsSync(signature)) files.push({ path: sigRel, ...(await copyWithHash(signature, path.join(dir, sigRel))) });
    }
    // The dump was hashed as it was written; the SQLite copy changed after its snapshot (sessions erased).
    const database = dumped ?? (await sha256File(dbCopy));
    fs.chmodSync(dbCopy, 0o600);
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      app: 'sunshine',
      appVersion: options.appVersion,
      createdAt: (options.now ?? new Date()).toISOString(),
      ...(options.databaseUrl ? { engine: 'postgres' as const } : {}),
      database: { path: path.basename(dbCopy), ...database, migrations: snapshot.migrations },
      counts: snapshot.counts,
      files,
      keyFingerprint: options.masterKey ? keyFingerprint(options.masterKey) : null,
    };
    writeManifest(dir, manifest);
    fsyncDir(dir);
    log(`evidence files copied: ${files.length}`);

    let keyExportedTo: string | null = null;
    if (options.exportKey !== undefined && options.masterKey) {
      keyExportedTo = path.resolve(options.exportKey);
      fs.writeFileSync(keyExportedTo, options.masterKey.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    return { dir, manifest, keyExportedTo };
  } catch (err) {
    removeCreated(dir, createdFolder);
    throw err;
  }
}
