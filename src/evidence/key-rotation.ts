// Key rotation of evidence (issue 23, `npm run keys:rotate`): every stored file still in another
// profile's format is re-encrypted into a new stored name, and its row swapped to it; every sealed
// file name and note still under another profile is re-sealed. Called by src/key-rotation through
// this feature's index; the rows and files stay this feature's own.
//
// Order for one file, so that a crash anywhere leaves a row with a whole file:
//   1. the copy is written under a new name (.part, fsync, rename, fsync of the folder);
//   2. one transaction re-reads the row and, if it still names the old file and is not erased,
//      points it at the new name with its name and note re-sealed (their context is the stored name);
//   3. after the commit, and a little later (the caller's next batch), the old file is removed.
// Killed after 1, the copy has no row; killed after 2, the old file has none: either is removed by
// the orphan sweep (start-up and periodic, sweepAgedOrphans) once older than its grace. The resume
// point is the scan itself: a rerun finds the rows still in the old format and carries on.
import { withTransaction } from '../db/transaction.js';
import { sealedProfile, sealWith, unseal, type CryptoProfileName } from '../shared/crypto/index.js';
import type { Deps } from '../shared/deps.js';
import * as repo from './repository.js';
import { eraseStored, reencryptStored, removeStored, storedFileProfile, type StorageDirs } from './storage.js';

type RotationDeps = Pick<Deps, 'db' | 'keys' | 'dirs'>;

export interface EvidenceRotationBatch {
  /** Rows looked at (the batch's size unless the scan ended). */
  scanned: number;
  /** Files re-encrypted and swapped. */
  files: number;
  /** Rows whose name and note only were re-sealed (erased files, or a file already in the format). */
  names: number;
  /** Files of erased rows found still in the store (a retention sweep that met the rotation), shredded. */
  shredded: number;
  /** Rows that could not be rotated (missing or damaged file, plaintext not matching the row's hash, a name that does not open), with why. */
  failed: { id: number; reason: string }[];
  /** The id to continue after, or null when the scan has passed the last row. */
  next: number | null;
  /**
   * The old files of the rows swapped, still in the store: the caller removes them a little later
   * (removeReplacedFiles), so that a download that read its row just before the swap still finds its file.
   */
  replaced: string[];
}

export interface EvidenceRotationRemaining {
  /** Live stored files not in `to`'s format. */
  files: number;
  /** Rows whose name or note is not sealed under `to` (counting those whose file goes too). */
  names: number;
}

const nameContext = (storedName: string) => `file:${storedName}`;
const noteContext = (storedName: string) => `file-note:${storedName}`;

function sealedUnder(value: Buffer | null, to: CryptoProfileName): boolean {
  return value === null || sealedProfile(value) === to;
}

