// Verification of the whole audit trail: each archive file against its row (row MAC, SHA-256, the
// chain inside, its start = the previous archive's end), then the live chain, which must continue
// the last archive. Deleting the newest archive (row or file) or the oldest live entries is found.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Executor } from '../db/executor.js';
import { sameDigest } from '../shared/crypto.js';
import { archiveMacHolds, entryBreak, GENESIS_MAC, type StoredEntry } from './chain.js';
import * as repo from './repository.js';
import { verifyChain, type LiveChainBreak } from './service.js';

/**
 * row: the row's MAC fails; link: it does not continue the archive before it; file: missing or
 * unreadable; sha256: the file changed; chain: its entries do not match the row or each other;
 * profile: an entry in it changes MAC profile without a valid signed link, or back to intl.
 */
export type ArchiveProblemReason = 'row' | 'link' | 'file' | 'sha256' | 'chain' | 'profile';
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
  return { checked: live.checked, archives: archives.count, archived: archives.entries, broken: live.broken, archiveProblem: archives.problem, head, expectProblem };
}

export async function verifyArchives(db: Executor, key: Buffer, dir: string, visit?: (e: StoredEntry) => unknown): Promise<{ count: number; entries: number; problem: ArchiveProblem | null }> {
  let previous = GENESIS_MAC;
  let entries = 0;
  const rows = await repo.listArchives(db);
  for (const a of rows) {
    const problem = (reason: ArchiveProblemReason) => ({ count: rows.length, entries, problem: { month: a.month, reason } });
    if (!archiveMacHolds(key, a, a.mac)) return problem('row');
    if (!sameDigest(a.startMac, previous)) return problem('link');
    const file = path.join(dir, path.basename(a.fileName));
    let result: FileCheck;
    try {
      result = checkFile(key, file, a.startMac, visit);
    } catch {
      return problem('file');
    }
    if (result.sha256 !== a.fileSha256) return problem('sha256');
    if (result.profile) return problem('profile');
    if (!result.whole || result.count !== a.entryCount || result.firstId !== a.firstId || result.lastId !== a.lastId || !sameDigest(result.lastMac, a.lastMac)) return problem('chain');
    entries += result.count;
    previous = a.lastMac;
  }
  return { count: rows.length, entries, problem: null };
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
}

/** Reads an archive file a megabyte at a time, hashing it and checking its chain from `startMac`. */
function checkFile(key: Buffer, file: string, startMac: string, visit?: (e: StoredEntry) => unknown): FileCheck {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(1 << 20);
  const out: FileCheck = { sha256: '', whole: true, profile: false, count: 0, firstId: null, lastId: null, lastMac: startMac };
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
  return out;
}
