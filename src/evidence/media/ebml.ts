// WebM (EBML): tells audio from video by the track types, as a MediaRecorder voice note and a
// camera clip share the container. Recorders write elements of unknown size while recording, so
// the track list is looked for only before the first cluster.
import type { MediaFile } from './file.js';
import { MalformedMediaError } from './errors.js';

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const TRACK_TYPE = 0x83;
const CLUSTER = 0x1f43b675;

export const TRACK_VIDEO = 1;
export const TRACK_AUDIO = 2;

interface Element {
  id: number;
  dataStart: number;
  /** null: unknown size (still being written). */
  size: number | null;
}

/** A variable-length integer at `at`: its length and value (marker bit removed unless `keepMarker`). */
function vint(buf: Buffer, at: number, keepMarker: boolean): { length: number; value: number; allOnes: boolean } {
  const first = buf[at];
  if (first === undefined || first === 0) throw new MalformedMediaError('EBML number is not valid');
  const length = Math.clz32(first) - 23;
  if (at + length > buf.length) throw new MalformedMediaError('EBML number is cut short');
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = buf[at + i]!;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { length, value, allOnes };
}

async function readElement(file: MediaFile, pos: number): Promise<Element> {
  const head = await file.read(pos, 12);
  const id = vint(head, 0, true);
  if (id.length > 4) throw new MalformedMediaError('EBML element id is too long');
  const size = vint(head, id.length, false);
  const dataStart = pos + id.length + size.length;
  if (size.allOnes) return { id: id.value, dataStart, size: null };
  if (dataStart + size.value > file.size) throw new MalformedMediaError('EBML element runs past the end of the file');
  return { id: id.value, dataStart, size: size.value };
}

async function* children(file: MediaFile, parent: Element): AsyncGenerator<Element> {
  if (parent.size === null) throw new MalformedMediaError('EBML element of unknown size where a size is needed');
  const end = parent.dataStart + parent.size;
  for (let pos = parent.dataStart; pos < end; ) {
    const element = await readElement(file, pos);
    if (element.size === null) throw new MalformedMediaError('EBML element of unknown size where a size is needed');
    yield element;
    pos = element.dataStart + element.size;
  }
}

/** The types of the tracks of a WebM file (1 video, 2 audio, 17 subtitle…); empty when none are found. */
export async function webmTrackTypes(file: MediaFile): Promise<Set<number>> {
  const types = new Set<number>();
  const header = await readElement(file, 0);
  if (header.id !== EBML_HEADER || header.size === null) throw new MalformedMediaError('not an EBML file');
  const segment = await readElement(file, header.dataStart + header.size);
  if (segment.id !== SEGMENT) throw new MalformedMediaError('EBML file has no segment');
  const end = segment.size === null ? file.size : segment.dataStart + segment.size;
  for (let pos = segment.dataStart, count = 0; pos < end && count < 64; count++) {
    const element = await readElement(file, pos);
    if (element.id === CLUSTER || element.size === null) break;
    if (element.id === TRACKS) {
      for await (const entry of children(file, element)) {
        if (entry.id !== TRACK_ENTRY) continue;
        for await (const field of children(file, entry)) {
          if (field.id !== TRACK_TYPE || field.size === null || field.size < 1 || field.size > 4) continue;
          types.add((await file.exact(field.dataStart, field.size, 'TrackType')).readUIntBE(0, field.size));
        }
      }
      break;
    }
    pos = element.dataStart + element.size;
  }
  return types;
}
