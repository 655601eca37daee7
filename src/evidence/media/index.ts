export { sniffFile } from './sniff.js';
export { stripMetadata } from './strip.js';
export { findFfmpeg } from './ffmpeg.js';
export { MetadataStripError } from './errors.js';
export { shredFile, shredFileSync, shredTreeSync } from './shred.js';
export {
  ALLOWED_TYPES,
  ACCEPT_TYPES,
  ACCEPT_ATTRIBUTE,
  NOT_CLEANABLE_LABELS,
  type AllowedType,
  type MediaKind,
  type SniffResult,
} from './formats.js';
