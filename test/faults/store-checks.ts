// What a data directory must look like after any fault: read with the server stopped, the database
// opened read-only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { decryptFromStore, readAll } from '../../src/evidence/index.js';
import { deriveKeys, KEY_FILE_NAME } from '../../src/plugins/keys.js';

export interface StoreState {
  integrity: string;
  reports: number;
  /** Reports without their 'received' event. */
  withoutReceivedEvent: number[];
  /** Evidence rows whose stored file is missing. */
  missingFiles: string[];
  /** Files in files/ that no evidence row references (including .part leftovers). */
  orphanFiles: string[];
  tmpEntries: string[];
}

export function inspectStore(dataDir: string): StoreState {
  const db = new Database(path.join(dataDir, 'sunshine.db'), { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? 'no answer';
    const reports = (db.prepare('select count(*) as n from reports').get() as { n: number }).n;
    const withoutReceivedEvent = (
      db.prepare("select r.id from reports r where not exists (select 1 from report_events e where e.report_id = r.id and e.type = 'received')").all() as { id: number }[]
    ).map((r) => r.id);
    const stored = new Set((db.prepare('select stored_name as n from evidence_files').all() as { n: string }[]).map((r) => r.n));
    const onDisk = fs.readdirSync(path.join(dataDir, 'files'));
    return {
      integrity,
      reports,
      withoutReceivedEvent,
      missingFiles: [...stored].filter((n) => !onDisk.includes(n)),
      orphanFiles: onDisk.filter((n) => !stored.has(n)),
      tmpEntries: fs.existsSync(path.join(dataDir, 'tmp')) ? fs.readdirSync(path.join(dataDir, 'tmp')) : [],
    };
  } finally {
    db.close();
  }
}

export function evidenceRows(dataDir: string): { storedName: string; sha256: string; ownerId: number }[] {
  const db = new Database(path.join(dataDir, 'sunshine.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('select stored_name as storedName, sha256, owner_id as ownerId from evidence_files order by id').all() as { storedName: string; sha256: string; ownerId: number }[];
  } finally {
    db.close();
  }
}

/** SHA-256 of a stored evidence file decrypted with the data directory's master key (or `masterKey`). */
export async function decryptedSha256(dataDir: string, storedName: string, masterKey?: Buffer): Promise<string> {
  const key = masterKey ?? Buffer.from(fs.readFileSync(path.join(dataDir, KEY_FILE_NAME), 'utf8').trim(), 'base64');
  const plain = await readAll(decryptFromStore({ files: path.join(dataDir, 'files'), tmp: path.join(dataDir, 'tmp') }, deriveKeys(key).files, storedName));
  return crypto.createHash('sha256').update(plain).digest('hex');
}
