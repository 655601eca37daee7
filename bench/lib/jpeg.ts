// A real photo-sized JPEG for the upload scenario (g): colour noise encoded by the ffmpeg the
// project ships (@ffmpeg-installer), so the bytes are entropy-coded image data as in a camera file,
// then brought to the exact size with comment (COM) segments after SOI. Cached under bench/tmp/.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findFfmpeg } from '../../src/evidence/media/ffmpeg.js';
import { ROOT } from './proc.js';

const run = promisify(execFile);

function padded(jpeg: Buffer, size: number): Buffer {
  let left = size - jpeg.length;
  const segments: Buffer[] = [];
  while (left > 0) {
    // A segment is FF FE + 2-byte length (counting itself) + payload: 4 to 65,537 bytes.
    let bytes = Math.min(left, 65_537);
    if (left - bytes > 0 && left - bytes < 4) bytes -= 4;
    const seg = Buffer.alloc(bytes, 0x20);
    seg[0] = 0xff;
    seg[1] = 0xfe;
    seg.writeUInt16BE(bytes - 2, 2);
    segments.push(seg);
    left -= bytes;
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

export async function photoOfSize(size: number): Promise<string> {
  const dir = path.join(ROOT, 'bench', 'tmp');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `photo-${size}.jpg`);
  if (fs.existsSync(file) && fs.statSync(file).size === size) return file;
  const ffmpeg = await findFfmpeg();
  if (!ffmpeg) throw new Error('no ffmpeg (node_modules/@ffmpeg-installer/ffmpeg or PATH) to build the test photo');
  // ≈1.09 bytes per pixel for colour noise at -q:v 2; aim a little under the size, then pad.
  let pixels = (size * 0.93) / 1.09;
  for (let attempt = 0; attempt < 4; attempt++) {
    const width = Math.round(Math.sqrt((pixels * 4) / 3) / 16) * 16;
    const height = Math.round((width * 3) / 4 / 16) * 16;
    const raw = path.join(dir, `noise-${width}x${height}.jpg`);
    await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `nullsrc=s=${width}x${height},geq=lum='random(1)*255':cb='random(2)*255':cr='random(3)*255'`, '-frames:v', '1', '-q:v', '2', raw], { timeout: 120_000 });
    const jpeg = fs.readFileSync(raw);
    fs.rmSync(raw);
    if (jpeg.length <= size) {
      fs.writeFileSync(file, padded(jpeg, size));
      return file;
    }
    pixels *= (size / jpeg.length) * 0.95;
  }
  throw new Error('could not encode a photo under the size');
}