/** The profile of a row's stored file, or 'missing' when the file is not there. */
async function fileProfile(dirs: StorageDirs, storedName: string): Promise<CryptoProfileName | null | 'missing'> {
  try {
    return await storedFileProfile(dirs, storedName);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
}

/** Rotates the rows after `afterId` (up to `limit`) into the profile `to`. */
export async function rotateEvidenceBatch(deps: RotationDeps, to: CryptoProfileName, afterId: number, limit: number): Promise<EvidenceRotationBatch> {
  const rows = await repo.evidenceAfter(deps.db, afterId, limit);
  const out: EvidenceRotationBatch = { scanned: rows.length, files: 0, names: 0, shredded: 0, failed: [], next: rows.length === limit ? rows.at(-1)!.id : null, replaced: [] };
  for (const row of rows) {
    try {
      // An erased row whose file is still there: the retention sweep shredded the old file while
      // this rotation swapped the row to its copy, then marked the row erased. The copy goes too.
      if (row.erasedAt !== null && (await fileProfile(deps.dirs, row.storedName)) !== 'missing') {
        await eraseStored(deps.dirs, row.storedName);
        out.shredded++;
      }
      const profile = row.erasedAt === null ? await fileProfile(deps.dirs, row.storedName) : to;
      if (profile === 'missing' || profile === null) out.failed.push({ id: row.id, reason: profile === 'missing' ? 'file missing' : 'not a stored file' });
      else if (profile !== to) {
        if (await rotateFile(deps, to, row)) {
          out.files++;
          out.replaced.push(row.storedName);
        }
      } else if (!sealedUnder(row.nameSealed, to) || !sealedUnder(row.noteSealed, to)) {
        if (await resealName(deps, to, row.id)) out.names++;
      }
    } catch (err) {
      out.failed.push({ id: row.id, reason: (err as Error).message });
    }
  }
  return out;
}

function resealed(deps: RotationDeps, to: CryptoProfileName, value: Buffer, oldContext: string, newContext: string): Buffer {
  return sealWith(to, deps.keys.identity, unseal(deps.keys.identity, value, oldContext), newContext);
}

async function rotateFile(deps: RotationDeps, to: CryptoProfileName, row: repo.EvidenceFile): Promise<boolean> {
  const copy = await reencryptStored(deps.dirs, deps.keys.files, row.storedName, to);
  if (copy.sha256 !== row.sha256 || copy.size !== row.size) {
    await removeStored(deps.dirs, copy.storedName);
    throw new Error('the decrypted file does not match the size and SHA-256 of its row');
  }
  let next: { storedName: string; nameSealed: Buffer; noteSealed: Buffer | null };
  try {
    next = {
      storedName: copy.storedName,
      nameSealed: resealed(deps, to, row.nameSealed, nameContext(row.storedName), nameContext(copy.storedName)),
      noteSealed: row.noteSealed && resealed(deps, to, row.noteSealed, noteContext(row.storedName), noteContext(copy.storedName)),
    };
  } catch (err) {
    await removeStored(deps.dirs, copy.storedName);
    throw err;
  }
  // Should the transaction throw, whether it committed is unknown (a PostgreSQL COMMIT whose answer
  // was lost): both files stay, and the orphan sweep removes the one no row names after the grace.
  const swapped = await withTransaction(deps.db, async (tx) => {
    const current = await repo.findEvidence(tx, row.id);
    if (!current || current.storedName !== row.storedName || current.erasedAt !== null) return false;
    return repo.swapStoredFile(tx, row.id, row.storedName, next);
  });
  // Erased or changed meanwhile: the row keeps its file; the copy goes.
  if (!swapped) await removeStored(deps.dirs, copy.storedName);
  return swapped;
}

/** Removes old files that rotateEvidenceBatch replaced (any a row still names stays). */
export async function removeReplacedFiles(deps: RotationDeps, storedNames: string[]): Promise<void> {
  if (storedNames.length === 0) return;
  const named = await repo.namedStoredNames(deps.db, storedNames);
  for (const name of storedNames) if (!named.has(name)) await removeStored(deps.dirs, name);
}

async function resealName(deps: RotationDeps, to: CryptoProfileName, id: number): Promise<boolean> {
  return withTransaction(deps.db, async (tx) => {
    const row = await repo.findEvidence(tx, id);
    if (!row || (sealedUnder(row.nameSealed, to) && sealedUnder(row.noteSealed, to))) return false;
    const again = (value: Buffer | null, context: string) => (value === null || sealedUnder(value, to) ? value : resealed(deps, to, value, context, context));
    const next = { nameSealed: again(row.nameSealed, nameContext(row.storedName))!, noteSealed: again(row.noteSealed, noteContext(row.storedName)) };
    return repo.replaceSealedName(tx, id, row, next);
  });
}

/** What is left to rotate into `to` (reads every live file's header: for the progress shown, not per batch). */
export async function evidenceRotationRemaining(deps: RotationDeps, to: CryptoProfileName, batch = 500): Promise<EvidenceRotationRemaining> {
  const left: EvidenceRotationRemaining = { files: 0, names: 0 };
  for (let after = 0; ; ) {
    const rows = await repo.evidenceAfter(deps.db, after, batch);
    for (const row of rows) {
      if (row.erasedAt === null) {
        const profile = await fileProfile(deps.dirs, row.storedName);
        if (profile !== 'missing' && profile !== null && profile !== to) left.files++;
      }
      if (!sealedUnder(row.nameSealed, to) || !sealedUnder(row.noteSealed, to)) left.names++;
    }
    if (rows.length < batch) return left;
    after = rows.at(-1)!.id;
  }
}
