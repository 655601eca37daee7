// Retention of the audit log (issue 15): entries older than the online period (config
// auditOnlineDays, at least 180 days) move, a China-time calendar month at a time, into a JSON-lines
// file under DATA_DIR/audit-archive whose chain continues the live one. The file is written and
// synced first; then one transaction records the archive row (MAC'd) and deletes exactly the
// archived entries, so a crash leaves either the entries live or both file and row in place.
//
// Each file gets a detached SM2 signature beside it, `<file>.sig` (issue 23: documents that leave the
// system), under both crypto profiles as the referral packet's manifest: the portal's one SM2 key
// (manifest-signing), SM3 and the default ID over the file's bytes, DER — so whoever receives a copy
// checks it with openssl alone and the key the site publishes:
//   openssl pkeyutl -verify -pubin -inkey sunshine-sm2.pem -rawin -digest sm3 \
//     -pkeyopt distid:1234567812345678 -in audit-2026-05.jsonl -sigfile audit-2026-05.jsonl.sig
// The digest is computed while the file is written (a month may not fit in memory), then signed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { withTransaction } from '../db/transaction.js';
import { signDigest, signerFor, sm2Digest } from '../shared/crypto/index.js';
import { archiveMac, firstBrokenEntry, GENESIS_MAC, type StoredEntry } from './chain.js';
import { linkSignerFor } from './link-entry.js';
import * as repo from './repository.js';

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const PAGE = 5000;

export const ARCHIVE_DIR_NAME = 'audit-archive';
export const archiveDir = (dataDir: string) => path.join(dataDir, ARCHIVE_DIR_NAME);
export const archiveFileName = (month: string) => `audit-${month}.jsonl`;
/** The detached SM2 signature of an archive file, beside it. */
export const signatureFileName = (fileName: string) => `${fileName}.sig`;

/** The China-time calendar month (YYYY-MM) of an instant. */
export const chinaMonth = (ms: number) => new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 7);
export const monthStart = (month: string) => Date.parse(`${month}-01T00:00:00+08:00`);
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** One stored entry as a line of an archive file or an export (the columns, in a fixed order). */
export function entryLine(e: StoredEntry): string {
  return JSON.stringify({ id: e.id, at: e.at, actorType: e.actorType, actorId: e.actorId, action: e.action, objectType: e.objectType, objectId: e.objectId, result: e.result, detail: e.detail, terminal: e.terminal ?? null, prevMac: e.prevMac, mac: e.mac });
}

export interface ArchiveOptions {
  db: Db;
  key: Buffer;
  dataDir: string;
  onlineDays: number;
  /** Receives the checkpoint of each archive written (the application log). */
  log?: (checkpoint: ArchiveCheckpoint) => void;
  /**
   * keys['manifest-signing'], whose SM2 key signs each file; by default the one registered for `key`
   * (registerChainKeys, which the app does at start). Without either, nothing is archived.
   */
  signingSeed?: Buffer;
}

export interface ArchiveCheckpoint {
  month: string;
  firstId: number;
  lastId: number;
  lastMac: string;
  count: number;
  fileName: string;
}

export class ArchiveRefused extends Error {}

/** Archives every whole month older than the online period, oldest first. */
export async function archiveDue(opts: ArchiveOptions, now = Date.now()): Promise<ArchiveCheckpoint[]> {
  const done: ArchiveCheckpoint[] = [];
  for (let c = await archiveOneMonth(opts, now); c; c = await archiveOneMonth(opts, now)) done.push(c);
  return done;
}

/**
 * Archives the next month when it ended before the online period began; null when none is due.
 * The month is that of the oldest live entry, or the one after the last archive when entries were
 * dated back, so archives follow each other and month names stay unique.
 */
