// ISO base media files (MP4, M4A, HEIC): boxes of size, type and payload. Only box headers are
// read, so finding the track list at the end of a 20 MB video costs a handful of small reads.
import type { MediaFile } from './file.js';
import { MalformedMediaError } from './errors.js';

interface Box {
  type: string;
  start: number;
  payload: number;
  end: number;
}

async function* boxes(file: MediaFile, start: number, end: number): AsyncGenerator<Box> {
  let pos = start;
  while (pos + 8 <= end) {
    const head = await file.read(pos, 16);
    if (head.length < 8) throw new MalformedMediaError('box header is cut short');
    const size32 = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    let header = 8;
    let size: number;
    if (size32 === 1) {
      if (head.length < 16) throw new MalformedMediaError('box header is cut short');
      header = 16;
      size = Number(head.readBigUInt64BE(8));
    } else {
      // Size 0: the box runs to the end of its parent (an mdat being written when the file closed).
      size = size32 === 0 ? end - pos : size32;
    }
    if (size < header || pos + size > end) throw new MalformedMediaError(`${type} box runs past its parent`);
    yield { type, start: pos, payload: pos + header, end: pos + size };
    pos += size;
  }
}

async function child(file: MediaFile, parent: Box, type: string): Promise<Box | null> {
  for await (const box of boxes(file, parent.payload, parent.end)) if (box.type === type) return box;
  return null;
}

/** The top-level box of a type, checking that the file starts with ftyp. */
async function topLevel(file: MediaFile, type: string): Promise<Box | null> {
  let first = true;
  for await (const box of boxes(file, 0, file.size)) {
    if (first && box.type !== 'ftyp') return null;
    first = false;
    if (box.type === type) return box;
  }
  return null;
}

/** Handler types of the movie's tracks ('vide', 'soun', 'text', 'meta'…), empty when there is no movie. */
export async function trackHandlers(file: MediaFile): Promise<Set<string>> {
  const handlers = new Set<string>();
  const moov = await topLevel(file, 'moov');
  if (!moov) return handlers;
  for await (const trak of boxes(file, moov.payload, moov.end)) {
    if (trak.type !== 'trak') continue;
    const mdia = await child(file, trak, 'mdia');
    const hdlr = mdia && (await child(file, mdia, 'hdlr'));
    if (!hdlr || hdlr.end - hdlr.payload < 12) continue;
    // Full box: version and flags, pre_defined, then the handler type.
    handlers.add((await file.exact(hdlr.payload + 8, 4, 'hdlr box')).toString('latin1'));
  }
  return handlers;
}

/** A HEIF image has a top-level meta box describing its items. */
export async function isHeif(file: MediaFile): Promise<boolean> {
  return (await topLevel(file, 'meta')) !== null;
}
