// Reads a multipart form: text fields kept, files streamed to temporary plaintext files, checked
// by content and cleaned of metadata. Nothing is held whole in memory. Forms put their file input
// last, so every text field has arrived before the first file (browsers send parts in DOM order).
// On a full disk (below the free-space reserve, or ENOSPC while writing) files are refused with
// the problem 'disk_full', the rest of the upload is read and dropped, and no partial file stays.
// Abuse limits (issue 16): files over a per-address or global budget are read and dropped before a
// temporary file is opened, and the form's text still arrives; a stalled upload is cut off.
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { sniffFile, type SniffResult } from './media/sniff.js';
import { stripMetadata } from './media/strip.js';
import { MetadataStripError } from './media/errors.js';
import { tempPath, type StorageDirs } from './storage.js';
import { hasFreeSpace, isDiskFull } from './disk.js';
import { shredFileSync } from './media/shred.js';
import type { ByteBudget } from '../shared/rate-limit.js';

export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxTotalBytes: number;
  /** Files are refused when the data directory has less free space; by default the app's SUNSHINE_MIN_FREE_DISK_MB. */
  minFreeBytes?: number;
  /**
   * Asked once, when the first chosen file arrives (and counts it against the client's budget of
   * filings with files); false drops every file of the form as 'limited'.
   */
  admitFiles?: () => Promise<boolean>;
  /** Evidence bytes shared by all reporters: once spent, each further file is dropped as 'busy'. */
  evidenceBudget?: ByteBudget;
}

export interface CleanFile {
  originalName: string;
  /** Plaintext after metadata removal, in the temp folder; the caller encrypts and deletes it. */
  path: string;
  sniff: SniffResult;
  cleaned: boolean;
}

export type FileProblem = { name: string; problem: 'too_large' | 'type' | 'empty' | 'too_many' | 'total_too_large' | 'damaged' | 'disk_full' | DropReason };

/** Why a sound file was not taken: the client's budget of filings with files, or the global evidence budget. */
export type DropReason = 'limited' | 'busy';

export interface ParsedForm {
  fields: Record<string, string>;
  files: CleanFile[];
  problems: FileProblem[];
  /** Files read and dropped unopened by the abuse limits; the rest of the form is still good. */
  dropped: { name: string; problem: DropReason }[];
}

/** A file name as shown back to the person: no path, bounded length (never used on disk). */
function displayName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f]/g, '').slice(0, 120) || '(unnamed)';
}

/**
 * Writes an upload to a new temporary file (0600: plaintext evidence). On a full disk the rest of
 * the upload is still read (and dropped), so that the form's other parts arrive, then the error is
 * thrown; the caller removes the partial file.
 */
async function saveUpload(source: Readable, file: string, budget?: ByteBudget): Promise<void> {
  const out = await fs.promises.open(file, 'wx', 0o600);
  let full: unknown = null;
  try {
    for await (const chunk of source) {
      if (full) continue;
      budget?.take((chunk as Buffer).length);
      try {
        await out.write(chunk as Buffer);
      } catch (err) {
        if (!isDiskFull(err)) throw err;
        full = err;
      }
    }
  } finally {
    await out.close();
  }
  if (full) throw full;
}

export interface UploadPace {
  /** Nothing received for this long ends the upload. */
  idleMs: number;
  /** Once idleMs have passed, an average below this ends it too: a byte every few seconds is no upload. */
  minBytesPerSecond: number;
}

/**
 * Cuts off an upload that stalls or trickles (issue 16: thousands of posts sending a byte every
 * ten seconds each held a socket and a plaintext temporary file). It polls the socket's byte count
 * instead of listening to the request stream, which only the multipart reader may consume. Time
 * our own reader spends behind (data buffered, unread) does not count against the client. Closing
 * the socket makes the multipart reader fail, and readUploadForm then deletes the temporary files.
 * Returns the function that stops watching; it also stops by itself once the body is complete.
 */
