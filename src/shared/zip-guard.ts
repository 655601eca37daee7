// Reads a ZIP archive (an uploaded .xlsx) entry by entry without ever holding an inflated entry in
// memory, so that a "ZIP bomb" (a few MB that inflate to gigabytes) can be measured and refused
// before a library that inflates whole entries (JSZip inside exceljs) sees it (issue 16, defect 2).
//
// The sizes an archive declares are never trusted: each entry is inflated through node:zlib's
// streaming inflateRaw and its output counted as it comes. The archive is located the way JSZip
// locates it (the last end-of-central-directory record, then the central directory records while
// their signature matches), so both read the same entries; anything JSZip would accept only by
// guessing (ZIP64, data before the archive, a central directory that is not where it says) is
// refused here, as no spreadsheet program writes it for a file of a few MB.
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** Compressed input is handed to zlib in slices of this size, so inflation proceeds with backpressure. */
const SLICE = 64 * 1024;

export interface ZipEntry {
  /** The name as the central directory gives it. */
  name: string;
  method: number;
  compressedSize: number;
  /** Where the entry's compressed data starts. */
  dataStart: number;
}

/** Thrown for an archive that is damaged, encrypted or in a form not accepted here. */
export class BadZip extends Error {}

/** Thrown by a consumer, or by the byte caps, to stop reading; carried through unchanged. */
export class ZipLimit extends Error {
  constructor(
    readonly limit: string,
    readonly params: Record<string, number> = {},
  ) {
    super(`zip limit ${limit}`);
  }
}

/** The central directory's entries, checked against the local headers; at most `maxEntries` of them. */
export function listEntries(bytes: Uint8Array, maxEntries: number): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = lastSignature(buf, EOCD);
  if (eocd < 0 || eocd + 22 > buf.length) throw new BadZip('no end of central directory');
  const records = buf.readUInt16LE(eocd + 10);
  const dirSize = buf.readUInt32LE(eocd + 12);
  const dirOffset = buf.readUInt32LE(eocd + 16);
  if (records === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) throw new BadZip('ZIP64');
  // JSZip shifts every offset when they disagree (data prepended); refuse instead of guessing.
  if (dirOffset + dirSize !== eocd) throw new BadZip('central directory not where declared');
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  while (at + 46 <= buf.length && buf.readUInt32LE(at) === CENTRAL) {
    if (entries.length >= maxEntries) throw new ZipLimit('entries', { max: maxEntries });
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localOffset = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    if (flags & 0x1) throw new BadZip('encrypted entry');
    if (method !== STORED && method !== DEFLATED) throw new BadZip(`compression method ${method}`);
    if (compressedSize === 0xffffffff || localOffset === 0xffffffff) throw new BadZip('ZIP64');
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== LOCAL) throw new BadZip('no local header');
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > buf.length) throw new BadZip('entry beyond the end of the file');
    entries.push({ name, method, compressedSize, dataStart });
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (entries.length !== records) throw new BadZip('central directory record count');
  return entries;
}

function lastSignature(buf: Buffer, signature: number): number {
  for (let i = buf.length - 4; i >= 0; i--) {
    if (buf.readUInt32LE(i) === signature) return i;
  }
  return -1;
}

/**
 * Inflates one entry chunk by chunk into `consume`, refusing once `maxBytes` have come out (the
 * error thrown is `overflow()`), whatever the archive says its size is. Resolves with the byte count.
 */
export async function inflateEntry(bytes: Uint8Array, entry: ZipEntry, maxBytes: number, overflow: () => Error, consume: (chunk: Buffer) => void): Promise<number> {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset + entry.dataStart, entry.compressedSize);
  const source = Readable.from(slices(data), { objectMode: false });
  const output: AsyncIterable<Buffer> = entry.method === STORED ? source : source.pipe(zlib.createInflateRaw());
  let total = 0;
  try {
    for await (const chunk of output) {
      total += chunk.length;
      if (total > maxBytes) throw overflow();
      consume(chunk);
    }
  } catch (err) {
    // zlib's own errors (a damaged or truncated stream) mean a damaged file; the caps' pass through.
    if (err instanceof Error && (err as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new BadZip(`inflate: ${err.message}`);
    throw err;
  } finally {
    source.destroy();
    if (output !== source) (output as unknown as Readable).destroy();
  }
  return total;
}

function* slices(data: Buffer): Generator<Buffer> {
  for (let i = 0; i < data.length; i += SLICE) yield data.subarray(i, i + SLICE);
}
