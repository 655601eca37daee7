// Decides what an upload is from its bytes alone; the file name is never consulted. file-type
// names the candidate from magic bytes, then a structure check per format confirms it, because a
// page that merely starts with JPEG or MP3 magic is not a picture or a recording.
import { fileTypeFromFile } from 'file-type';
import { withMediaFile, type MediaFile } from './file.js';
import { MalformedMediaError } from './errors.js';
import { sniffResult, type SniffResult } from './formats.js';
import { looksLikeMarkup, MARKUP_WINDOW_BYTES } from './markup.js';
import { isJpeg } from './jpeg.js';
import { isPng } from './png.js';
import { isWebp } from './webp.js';
import { isHeif, trackHandlers } from './isobmff.js';
import { TRACK_AUDIO, TRACK_VIDEO, webmTrackTypes } from './ebml.js';
import { isAmr, isMp3, isOgg, isWav } from './audio.js';

export type { SniffResult } from './formats.js';

/** The type of an allowed evidence file, or null for anything else (including an empty file). */
export async function sniffFile(path: string): Promise<SniffResult | null> {
  const detected = await fileTypeFromFile(path);
  if (!detected) return null;
  return withMediaFile(path, async (file) => {
    try {
      if (looksLikeMarkup(await file.read(0, MARKUP_WINDOW_BYTES))) return null;
      return await confirm(detected.ext, detected.mime, file);
    } catch (err) {
      if (err instanceof MalformedMediaError) return null;
      throw err;
    }
  });
}

async function confirm(ext: string, mime: string, file: MediaFile): Promise<SniffResult | null> {
  switch (ext) {
    case 'jpg':
      return (await isJpeg(file)) ? sniffResult('jpeg') : null;
    case 'png':
      return (await isPng(file)) ? sniffResult('png') : null;
    case 'webp':
      return (await isWebp(file)) ? sniffResult('webp') : null;
    case 'heic':
      // Still images only: file-type also names HEIF sequences (bursts, live photos) 'heic'.
      if (mime !== 'image/heic' && mime !== 'image/heif') return null;
      return (await isHeif(file)) ? sniffResult('heic', { mime }) : null;
    case 'pdf':
      return /^%PDF-[12]\.\d/.test((await file.read(0, 8)).toString('latin1')) ? sniffResult('pdf') : null;
    case 'mp3':
      return (await isMp3(file)) ? sniffResult('mp3') : null;
    case 'mp4':
    case 'm4a':
    case 'm4v': {
      // The brand says little (Android voice recorders write mp42 or isom); the tracks decide.
      const handlers = await trackHandlers(file);
      if (handlers.has('vide')) return sniffResult('mp4');
      return handlers.has('soun') ? sniffResult('m4a') : null;
    }
    case 'amr':
      return (await isAmr(file)) ? sniffResult('amr') : null;
    case 'wav':
      return (await isWav(file)) ? sniffResult('wav') : null;
    case 'webm': {
      const tracks = await webmTrackTypes(file);
      if (tracks.has(TRACK_VIDEO)) return sniffResult('webmVideo');
      return tracks.has(TRACK_AUDIO) ? sniffResult('webmAudio') : null;
    }
    case 'ogg':
    case 'opus':
    case 'oga':
    case 'spx':
      return (await isOgg(file)) ? sniffResult('ogg', { ext }) : null;
    default:
      return null;
  }
}