export async function archiveOneMonth(opts: ArchiveOptions, now = Date.now()): Promise<ArchiveCheckpoint | null> {
  if (!(opts.onlineDays >= 180)) throw new ArchiveRefused('the online period is at least 180 days');
  const { db, key } = opts;
  const seed = opts.signingSeed ?? linkSignerFor(key)?.seed;
  // An archive written unsigned after signed ones would read as a removed signature (verify.ts).
  if (!seed) throw new ArchiveRefused('no SM2 signing key (manifest-signing) for the archive signatures');
  const first = await repo.firstLiveEntry(db);
  if (!first) return null;
  const previous = await repo.lastArchive(db);
  let month = chinaMonth(first.at);
  if (previous && month <= previous.month) month = nextMonth(previous.month);
  const end = monthStart(nextMonth(month));
  const youngestAllowed = now - opts.onlineDays * DAY_MS;
  if (end > youngestAllowed) return null;

  const startMac = previous?.lastMac ?? GENESIS_MAC;
  const dir = archiveDir(opts.dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fileName = archiveFileName(month);
  const finalPath = path.join(dir, fileName);
  const tmpPath = `${finalPath}.tmp`;
  const sigPath = path.join(dir, signatureFileName(fileName));
  const run = await writeRun(db, key, tmpPath, first.id, end, startMac, signerFor(seed).publicKeyHex);
  if (run.broken) {
    fs.rmSync(tmpPath, { force: true });
    // Never move a broken chain into an archive: that would hide where it was broken.
    throw new ArchiveRefused(`audit chain broken at entry ${run.broken.id} (${run.broken.reason}); not archiving ${month}`);
  }
  // The signature goes in place first: a file under its final name always has its signature (a
  // crash before the commit leaves both, and the next run writes both again).
  writeSynced(`${sigPath}.tmp`, signDigest(seed, run.sm2e));
  fs.renameSync(`${sigPath}.tmp`, sigPath);
  fs.renameSync(tmpPath, finalPath);
  fsyncDir(dir);

  const fields = { month, firstId: first.id, lastId: run.lastId, entryCount: run.count, startMac, lastMac: run.lastMac, fileName, fileSha256: run.sha256, createdAt: now };
  try {
    await withTransaction(db, async (tx) => {
      // Another archiver (CLI beside the scheduler) may have gone first: then this run is stale.
      if ((await repo.lastArchive(tx))?.id !== previous?.id || (await repo.firstLiveEntry(tx))?.id !== first.id) throw new ArchiveRefused('the audit log changed while archiving');
      await repo.commitArchive(tx, { ...fields, mac: archiveMac(key, fields) }, youngestAllowed);
    });
  } catch (err) {
    // Remove the file unless another archiver committed the same month (same bytes) meanwhile.
    if (!(await repo.listArchives(db)).some((a) => a.fileName === fileName)) {
      fs.rmSync(finalPath, { force: true });
      fs.rmSync(sigPath, { force: true });
    }
    throw err;
  }
  const checkpoint = { month, firstId: first.id, lastId: run.lastId, lastMac: run.lastMac, count: run.count, fileName };
  opts.log?.(checkpoint);
  return checkpoint;
}

/**
 * Writes the contiguous run of entries from `firstId` dated before `end` (0600, synced), checking its
 * chain; returns its SHA-256 and the SM2 digest e = SM3(Z_A ‖ file) under `publicKeyHex`.
 */
async function writeRun(db: Executor, key: Buffer, file: string, firstId: number, end: number, startMac: string, publicKeyHex: string) {
  const hash = crypto.createHash('sha256');
  const e = sm2Digest(publicKeyHex);
  const fd = fs.openSync(file, 'w', 0o600);
  let count = 0;
  let lastId = firstId - 1;
  let lastMac = startMac;
  try {
    for (;;) {
      const page = await repo.entriesAfter(db, lastId, PAGE);
      const stop = page.findIndex((e) => e.at >= end);
      const run = stop === -1 ? page : page.slice(0, stop);
      if (run.length === 0) break;
      const broken = firstBrokenEntry(key, run, lastMac);
      if (broken) return { broken, count, lastId, lastMac, sha256: '', sm2e: Buffer.alloc(0) };
      const text = run.map((e) => `${entryLine(e)}\n`).join('');
      fs.writeSync(fd, text);
      hash.update(text);
      e.update(text);
      count += run.length;
      lastId = run[run.length - 1]!.id;
      lastMac = run[run.length - 1]!.mac;
      if (run.length < page.length || page.length < PAGE) break;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { broken: null, count, lastId, lastMac, sha256: hash.digest('hex'), sm2e: e.digest() };
}

function writeSynced(file: string, bytes: Buffer): void {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The scheduler's and the CLI's entry point: archives what is due, each checkpoint to the log. */
export async function archiveWithCheckpoints(
  deps: { db: Db; keys: { 'audit-mac': Buffer; 'manifest-signing': Buffer }; config: { dataDir: string; auditOnlineDays: number } },
  log: { info(obj: object, msg: string): void },
  now = Date.now(),
): Promise<ArchiveCheckpoint[]> {
  return archiveDue(
    { db: deps.db, key: deps.keys['audit-mac'], signingSeed: deps.keys['manifest-signing'], dataDir: deps.config.dataDir, onlineDays: deps.config.auditOnlineDays, log: (c) => log.info({ auditArchive: c }, 'audit archive checkpoint') },
    now,
  );
}
