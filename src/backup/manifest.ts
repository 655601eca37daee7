// manifest.json of a backup: what it holds and the SHA-256 of every file, written last (a backup
// without one is incomplete). It never holds the key, only a fingerprint that cannot open anything.
import fs from 'node:fs';
import path from 'node:path';
import { isStoredName } from '../evidence/index.js';
import { ARCHIVE_DIR_NAME } from '../audit/index.js';
import { BackupError } from './files.js';

export const MANIFEST_NAME = 'manifest.json';
export const DATABASE_NAME = 'sunshine.db';
/** A PostgreSQL portal's database: pg_dump's custom format (issue 21). */
export const PG_DUMP_NAME = 'sunshine.pgdump';
export const FILES_DIR = 'files';
export const MANIFEST_FORMAT = 'sunshine-backup/1';

export interface ManifestFile {
  /** Relative to the backup folder: 'sunshine.db' (or 'sunshine.pgdump'), 'files/<stored name>', an audit archive or its signature (`.sig`). */
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  app: 'sunshine';
  appVersion: string;
  createdAt: string;
  /** The engine the data came from; absent in backups of SQLite portals (and in those made before PostgreSQL). */
  engine?: 'postgres';
  database: ManifestFile & { migrations: number };
  counts: Record<string, number>;
  /** Evidence files (ciphertext as stored), in evidence_files id order. */
  files: ManifestFile[];
  /** Fingerprint of the master key the data was encrypted with (not the key); null when no key was at hand. */
  keyFingerprint: string | null;
}

/** The database's file in a backup of this manifest's engine. */
export const databaseName = (manifest: Pick<Manifest, 'engine'>) => (manifest.engine === 'postgres' ? PG_DUMP_NAME : DATABASE_NAME);

export const filePath = (storedName: string) => `${FILES_DIR}/${storedName}`;

/**
 * What a manifest's files are: evidence files (files/…), and apart from them the audit archives and
 * their SM2 signatures (audit-archive/….sig), which the list holds alike. `signed` says the
 * signatures in words for the commands' lines.
 */
export function fileCounts(files: readonly { path: string }[]): { evidence: number; archives: number; signed: string } {
  const archived = files.filter((f) => f.path.startsWith(`${ARCHIVE_DIR_NAME}/`));
  const signatures = archived.filter((f) => f.path.endsWith('.sig')).length;
  const archives = archived.length - signatures;
  return { evidence: files.filter((f) => f.path.startsWith(`${FILES_DIR}/`)).length, archives, signed: signatures === archives ? 'with their signatures' : `${signatures} of them signed` };
}

export function writeManifest(dir: string, manifest: Manifest): void {
  const file = path.join(dir, MANIFEST_NAME);
  const temp = `${file}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(manifest, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

function isFileEntry(v: unknown): v is ManifestFile {
  const f = v as ManifestFile;
  return !!f && typeof f.path === 'string' && Number.isSafeInteger(f.bytes) && f.bytes >= 0 && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256);
}

/**
 * An audit log archive (audit-archive/audit-YYYY-MM.jsonl) or its SM2 signature (….jsonl.sig, issue
 * 23; backups made before signatures have none): the only other kinds of file a backup holds.
 */
const AUDIT_ARCHIVE_PATH = /^audit-archive\/audit-\d{4}-\d{2}\.jsonl(?:\.sig)?$/;

/** Reads and checks the shape of a backup's manifest; every path must be one a backup writes. */
export function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST_NAME);
  if (!fs.existsSync(file)) throw new BackupError(2, `${dir} is not a complete Sunshine backup: ${MANIFEST_NAME} is missing.`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    throw new BackupError(1, `${file} cannot be read: ${(err as Error).message}`);
  }
  if (manifest?.format !== MANIFEST_FORMAT) throw new BackupError(2, `${file} is not a ${MANIFEST_FORMAT} manifest.`);
  const filesOk =
    Array.isArray(manifest.files) &&
    manifest.files.every((f) => isFileEntry(f) && ((f.path.startsWith(`${FILES_DIR}/`) && isStoredName(f.path.slice(FILES_DIR.length + 1))) || AUDIT_ARCHIVE_PATH.test(f.path)));
  if (manifest.engine !== undefined && manifest.engine !== 'postgres') throw new BackupError(1, `${file} is damaged: unknown engine.`);
  if (!isFileEntry(manifest.database) || manifest.database.path !== databaseName(manifest) || !filesOk) {
    throw new BackupError(1, `${file} is damaged: unexpected entries.`);
  }
  return manifest;
}
