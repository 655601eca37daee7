// Verification of the whole audit trail: each archive file against its row (row MAC, SHA-256, the
// chain inside, its start = the previous archive's end), then the live chain, which must continue
// the last archive. Deleting the newest archive (row or file) or the oldest live entries is found.
// Each archive's detached SM2 signature (<file>.sig, archive.ts) is checked last, against the public
// key registered for the audit key (registerChainKeys; unchecked where none is, e.g. a restore).
// Archives written before signatures existed have none: they are listed as unsigned, not broken —
// but once one archive is signed every later one must be, so a removed signature is a failure.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Executor } from '../db/executor.js';
import { sameDigest } from '../shared/crypto.js';
import { sm2Digest, verifySm2Digest } from '../shared/crypto/index.js';
import { signatureFileName } from './archive.js';
import { linkSignerFor } from './link-entry.js';
import { archiveMacHolds, entryBreak, GENESIS_MAC, type StoredEntry } from './chain.js';
import * as repo from './repository.js';
import { verifyChain, type LiveChainBreak } from './service.js';

/**
 * row: the row's MAC fails; link: it does not continue the archive before it; file: missing or
 * unreadable; sha256: the file changed; chain: its entries do not match the row or each other;
 * profile: an entry in it changes MAC profile without a valid signed link, or back to intl;
 * signature: its SM2 signature (<file>.sig) does not verify or cannot be read; signature_missing: it
 * has none although an earlier archive is signed (a removed signature, not an older archive).
 */
export type ArchiveProblemReason = 'row' | 'link' | 'file' | 'sha256' | 'chain' | 'profile' | 'signature' | 'signature_missing';
export interface ArchiveProblem {
  month: string;
  reason: ArchiveProblemReason;
}

export interface AuditVerification {
  /** Live entries checked. */
  checked: number;
  archives: number;
  /** Entries checked inside archive files. */
  archived: number;
  broken: LiveChainBreak | null;
  archiveProblem: ArchiveProblem | null;
  /** Archives whose SM2 signature verified. */
  signed: number;
  /** Months of archives written before archives were signed (no .sig, and none signed before them). */
  unsigned: string[];
  /** False when no SM2 public key is registered for the audit key: signatures were not looked at. */
  signaturesChecked: boolean;
  head: { id: number; mac: string } | null;
  /**
   * With an expected head (from the application log's daily checkpoint): 'missing' when no entry
   * with that id is in the trail (the newest entries were deleted), 'mac' when it differs.
   */
  expectProblem: 'missing' | 'mac' | null;
}

/** An entry known from outside the database: the chain head logged daily (DESIGN.md §4). */
export interface ExpectedEntry {
  id: number;
  mac: string;
}

/**
 * Everything: archives first (stopping at the first problem), then the live chain. The chain alone
 * cannot show that its newest entries were deleted; an `expect`ed entry from the application log
 * can: it must still be in the trail with the same MAC.
 */
export async function verifyAuditTrail(db: Executor, key: Buffer, dir: string, expect?: ExpectedEntry): Promise<AuditVerification> {
  const seen = new Map<number, string>();
  const archives = await verifyArchives(db, key, dir, expect ? (e) => e.id === expect.id && seen.set(e.id, e.mac) : undefined);
  const live = await verifyChain(db, key);
  const last = await repo.latestEntry(db);
  const tail = await repo.lastArchive(db);
  const head = last ? { id: last.id, mac: last.mac } : tail ? { id: tail.lastId, mac: tail.lastMac } : null;
  let expectProblem: AuditVerification['expectProblem'] = null;
  if (expect) {
    const found = (await repo.entryById(db, expect.id))?.mac ?? seen.get(expect.id);
    expectProblem = found === undefined ? 'missing' : sameDigest(found, expect.mac) ? null : 'mac';
  }
  return {
    checked: live.checked,
    archives: archives.count,
    archived: archives.entries,
    broken: live.broken,
    archiveProblem: archives.problem,
    signed: archives.signed,
    unsigned: archives.unsigned,
    signaturesChecked: archives.signaturesChecked,
    head,
    expectProblem,
  };
}

interface ArchivesResult {
  count: number;
  entries: number;
  problem: ArchiveProblem | null;
  signed: number;
  unsigned: string[];
  signaturesChecked: boolean;
}

