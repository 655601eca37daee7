// Evidence sealed in chunks (issue 16, defect 10): no plaintext of a chunk is released before its
// tag verifies, so a flipped bit, a truncation, reordered or dropped chunks yield at most the
// chunks before the damage; files in the old single-stream format still open. The chunked format
// runs under both crypto profiles (issue 23): AES-256-GCM chunks (0x02) and SM4-CTR + HMAC-SM3
// chunks (0x03), and a file of either is read whichever profile is active.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decryptFromStore, evidenceOf, readAll, storageDirs, storedSizeMatches, type StorageDirs } from '../../src/evidence/index.js';
import { encryptIntoStore } from '../../src/evidence/storage.js';
import { SEALED_CHUNK_BYTES, SEALED_HEADER_BYTES, sealedSize, TAG_BYTES } from '../../src/evidence/sealed-chunks.js';
import { deriveKeys } from '../../src/plugins/keys.js';
import { activeProfile, keyFor, useCryptoProfile, type CryptoProfileName } from '../../src/shared/crypto/index.js';
import { makeApp, tempDir, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn } from '../helpers/staff.js';
import { reportFields } from '../reports/fixtures.js';
import { pdfFile } from './media/builders.js';

const KEY = crypto.randomBytes(32);
const CHUNK = SEALED_CHUNK_BYTES;
const RECORD = CHUNK + TAG_BYTES;
let dirs: StorageDirs;

beforeAll(() => {
  dirs = storageDirs(tempDir('sunshine-sealed-'));
});

async function store(plain: Buffer): Promise<string> {
  const p = path.join(dirs.tmp, crypto.randomBytes(8).toString('hex'));
  fs.writeFileSync(p, plain);
  const stored = await encryptIntoStore(dirs, KEY, p);
  expect(stored.size).toBe(plain.length);
  expect(stored.sha256).toBe(crypto.createHash('sha256').update(plain).digest('hex'));
  return stored.storedName;
}

const fileOf = (name: string) => path.join(dirs.files, name);

/** Everything the stream released before it ended or failed, and its error. */
async function released(name: string, key: Buffer = KEY): Promise<{ bytes: Buffer; error: Error | null }> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of decryptFromStore(dirs, key, name)) chunks.push(c as Buffer);
    return { bytes: Buffer.concat(chunks), error: null };
  } catch (err) {
    return { bytes: Buffer.concat(chunks), error: err as Error };
  }
}

