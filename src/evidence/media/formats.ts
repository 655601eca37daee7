// The evidence formats the portal accepts (DESIGN.md §4), and which of them can be cleaned of
// metadata here. Everything else is refused, whatever its name says.

export type MediaKind = 'image' | 'pdf' | 'audio' | 'video';

export interface SniffResult {
  mime: string;
  ext: string;
  kind: MediaKind;
  /** Whether stripMetadata can remove this file's metadata (otherwise it is stored as sent). */
  cleanable: boolean;
}

export interface AllowedType extends SniffResult {
  /** Format name shown to people, the same in every language. */
  label: string;
  /** Values for the file input's `accept` attribute; empty keeps the type out of the picker. */
  accept: readonly string[];
}

export const ALLOWED_TYPES = {
  // JPEG first: macOS Safari converts a HEIC photo to the first convertible image type in
  // `accept`, and HEIC is left out of `accept` so that it does (iOS always sends JPEG). JPEG can
  // be cleaned here and HEIC cannot. A HEIC chosen through "all files" is still accepted.
  jpeg: { label: 'JPEG', mime: 'image/jpeg', ext: 'jpg', kind: 'image', cleanable: true, accept: ['image/jpeg', '.jpg', '.jpeg'] },
  png: { label: 'PNG', mime: 'image/png', ext: 'png', kind: 'image', cleanable: true, accept: ['image/png', '.png'] },
  webp: { label: 'WebP', mime: 'image/webp', ext: 'webp', kind: 'image', cleanable: true, accept: ['image/webp', '.webp'] },
  heic: { label: 'HEIC', mime: 'image/heic', ext: 'heic', kind: 'image', cleanable: false, accept: [] },
  pdf: { label: 'PDF', mime: 'application/pdf', ext: 'pdf', kind: 'pdf', cleanable: false, accept: ['application/pdf', '.pdf'] },
  mp3: { label: 'MP3', mime: 'audio/mpeg', ext: 'mp3', kind: 'audio', cleanable: true, accept: ['audio/mpeg', '.mp3'] },
  m4a: { label: 'M4A', mime: 'audio/mp4', ext: 'm4a', kind: 'audio', cleanable: true, accept: ['audio/mp4', 'audio/x-m4a', '.m4a'] },
  amr: { label: 'AMR', mime: 'audio/amr', ext: 'amr', kind: 'audio', cleanable: false, accept: ['audio/amr', '.amr'] },
  wav: { label: 'WAV', mime: 'audio/wav', ext: 'wav', kind: 'audio', cleanable: false, accept: ['audio/wav', 'audio/x-wav', '.wav'] },
  webmAudio: { label: 'WebM', mime: 'audio/webm', ext: 'webm', kind: 'audio', cleanable: false, accept: ['audio/webm'] },
  ogg: { label: 'OGG', mime: 'audio/ogg', ext: 'ogg', kind: 'audio', cleanable: false, accept: ['audio/ogg', '.ogg', '.oga', '.opus'] },
  mp4: { label: 'MP4', mime: 'video/mp4', ext: 'mp4', kind: 'video', cleanable: true, accept: ['video/mp4', '.mp4'] },
  webmVideo: { label: 'WebM', mime: 'video/webm', ext: 'webm', kind: 'video', cleanable: false, accept: ['video/webm', '.webm'] },
} as const satisfies Record<string, AllowedType>;

export type AllowedFormat = keyof typeof ALLOWED_TYPES;

const allTypes: readonly AllowedType[] = Object.values(ALLOWED_TYPES);

/** MIME types and extensions for `<input type="file" accept="…">`. */
export const ACCEPT_TYPES: readonly string[] = [...new Set(allTypes.flatMap((t) => t.accept))];
export const ACCEPT_ATTRIBUTE = ACCEPT_TYPES.join(',');

/** Format names whose metadata cannot be removed here: the form warns about them before upload. */
export const NOT_CLEANABLE_LABELS: readonly string[] = [...new Set(allTypes.filter((t) => !t.cleanable).map((t) => t.label))];

/** The SniffResult of a format, optionally with a more precise MIME type or extension. */
export function sniffResult(format: AllowedFormat, precise: { mime?: string; ext?: string } = {}): SniffResult {
  const t = ALLOWED_TYPES[format];
  return { mime: precise.mime ?? t.mime, ext: precise.ext ?? t.ext, kind: t.kind, cleanable: t.cleanable };
}