export async function verifyArchives(db: Executor, key: Buffer, dir: string, visit?: (e: StoredEntry) => unknown): Promise<ArchivesResult> {
  let previous = GENESIS_MAC;
  let entries = 0;
  const publicKeyHex = linkSignerFor(key)?.publicKeyHex;
  const signatures = { signed: 0, unsigned: [] as string[], signaturesChecked: publicKeyHex !== undefined };
  const rows = await repo.listArchives(db);
  for (const a of rows) {
    const problem = (reason: ArchiveProblemReason): ArchivesResult => ({ count: rows.length, entries, problem: { month: a.month, reason }, ...signatures });
    if (!archiveMacHolds(key, a, a.mac)) return problem('row');
    if (!sameDigest(a.startMac, previous)) return problem('link');
    const file = path.join(dir, path.basename(a.fileName));
    let result: FileCheck;
    try {
      result = checkFile(key, file, a.startMac, visit, publicKeyHex);
    } catch {
      return problem('file');
    }
    if (result.sha256 !== a.fileSha256) return problem('sha256');
    if (result.profile) return problem('profile');
    if (!result.whole || result.count !== a.entryCount || result.firstId !== a.firstId || result.lastId !== a.lastId || !sameDigest(result.lastMac, a.lastMac)) return problem('chain');
    // Last: the content checks above name what changed more precisely than a failed signature.
    if (publicKeyHex) {
      const signature = readSignature(path.join(dir, signatureFileName(path.basename(a.fileName))));
      if (signature === undefined) {
        if (signatures.signed > 0) return problem('signature_missing');
        signatures.unsigned.push(a.month);
      } else if (signature === null || !verifySm2Digest(publicKeyHex, result.sm2e!, signature)) return problem('signature');
      else signatures.signed += 1;
    }
    entries += result.count;
    previous = a.lastMac;
  }
  return { count: rows.length, entries, problem: null, ...signatures };
}

/** The signature file's bytes; undefined when there is none, null when it cannot be read. */
function readSignature(file: string): Buffer | null | undefined {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
}

interface FileCheck {
  sha256: string;
  whole: boolean;
  /** The chain in the file broke on the profile rule (a missing, forged or downgrading link). */
  profile: boolean;
  count: number;
  firstId: number | null;
  lastId: number | null;
  lastMac: string;
  /** The SM2 digest SM3(Z_A ‖ file) under the public key given, for its signature. */
  sm2e: Buffer | null;
}

/** Reads an archive file a megabyte at a time, hashing it and checking its chain from `startMac`. */
function checkFile(key: Buffer, file: string, startMac: string, visit?: (e: StoredEntry) => unknown, publicKeyHex?: string): FileCheck {
  const hash = crypto.createHash('sha256');
  const sm2e = publicKeyHex ? sm2Digest(publicKeyHex) : null;
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(1 << 20);
  const out: FileCheck = { sha256: '', whole: true, profile: false, count: 0, firstId: null, lastId: null, lastMac: startMac, sm2e: null };
  let rest = '';
  const take = (line: string) => {
    if (!out.whole || line === '') return;
    let e: StoredEntry;
    try {
      e = JSON.parse(line) as StoredEntry;
    } catch {
      out.whole = false;
      return;
    }
    const broken = e && typeof e === 'object' ? entryBreak(key, e, out.lastMac) : 'link';
    if (broken) {
      out.whole = false;
      out.profile = broken === 'profile';
      return;
    }
    visit?.(e);
    out.firstId ??= e.id;
    out.lastId = e.id;
    out.lastMac = e.mac;
    out.count += 1;
  };
  try {
    for (let n = fs.readSync(fd, chunk); n > 0; n = fs.readSync(fd, chunk)) {
      const bytes = chunk.subarray(0, n);
      hash.update(bytes);
      sm2e?.update(bytes);
      // Multi-byte characters may straddle chunks: decode only complete lines.
      rest += bytes.toString('latin1');
      const lines = rest.split('\n');
      rest = lines.pop()!;
      for (const l of lines) take(Buffer.from(l, 'latin1').toString('utf8'));
    }
    take(Buffer.from(rest, 'latin1').toString('utf8'));
  } finally {
    fs.closeSync(fd);
  }
  out.sha256 = hash.digest('hex');
  out.sm2e = sm2e?.digest() ?? null;
  return out;
}
