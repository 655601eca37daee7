// Metadata removal without re-encoding (DESIGN.md §4): pictures are rewritten segment by segment
// here, MP4/M4A/MP3 are remuxed by ffmpeg with stream copy (confined: see ffmpeg.ts). Formats no tool here can clean are
// copied unchanged and reported as not cleaned, so the reporter can be told.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MetadataStripError } from './errors.js';
import { MediaFile } from './file.js';
import type { SniffResult } from './formats.js';
import { cleanJpeg } from './jpeg.js';
import { cleanPng } from './png.js';
import { cleanWebp } from './webp.js';
import { runFfmpeg } from './ffmpeg.js';
import { shredFile } from './shred.js';

type Rewriter = (file: MediaFile) => AsyncGenerator<Buffer>;

const REWRITERS: Record<string, Rewriter> = {
  'image/jpeg': cleanJpeg,
  'image/png': cleanPng,
  'image/webp': cleanWebp,
};

interface Remux {
  /**
   * Input format forced from the sniffed type, so ffmpeg never guesses from the content: an HLS
   * playlist or concat list renamed .mp4 is then a broken MP4, not a list of files to open.
   */
  demuxer: string;
  /** Options of that demuxer, before the input. */
  input: readonly string[];
  muxer: string;
  /**
   * Streams kept. Video keeps its video and audio tracks but not data, subtitle or timed-metadata
   * tracks, which is where dashcams, action cameras and iPhones put GPS; audio keeps only audio
   * (cover art is a picture with metadata of its own).
   */
  maps: readonly string[];
  options: readonly string[];
}

const REMUXES: Record<string, Remux> = {
  // enable_drefs off (its default, kept explicit): an MP4 may name external files to read samples from.
  'video/mp4': { demuxer: 'mov', input: ['-enable_drefs', '0'], muxer: 'mp4', maps: ['-map', '0:V', '-map', '0:a?'], options: [] },
  // The M4A brand keeps an audio-only file an M4A, whatever brand it came with.
  'audio/mp4': { demuxer: 'mov', input: ['-enable_drefs', '0'], muxer: 'mp4', maps: ['-map', '0:a'], options: ['-brand', 'M4A '] },
  'audio/mpeg': { demuxer: 'mp3', input: [], muxer: 'mp3', maps: ['-map', '0:a'], options: ['-id3v2_version', '0', '-write_id3v1', '0'] },
};

/** ffmpeg takes `file:` URLs literally: no protocol prefix or leading dash in a name can be misread. */
const fileUrl = (file: string) => `file:${path.resolve(file)}`;

function remuxArgs(input: string, output: string, remux: Remux): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', remux.demuxer, ...remux.input, '-i', fileUrl(input),
    ...remux.maps,
    // Global, per-stream and chapter metadata; bitexact keeps ffmpeg from adding its own encoder tag.
    '-map_metadata', '-1', '-map_metadata:s', '-1', '-map_chapters', '-1',
    '-c', 'copy', '-fflags', '+bitexact',
    ...remux.options,
    '-f', remux.muxer, '-y', fileUrl(output),
  ];
}

/**
 * Writes a copy of `input` without metadata to `output` (created 0600: it is plaintext evidence).
 * Returns cleaned:false for types that cannot be cleaned here (copied unchanged). Throws
 * MetadataStripError when cleaning fails; the output is then removed.
 */
export async function stripMetadata(input: string, output: string, sniff: SniffResult): Promise<{ cleaned: boolean }> {
  try {
    if (!sniff.cleanable) {
      await pipeline(fs.createReadStream(input), fs.createWriteStream(output, { mode: 0o600 }));
      return { cleaned: false };
    }
    const rewrite = REWRITERS[sniff.mime];
    const remux = REMUXES[sniff.mime];
    if (rewrite) {
      const file = await MediaFile.open(input);
      try {
        await pipeline(rewrite(file), fs.createWriteStream(output, { mode: 0o600 }));
      } finally {
        await file.close();
      }
    } else if (remux) {
      // Created first so that ffmpeg, which truncates rather than recreates, keeps the mode.
      await fs.promises.writeFile(output, '', { mode: 0o600 });
      await runFfmpeg(remuxArgs(input, output, remux));
    } else {
      throw new Error('no way to clean this type');
    }
    return { cleaned: true };
  } catch (err) {
    // A partial output is plaintext evidence too.
    await shredFile(output);
    throw new MetadataStripError(sniff.mime, err);
  }
}
