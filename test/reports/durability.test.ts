import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { onPostgres } from '../../src/db/engine.js';
import { makeApp, tempDir, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { exifSegment, jpegWith } from '../evidence/media/builders.js';
import { reportFields } from './fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const count = async (app: TestApp, table: string) => (await app.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))!.n;

describe('a submission that dies half way', () => {
  it('leaves no report and no file when the connection drops during the upload', async () => {
    const form = await openForm(t.app, '/report');
    const body = await multipart({ ...reportFields(), submission_id: form.hidden.submission_id! }, [
      { name: 'evidence', filename: 'a.jpg', content: Buffer.concat([jpegWith(exifSegment()), Buffer.alloc(300_000, 1)]) },
    ]);
    const cut = body.payload.subarray(0, body.payload.length - 100_000);
    let sent = false;
    const payload = new Readable({
      read() {
        if (sent) return this.destroy(new Error('connection reset'));
        sent = true;
        this.push(cut);
      },
    });
    const before = await count(t, 'reports');
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload }).catch((err: Error) => err);
    if (!(res instanceof Error)) expect(res.statusCode).toBeGreaterThanOrEqual(400);
    await new Promise((r) => setTimeout(r, 100));
    expect(await count(t, 'reports')).toBe(before);
    expect(fs.readdirSync(path.join(t.dataDir, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(t.dataDir, 'files')).length).toBe(await count(t, 'evidence_files'));
  });

  it('sweeps leftover temporary files and unreferenced stored files at start, keeping referenced ones', async () => {
    const dataDir = tempDir();
    const first = await makeApp({ dataDir });
    const form = await openForm(first.app, '/report');
    const body = await multipart({ ...reportFields(), submission_id: form.hidden.submission_id! }, [{ name: 'evidence', filename: 'a.jpg', content: jpegWith() }]);
    const ok = await first.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(ok.statusCode).toBe(200);
    const kept = fs.readdirSync(path.join(dataDir, 'files'));
    expect(kept).toHaveLength(1);
    await first.app.close();
    // What a kill leaves: a plaintext upload in tmp, a half-written and a fully written but uncommitted file.
    fs.writeFileSync(path.join(dataDir, 'tmp', 'abc.upload'), 'plaintext evidence');
    fs.writeFileSync(path.join(dataDir, 'files', 'f'.repeat(32) + '.part'), 'half');
    fs.writeFileSync(path.join(dataDir, 'files', 'e'.repeat(32)), 'orphan');
    // Left long ago: a younger file without a row may be another node's upload in flight, and is
    // kept (test/evidence/shared-store.test.ts).
    const longAgo = Date.now() / 1000 - 7 * 86_400;
    for (const name of ['f'.repeat(32) + '.part', 'e'.repeat(32)]) fs.utimesSync(path.join(dataDir, 'files', name), longAgo, longAgo);
    const second = await makeApp({ dataDir });
    expect(fs.readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'files'))).toEqual(kept);
    // The SQLite file's own consistency check; PostgreSQL has no such pragma.
    if (!onPostgres) expect(second.app.db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
    await second.close();
  });
});
