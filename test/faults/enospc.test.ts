// Issue 9, faults: ENOSPC (and SQLITE_FULL) injected on every write path of a submission, in
// process, so it runs on any machine (the tmpfs test in full-disk.test.ts needs mount rights).
// Each one must bring the form back with the clear message and the text kept, store no report and
// leave no partial or temporary file.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { onPostgres } from '../../src/db/engine.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm, type FileField } from '../helpers/forms.js';
import { reportFields } from '../reports/fixtures.js';
import { bigJpeg, queryCodeIn } from './client.js';

const DESCRIPTION = '磁盘写满时提交：村会计把已故村民的低保金继续冒领了两年，请核查。';

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

const realOpen = fs.promises.open.bind(fs.promises);

/** fs.promises.open whose handles for matching paths fail with ENOSPC once `afterBytes` were written. */
function failWritesTo(match: RegExp, afterBytes: number) {
  return vi.spyOn(fs.promises, 'open').mockImplementation((async (file: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
    const handle = await realOpen(file, flags, mode);
    if (!match.test(String(file))) return handle;
    let written = 0;
    return new Proxy(handle, {
      get(target, prop) {
        if (prop === 'write') {
          return async (buffer: Buffer, ...rest: unknown[]) => {
            if (written + buffer.length > afterBytes) throw enospc();
            written += buffer.length;
            return (target.write as (...a: unknown[]) => Promise<unknown>)(buffer, ...rest);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }) as typeof fs.promises.open);
}

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ minFreeDiskMb: 0 });
});
afterAll(() => t.close());
afterEach(() => {
  vi.restoreAllMocks();
});

const count = async (table: string) => (await t.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))!.n;
const listing = (folder: string) => fs.readdirSync(path.join(t.dataDir, folder)).sort();

async function submit(app: TestApp, files: FileField[]) {
  const form = await openForm(app.app, '/report');
  const body = await multipart({ ...reportFields({ description: DESCRIPTION }), submission_id: form.hidden.submission_id! }, files);
  return app.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
}

const photo = (name: string, bytes = 400 * 1024): FileField => ({ name: 'evidence', filename: name, content: bigJpeg(bytes), type: 'image/jpeg' });

/** Runs a submission under a fault and checks the outcome every fault must have. */
async function expectRefused(files: FileField[]) {
  const before = { reports: await count('reports'), evidence: await count('evidence_files'), files: listing('files') };
  const res = await submit(t, files);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(507);
  expect(queryCodeIn(res.body)).toBeNull();
  expect(res.body).toContain('服务器存储空间不足，举报暂时没有提交成功');
  expect(res.body).toContain(DESCRIPTION);
  for (const f of files) expect(res.body).toContain(f.filename);
  expect(await count('reports')).toBe(before.reports);
  expect(await count('evidence_files')).toBe(before.evidence);
  expect(listing('files')).toEqual(before.files);
  expect(listing('tmp')).toEqual([]);
  return res;
}

describe('no space left on device during a submission', () => {
  it('while the upload is written to tmp/: the rest of the upload is read, the partial file removed', async () => {
    const spy = failWritesTo(/\.upload$/, 100 * 1024);
    await expectRefused([photo('现场照片.jpg'), photo('第二张.jpg')]);
    expect(spy).toHaveBeenCalled();
  });

  it('while metadata is removed (the cleaned copy): a full disk, not "damaged"', async () => {
    const real = fs.createWriteStream;
    vi.spyOn(fs, 'createWriteStream').mockImplementation(((file: fs.PathLike, options?: unknown) => {
      if (!/\.jpg$/.test(String(file))) return real(file, options as Parameters<typeof real>[1]);
      fs.writeFileSync(file, 'partial');
      return new Writable({ write: (_chunk, _enc, done) => done(enospc()) }) as fs.WriteStream;
    }) as typeof fs.createWriteStream);
    const res = await expectRefused([photo('现场照片.jpg')]);
    // The form carries every file message for its script (data-problem-*); what it shows is not "damaged".
    expect(res.body.replace(/ data-problem-[a-z_]+="[^"]*"/g, '')).not.toContain('文件已损坏');
  });

  it('while the file is encrypted into files/: no .part file stays', async () => {
    const spy = failWritesTo(/[0-9a-f]{32}\.part$/, 64 * 1024);
    await expectRefused([photo('现场照片.jpg', 1024 * 1024)]);
    expect(spy).toHaveBeenCalled();
  });

  // SQLITE_FULL from the SQLite connection's own COMMIT (better-sqlite3's exec): about the SQLite file.
  it.skipIf(onPostgres)('when the database is full at the commit: the encrypted files are removed again', async () => {
    // SQLITE_FULL raised at the COMMIT, after every statement of the filing transaction ran
    // (src/db/transaction.ts withTransaction), so it rolls back whole.
    const client = t.app.db.$client;
    const real = client.exec.bind(client);
    let full = 0;
    const spy = vi.spyOn(client, 'exec').mockImplementation((source: string) => {
      if (source === 'COMMIT' && full++ === 0) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
      return real(source);
    });
    await expectRefused([photo('现场照片.jpg')]);
    expect(full).toBe(1);
    spy.mockRestore();
    // And the same form goes through once there is room.
    const res = await submit(t, [photo('现场照片.jpg')]);
    expect(res.statusCode).toBe(200);
    expect(queryCodeIn(res.body)).toMatch(/^\d{16}$/);
  });
});

describe('below the free-space minimum (SUNSHINE_MIN_FREE_DISK_MB)', () => {
  let low: TestApp;
  beforeAll(async () => {
    low = await makeApp({ minFreeDiskMb: 1_000_000 });
  });
  afterAll(() => low.close());

  it('refuses files before writing anything, with the clear message; a text-only report is still filed', async () => {
    const opened = vi.spyOn(fs.promises, 'open');
    const res = await submit(low, [photo('现场照片.jpg')]);
    expect(res.statusCode).toBe(507);
    expect(res.body).toContain('服务器存储空间不足，举报暂时没有提交成功');
    expect(res.body).toContain(DESCRIPTION);
    expect(opened.mock.calls.filter(([file]) => String(file).startsWith(low.dataDir))).toEqual([]);
    expect(fs.readdirSync(path.join(low.dataDir, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(low.dataDir, 'files'))).toEqual([]);
    // A few kilobytes of text still fit in the reserve: a person without files is not turned away.
    const text = await submit(low, []);
    expect(text.statusCode).toBe(200);
    expect(queryCodeIn(text.body)).toMatch(/^\d{16}$/);
    expect(low.logs()).toContain('upload refused: the data directory is below its free-space minimum');
  });
});