export function watchUploadPace(request: FastifyRequest, pace: UploadPace, onCut: (why: 'idle' | 'slow') => void): () => void {
  const raw = request.raw;
  const socket = raw.socket as (typeof raw.socket & { bytesRead?: unknown }) | null;
  // app.inject has no real socket to watch, nor to close.
  if (!socket || typeof socket.bytesRead !== 'number') return () => {};
  const started = Date.now();
  const base = socket.bytesRead;
  let seen = base;
  let progressAt = started;
  let lastTick = started;
  /** Time our own reader spent behind (data waiting unread): not the client's fault. */
  let ourDelay = 0;
  const tick = () => {
    if (raw.complete || socket.destroyed) return stop();
    const now = Date.now();
    const read = socket.bytesRead;
    if (read !== seen) {
      seen = read;
      progressAt = now;
    } else if (raw.readableLength > 0) {
      ourDelay += now - lastTick;
      progressAt = now;
    }
    lastTick = now;
    const active = now - started - ourDelay;
    const why = now - progressAt >= pace.idleMs ? 'idle' : active >= pace.idleMs && ((read - base) * 1000) / active < pace.minBytesPerSecond ? 'slow' : null;
    if (!why) return;
    stop();
    onCut(why);
    socket.destroy();
  };
  const timer = setInterval(tick, Math.max(50, Math.min(1000, Math.floor(pace.idleMs / 4))));
  timer.unref();
  const stop = () => clearInterval(timer);
  return stop;
}

function appMinFreeBytes(request: FastifyRequest): number {
  return request.server.config.minFreeDiskMb * 1024 * 1024;
}

/** Deletes the temporary files of a parse that will not be used (overwritten first: plaintext evidence). */
export function discardFiles(files: CleanFile[]): void {
  for (const f of files) shredFileSync(f.path);
}

export async function readUploadForm(request: FastifyRequest, dirs: StorageDirs, limits: UploadLimits): Promise<ParsedForm> {
  const fields: Record<string, string> = {};
  const files: CleanFile[] = [];
  const problems: FileProblem[] = [];
  const dropped: ParsedForm['dropped'] = [];
  /** Asked at the first file: null until then. */
  let admitted: boolean | null = null;
  let total = 0;
  let count = 0;
  /** Checked at the first file: null until then; true once the disk is found full. */
  let diskFull: boolean | null = null;
  const parts: AsyncIterableIterator<Multipart> = request.parts({
    limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles + 20, fields: 60, fieldSize: 64 * 1024 },
  });
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (typeof part.value === 'string' && !(part.fieldname in fields)) fields[part.fieldname] = part.value;
        continue;
      }
      const name = displayName(part.filename);
      if (!part.filename) {
        // An empty file input still sends a part with no name: nothing was chosen.
        part.file.resume();
        continue;
      }
      count++;
      if (limits.admitFiles && admitted === null) admitted = await limits.admitFiles();
      const over: DropReason | null = admitted === false ? 'limited' : limits.evidenceBudget?.spent() ? 'busy' : null;
      if (over) {
        part.file.resume();
        dropped.push({ name, problem: over });
        continue;
      }
      if (diskFull === null) {
        diskFull = !(await hasFreeSpace([dirs.tmp, dirs.files], limits.minFreeBytes ?? appMinFreeBytes(request)));
        if (diskFull) request.log.error('upload refused: the data directory is below its free-space minimum');
      }
      if (diskFull) {
        part.file.resume();
        problems.push({ name, problem: 'disk_full' });
        continue;
      }
      if (count > limits.maxFiles || total >= limits.maxTotalBytes) {
        part.file.resume();
        problems.push({ name, problem: count > limits.maxFiles ? 'too_many' : 'total_too_large' });
        continue;
      }
      const raw = tempPath(dirs, '.upload');
      try {
        await saveUpload(part.file, raw, limits.evidenceBudget);
        const size = fs.statSync(raw).size;
        if (part.file.truncated) {
          problems.push({ name, problem: 'too_large' });
          continue;
        }
        if (size === 0) {
          problems.push({ name, problem: 'empty' });
          continue;
        }
        if (total + size > limits.maxTotalBytes) {
          problems.push({ name, problem: 'total_too_large' });
          continue;
        }
        const sniff = await sniffFile(raw);
        if (!sniff) {
          problems.push({ name, problem: 'type' });
          continue;
        }
        const clean = tempPath(dirs, `.${sniff.ext}`);
        let cleaned: boolean;
        try {
          ({ cleaned } = await stripMetadata(raw, clean, sniff));
        } catch (err) {
          // A file that looks like a video but cannot be remuxed: refuse it rather than keep its metadata.
          if (!(err instanceof MetadataStripError) || isDiskFull(err)) throw err;
          problems.push({ name, problem: 'damaged' });
          continue;
        }
        total += size;
        files.push({ originalName: name, path: clean, sniff, cleaned });
      } catch (err) {
        if (!isDiskFull(err)) throw err;
        request.log.error({ err }, 'upload refused: no space left while writing it');
        diskFull = true;
        problems.push({ name, problem: 'disk_full' });
      } finally {
        shredFileSync(raw);
      }
    }
  } catch (err) {
    discardFiles(files);
    throw err;
  }
  return { fields, files, problems, dropped };
}