describe.each([
  ['intl', 0x02],
  ['sm', 0x03],
] as const)('the chunked format under the %s profile', (profile: CryptoProfileName, version: number) => {
  let previous: CryptoProfileName;
  beforeAll(() => {
    previous = useCryptoProfile(profile);
  });
  afterAll(() => {
    useCryptoProfile(previous);
  });

  it('round-trips every size around the chunk boundary, with the size the backup expects', async () => {
    for (const n of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 777]) {
      const plain = crypto.randomBytes(n);
      const name = await store(plain);
      const raw = fs.readFileSync(fileOf(name));
      expect(raw.length).toBe(sealedSize(n));
      expect(storedSizeMatches(n, raw.length)).toBe(true);
      expect(storedSizeMatches(n + 1, raw.length)).toBe(false);
      expect(raw.subarray(0, 4)).toEqual(Buffer.from([0x53, 0x53, 0x46, version]));
      expect(await released(name)).toEqual({ bytes: plain, error: null });
    }
  });

  describe('a damaged file of three chunks', () => {
    const plain = crypto.randomBytes(2 * CHUNK + 1000);
    let name: string;
    let raw: Buffer;
    beforeAll(async () => {
      name = await store(plain);
      raw = fs.readFileSync(fileOf(name));
      expect(raw.length).toBe(SEALED_HEADER_BYTES + 2 * RECORD + 1000 + TAG_BYTES);
    });
    const damaged = async (bytes: Buffer) => {
      fs.writeFileSync(fileOf(name), bytes);
      try {
        return await released(name);
      } finally {
        fs.writeFileSync(fileOf(name), raw);
      }
    };
    const chunkAt = (i: number) => SEALED_HEADER_BYTES + i * RECORD;

    it('with a bit flipped in the second chunk releases the first chunk only', async () => {
      const bytes = Buffer.from(raw);
      bytes[chunkAt(1) + 100]! ^= 0x01;
      const out = await damaged(bytes);
      expect(out.error?.message).toMatch(/altered or damaged at chunk 1/);
      expect(out.bytes).toEqual(plain.subarray(0, CHUNK));
    });

    it('with a bit flipped in a tag, or in the header, releases nothing of the chunk', async () => {
      const tag = Buffer.from(raw);
      tag[chunkAt(1) - 1]! ^= 0x80; // the first chunk's tag
      expect((await damaged(tag)).bytes.length).toBe(0);
      const header = Buffer.from(raw);
      header[10]! ^= 0x01; // the salt, hence the key
      const out = await damaged(header);
      expect(out.error).not.toBeNull();
      expect(out.bytes.length).toBe(0);
    });

    it('with the last chunk dropped (cut at a chunk boundary) fails on the new last one', async () => {
      const out = await damaged(raw.subarray(0, chunkAt(2)));
      expect(out.error).not.toBeNull();
      expect(out.bytes).toEqual(plain.subarray(0, CHUNK));
    });

    it('cut inside the last chunk fails on it, releasing the full chunks before', async () => {
      const out = await damaged(raw.subarray(0, raw.length - 10));
      expect(out.error).not.toBeNull();
      expect(out.bytes).toEqual(plain.subarray(0, 2 * CHUNK));
    });

    it('with two chunks swapped fails on the first one', async () => {
      const swapped = Buffer.concat([raw.subarray(0, chunkAt(0)), raw.subarray(chunkAt(1), chunkAt(2)), raw.subarray(chunkAt(0), chunkAt(1)), raw.subarray(chunkAt(2))]);
      const out = await damaged(swapped);
      expect(out.error).not.toBeNull();
      expect(out.bytes.length).toBe(0);
    });

    it('with a chunk appended fails where the end no longer is', async () => {
      const out = await damaged(Buffer.concat([raw, raw.subarray(chunkAt(0), chunkAt(1))]));
      expect(out.error).not.toBeNull();
      expect(out.bytes).toEqual(plain.subarray(0, 2 * CHUNK));
    });

    it('under another stored name or another key releases nothing', async () => {
      const other = crypto.randomBytes(16).toString('hex');
      fs.copyFileSync(fileOf(name), fileOf(other));
      expect((await released(other)).bytes.length).toBe(0);
      expect((await released(other)).error).not.toBeNull();
      const wrongKey = await released(name, crypto.randomBytes(32));
      expect(wrongKey.bytes.length).toBe(0);
      expect(wrongKey.error).not.toBeNull();
    });
  });

  it('never repeats a keystream: equal chunks, and equal files, seal to different bytes', async () => {
    const plain = Buffer.alloc(2 * CHUNK, 0x61);
    const a = fs.readFileSync(fileOf(await store(plain)));
    const b = fs.readFileSync(fileOf(await store(plain)));
    const first = a.subarray(SEALED_HEADER_BYTES, SEALED_HEADER_BYTES + CHUNK);
    expect(first.equals(a.subarray(SEALED_HEADER_BYTES + RECORD, SEALED_HEADER_BYTES + RECORD + CHUNK))).toBe(false);
    expect(first.equals(b.subarray(SEALED_HEADER_BYTES, SEALED_HEADER_BYTES + CHUNK))).toBe(false);
    // Within a chunk no 16-byte keystream block repeats either (the plaintext is constant).
    const blocks = new Set<string>();
    for (let at = 0; at < CHUNK; at += 16) blocks.add(first.subarray(at, at + 16).toString('hex'));
    expect(blocks.size).toBe(CHUNK / 16);
  });
});

describe('a purpose key of both profiles (one master key)', () => {
  const keys = deriveKeys(crypto.randomBytes(32));
  const start = activeProfile();
  afterEach(() => {
    useCryptoProfile(start);
  });

  it('reads files sealed under either profile whichever profile is active', async () => {
    const plain = crypto.randomBytes(CHUNK + 5);
    const write = async (profile: CryptoProfileName) => {
      useCryptoProfile(profile);
      const p = path.join(dirs.tmp, crypto.randomBytes(8).toString('hex'));
      fs.writeFileSync(p, plain);
      return (await encryptIntoStore(dirs, keys.files, p)).storedName;
    };
    const intl = await write('intl');
    const sm = await write('sm');
    expect(fs.readFileSync(fileOf(intl))[3]).toBe(0x02);
    expect(fs.readFileSync(fileOf(sm))[3]).toBe(0x03);
    for (const profile of ['intl', 'sm'] as const) {
      useCryptoProfile(profile);
      expect(await released(intl, keys.files)).toEqual({ bytes: plain, error: null });
      expect(await released(sm, keys.files)).toEqual({ bytes: plain, error: null });
    }
  });

  it('an SM file whose version byte is changed to AES opens under neither', async () => {
    useCryptoProfile('sm');
    const p = path.join(dirs.tmp, crypto.randomBytes(8).toString('hex'));
    fs.writeFileSync(p, crypto.randomBytes(100));
    const name = (await encryptIntoStore(dirs, keys.files, p)).storedName;
    const raw = fs.readFileSync(fileOf(name));
    raw[3] = 0x02;
    fs.writeFileSync(fileOf(name), raw);
    const out = await released(name, keys.files);
    expect(out.error).not.toBeNull();
    expect(out.bytes.length).toBe(0);
  });
});

