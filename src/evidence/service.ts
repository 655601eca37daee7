import type { Executor } from '../db/executor.js';
import { seal, unseal } from '../shared/crypto.js';
import * as repo from './repository.js';
import { encryptIntoStore, orphanGraceMs, removeStored, sweepAgedOrphans, type StorageDirs, type StoredFile } from './storage.js';
import { shredFile } from './media/shred.js';
import type { CleanFile } from './upload.js';

export interface EncryptedUpload {
  file: CleanFile;
  stored: StoredFile;
}

/** Moves cleaned temp files into the encrypted store (before the database transaction that links them). */
export async function encryptUploads(dirs: StorageDirs, fileKey: Buffer, files: CleanFile[]): Promise<EncryptedUpload[]> {
  const done: EncryptedUpload[] = [];
  try {
    for (const file of files) {
      done.push({ file, stored: await encryptIntoStore(dirs, fileKey, file.path) });
      // The plaintext copy goes once the ciphertext is durable, overwritten first.
      await shredFile(file.path);
    }
  } catch (err) {
    await forgetUploads(dirs, done);
    throw err;
  }
  return done;
}

/**
 * Undo of encryptUploads when the transaction that would link them failed. Given the database, it
 * removes only files no row names: on PostgreSQL a COMMIT can fail after the server committed (the
 * connection dropped while the answer was on its way), and the report's files must then stay. When
 * the database cannot be asked, every file stays; the start-up sweep removes true orphans once
 * older than its grace. Without `db` (encryptUploads' own undo, before any row) all are removed.
 */
export async function forgetUploads(dirs: StorageDirs, uploads: EncryptedUpload[], db?: Executor): Promise<void> {
  let named = new Set<string>();
  if (db && uploads.length) {
    try {
      named = await repo.namedStoredNames(db, uploads.map((u) => u.stored.storedName));
    } catch {
      return;
    }
  }
  for (const u of uploads) if (!named.has(u.stored.storedName)) await removeStored(dirs, u.stored.storedName);
}

export async function linkUploads(
  db: Executor,
  identityKey: Buffer,
  uploads: EncryptedUpload[],
  owner: { type: string; id: number },
  uploader: { type: 'reporter' | 'staff'; id?: number | null },
  now: number,
  /** A short description shared by these files (staff material), sealed like the names: it may name third parties. */
  note?: string,
): Promise<void> {
  await repo.insertEvidence(
    db,
    uploads.map((u) => ({
      storedName: u.stored.storedName,
      ownerType: owner.type,
      ownerId: owner.id,
      uploadedBy: uploader.type,
      uploadedById: uploader.id ?? null,
      mime: u.file.sniff.mime,
      ext: u.file.sniff.ext,
      kind: u.file.sniff.kind,
      size: u.stored.size,
      sha256: u.stored.sha256,
      cleaned: u.file.cleaned,
      nameSealed: seal(identityKey, u.file.originalName, `file:${u.stored.storedName}`),
      noteSealed: note ? seal(identityKey, note, `file-note:${u.stored.storedName}`) : null,
      createdAt: now,
    })),
  );
}

export function originalName(identityKey: Buffer, file: repo.EvidenceFile): string {
  return unseal(identityKey, file.nameSealed, `file:${file.storedName}`).toString('utf8');
}

/** The uploader's description of a file, or null when none was given. */
export function fileNote(identityKey: Buffer, file: repo.EvidenceFile): string | null {
  return file.noteSealed ? unseal(identityKey, file.noteSealed, `file-note:${file.storedName}`).toString('utf8') : null;
}

/** The scheduler's periodic sweep of stored files without a row older than the grace (storage.ts). */
export async function sweepOrphanFiles(db: Executor, dirs: StorageDirs, requestTimeoutSeconds: number): Promise<{ orphans: number; young: number }> {
  // The names are read before the folder: a file written after this moment is young anyway.
  const namesReadAt = Date.now();
  const names = await repo.allStoredNames(db);
  return sweepAgedOrphans(dirs, (name) => names.has(name), { graceMs: orphanGraceMs(requestTimeoutSeconds), namesReadAt });
}
