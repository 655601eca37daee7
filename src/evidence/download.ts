// Sending a stored file to staff: always as a download (never rendered inline, whatever it claims
// to be), never cached, decrypted as it streams. One place for the three routes that send report
// evidence, staff investigation material and ledger files (they had three copies of these headers,
// and the ledger's forgot that a file erased by the retention schedule has no content left).
import type { FastifyReply } from 'fastify';
import { notFound } from '../shared/errors.js';
import { decryptFromStore, type StorageDirs } from './storage.js';

export interface DownloadableFile {
  storedName: string;
  ext: string;
  erasedAt: number | null;
}

/** Sends `file` as `filename`; 404 for a file the retention schedule erased. The caller checked scope and audited. */
export function sendDownload(reply: FastifyReply, store: { dirs: StorageDirs; key: Buffer }, file: DownloadableFile, filename: string): FastifyReply {
  if (file.erasedAt) throw notFound();
  reply.header('Content-Type', 'application/octet-stream');
  reply.header('Content-Disposition', `attachment; filename="${filename}"`);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Cache-Control', 'no-store');
  return reply.send(decryptFromStore(store.dirs, store.key, file.storedName));
}