describe('files written before chunking', () => {
  /** The single-stream format as encryptIntoStore wrote it before issue 16. */
  function legacyFile(plain: Buffer, key: Buffer = KEY): string {
    const name = crypto.randomBytes(16).toString('hex');
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(name));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    fs.writeFileSync(fileOf(name), Buffer.concat([Buffer.from('SSF1'), iv, body, cipher.getAuthTag()]));
    return name;
  }

  it('still decrypt, and fit the backup size check', async () => {
    for (const n of [0, 10, 3 * CHUNK + 5]) {
      const plain = crypto.randomBytes(n);
      const name = legacyFile(plain);
      expect(await released(name)).toEqual({ bytes: plain, error: null });
      expect(storedSizeMatches(n, fs.statSync(fileOf(name)).size)).toBe(true);
    }
  });

  it('still decrypt after a switch to the SM profile (they were written with the intl key)', async () => {
    // The purpose keys of a portal now running the SM profile: the active member is HKDF-SM3's.
    const keys = deriveKeys(crypto.randomBytes(32), 'sm');
    const plain = crypto.randomBytes(CHUNK + 7);
    const name = legacyFile(plain, keyFor(keys.files, 'intl'));
    const previous = useCryptoProfile('sm');
    try {
      expect(await released(name, keys.files)).toEqual({ bytes: plain, error: null });
    } finally {
      useCryptoProfile(previous);
    }
  });

  it('release nothing when altered anywhere, even near the end', async () => {
    const plain = crypto.randomBytes(3 * CHUNK);
    const name = legacyFile(plain);
    const raw = fs.readFileSync(fileOf(name));
    raw[raw.length - 100]! ^= 0x01;
    fs.writeFileSync(fileOf(name), raw);
    const out = await released(name);
    expect(out.error).not.toBeNull();
    expect(out.bytes.length).toBe(0);
  });
});

describe('through the routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp();
  });
  afterAll(() => t.close());

  it('an uploaded file downloads as it was sent, and a tampered one gives no content', async () => {
    // A PDF is stored as sent (no tool here cleans it), over three chunks.
    const pdf = Buffer.concat([pdfFile(), Buffer.from(`%${'x'.repeat(2 * CHUNK + 500)}\n`)]);
    const form = await openForm(t.app, '/report');
    const body = await multipart({ submission_id: form.hidden.submission_id!, ...reportFields() }, [{ name: 'evidence', filename: '名单.pdf', content: pdf, type: 'application/pdf' }]);
    const filed = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.78' });
    expect(filed.statusCode).toBe(200);
    const report = (await t.app.db.get<{ id: number }>(sql`select id from reports order by id desc limit 1`))!;
    const file = (await evidenceOf(t.app.db, 'report', report.id))[0]!;
    const stored = path.join(t.dataDir, 'files', file.storedName);
    expect(fs.statSync(stored).size).toBe(sealedSize(pdf.length));
    // Written under the profile the process runs with (CI runs this file under SUNSHINE_CRYPTO=sm too).
    expect(fs.readFileSync(stored)[3]).toBe(activeProfile() === 'sm' ? 0x03 : 0x02);

    const handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
    const url = `/staff/reports/${report.id}/files/${file.id}`;
    const ok = await handler.get(url);
    expect(ok.statusCode).toBe(200);
    expect(ok.rawPayload).toEqual(pdf);

    const raw = fs.readFileSync(stored);
    raw[SEALED_HEADER_BYTES + 50]! ^= 0x01;
    fs.writeFileSync(stored, raw);
    const bad = await handler.get(url).catch((err: Error) => ({ statusCode: 0, rawPayload: Buffer.alloc(0), err }));
    expect(bad.statusCode).not.toBe(200);
    expect(bad.rawPayload.includes(pdf.subarray(0, 32))).toBe(false);
  });
});
