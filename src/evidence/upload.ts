// Reads a multipart form: text fields kept, files streamed to temporary plaintext files, checked
// by content and cleaned of metadata. Nothing is held whole in memory. Forms put their file input
// last, so every text field has arrived before the first file (browsers send parts in DOM order).
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { sniffFile, type SniffResult } from './media/sniff.js';
import { stripMetadata } from './media/strip.js';
import { MetadataStripError } from './media/errors.js';
import { tempPath, type StorageDirs } from './storage.js';

export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxTotalBytes: number;
}

export interface CleanFile {
  originalName: string;
  /** Plaintext after metadata removal, in the temp folder; the caller encrypts and deletes it. */
  path: string;
  sniff: SniffResult;
  cleaned: boolean;
}

export type FileProblem = { name: string; problem: 'too_large' | 'type' | 'empty' | 'too_many' | 'total_too_large' | 'damaged' };

export interface ParsedForm {
  fields: Record<string, string>;
  files: CleanFile[];
  problems: FileProblem[];
}

/** A file name as shown back to the person: no path, bounded length (never used on disk). */
function displayName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f]/g, '').slice(0, 120) || '(unnamed)';
}

/** Deletes the temporary files of a parse that will not be used. */
export function discardFiles(files: CleanFile[]): void {
  for (const f of files) fs.rmSync(f.path, { force: true });
}

export async function readUploadForm(request: FastifyRequest, dirs: StorageDirs, limits: UploadLimits): Promise<ParsedForm> {
  const fields: Record<string, string> = {};
  const files: CleanFile[] = [];
  const problems: FileProblem[] = [];
  let total = 0;
  let count = 0;
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
      if (count > limits.maxFiles || total >= limits.maxTotalBytes) {
        part.file.resume();
        problems.push({ name, problem: count > limits.maxFiles ? 'too_many' : 'total_too_large' });
        continue;
      }
      const raw = tempPath(dirs, '.upload');
      try {
        await pipeline(part.file, fs.createWriteStream(raw, { flags: 'wx' }));
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
          if (!(err instanceof MetadataStripError)) throw err;
          problems.push({ name, problem: 'damaged' });
          continue;
        }
        total += size;
        files.push({ originalName: name, path: clean, sniff, cleaned });
      } finally {
        fs.rmSync(raw, { force: true });
      }
    }
  } catch (err) {
    discardFiles(files);
    throw err;
  }
  return { fields, files, problems };
}
