// Evidence in a store every node reaches (issue 21, SUNSHINE_EVIDENCE_DIR): filed and downloaded
// through it, swept at start without touching another node's upload in flight, and backed up from it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, restoreBackup } from '../../src/backup/index.js';
import { ConfigError, loadConfig, testConfig } from '../../src/config.js';
import { onPostgres } from '../../src/db/engine.js';
import { allStoredNames, orphanGraceMs, storageDirs } from '../../src/evidence/index.js';
import { encryptIntoStore } from '../../src/evidence/storage.js';
import { KEY_FILE_NAME } from '../../src/plugins/keys.js';
import { makeApp, tempDir, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn } from '../helpers/staff.js';
import { reportFields } from '../reports/fixtures.js';
import { exifSegment, jpegWith } from './media/builders.js';

const folders: string[] = [];
function folder(prefix: string): string {
  const dir = tempDir(prefix);
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

/** Files a report with one photo through the public form; returns the new stored file's name, evidence id and report id. */
async function fileWithPhoto(t: TestApp): Promise<{ storedName: string; id: number; reportId: number }> {
  const before = await allStoredNames(t.app.db);
  const form = await openForm(t.app, '/report');
  const body = await multipart({ submission_id: form.hidden.submission_id!, ...reportFields() }, [{ name: 'evidence', filename: '现场照片.jpg', content: jpegWith(exifSegment()), type: 'image/jpeg' }]);
  const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.91' });
  expect(res.statusCode).toBe(200);
  const added = [...(await allStoredNames(t.app.db))].filter((n) => !before.has(n));
  expect(added).toHaveLength(1);
  const [row] = await t.app.db.all<{ id: number; reportId: number }>(sql`select id, owner_id as "reportId" from evidence_files where stored_name = ${added[0]!}`);
  return { storedName: added[0]!, id: Number(row!.id), reportId: Number(row!.reportId) };
}

/** A file of stored-name form in `dir`, last written `ageMs` ago. */
function storedFileAged(dir: string, name: string, ageMs: number): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, crypto.randomBytes(64));
  const when = (Date.now() - ageMs) / 1000;
  fs.utimesSync(file, when, when);
  return file;
}

const name = (c: string) => c.repeat(32);
const HOUR = 3600_000;

describe('SUNSHINE_EVIDENCE_DIR', () => {
  it('is an absolute path outside DATA_DIR/tmp; unset, evidence stays in DATA_DIR/files', () => {
    expect(loadConfig({ DATA_DIR: '/srv/sunshine/data' }).evidenceDir).toBeNull();
    expect(loadConfig({ DATA_DIR: '/srv/sunshine/data', SUNSHINE_EVIDENCE_DIR: '/mnt/evidence/' }).evidenceDir).toBe('/mnt/evidence');
    expect(() => loadConfig({ SUNSHINE_EVIDENCE_DIR: 'evidence' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: '/srv/sunshine/data', SUNSHINE_EVIDENCE_DIR: '/srv/sunshine/data/tmp/evidence' })).toThrow(/SUNSHINE_EVIDENCE_DIR/);
    expect(storageDirs(folder('sunshine-default-store-')).files).toMatch(/[\\/]files$/);
  });

  it('is not created when missing (an unmounted share), so no node writes to a local folder of that name', () => {
    const missing = path.join(folder('sunshine-unmounted-'), 'evidence');
    expect(() => storageDirs(folder('sunshine-node-'), missing)).toThrow(/SUNSHINE_EVIDENCE_DIR .*evidence is not a folder/);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('stores a report\'s photo in the configured folder, and the staff download serves it from there', async () => {
    const store = folder('sunshine-shared-store-');
    const t = await makeApp({ evidenceDir: store });
    try {
      const filed = await fileWithPhoto(t);
      expect(fs.readdirSync(store)).toEqual([filed.storedName]);
      expect(fs.existsSync(path.join(t.dataDir, 'files'))).toBe(false);
      expect(fs.readdirSync(path.join(t.dataDir, 'tmp'))).toEqual([]);

      const handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
      const download = await handler.get(`/staff/reports/${filed.reportId}/files/${filed.id}`);
      expect(download.statusCode).toBe(200);
      // The photo as stored after cleaning: a JPEG, and what the row's hash says.
      expect(download.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      const [row] = await t.app.db.all<{ sha256: string }>(sql`select sha256 from evidence_files where id = ${filed.id}`);
      expect(crypto.createHash('sha256').update(download.rawPayload).digest('hex')).toBe(row!.sha256);

      // Moved away, the file is not served from anywhere else.
      fs.renameSync(path.join(store, filed.storedName), path.join(folder('sunshine-aside-'), filed.storedName));
      const gone = await handler.get(`/staff/reports/${filed.reportId}/files/${filed.id}`).catch((err: Error) => ({ statusCode: 0, err }));
      expect(gone.statusCode).not.toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('the sweep at start, with a store shared by two nodes', () => {
  /** Three hours: a request timeout of two hours plus the margin. */
  const REQUEST_TIMEOUT_S = 2 * 3600;
  let store: string;
  let nodeA: string;
  let nodeB: string;
  let grace: number;

  beforeAll(() => {
    store = folder('sunshine-swept-store-');
    nodeA = folder('sunshine-node-a-');
    nodeB = folder('sunshine-node-b-');
    grace = orphanGraceMs(REQUEST_TIMEOUT_S);
  });

  it('leaves young files without a row and the other node\'s files alone, and removes old ones and its own dead uploads', async () => {
    const abuse = { ...testConfig({ dataDir: nodeA }).abuse, requestTimeoutSeconds: REQUEST_TIMEOUT_S };
    const first = await makeApp({ dataDir: nodeA, evidenceDir: store, abuse });
    const referenced = await fileWithPhoto(first);
    await first.app.close();

    // Node B, uploading right now: its plaintext in its own DATA_DIR/tmp, a file being encrypted, a
    // file written and awaiting its commit (both in B's journal, not A's).
    const dirsB = storageDirs(nodeB, store);
    const plainB = path.join(dirsB.tmp, 'b-upload.upload');
    fs.writeFileSync(plainB, 'plaintext evidence of node B');
    const awaitingCommit = (await encryptIntoStore(dirsB, crypto.randomBytes(32), plainB)).storedName;
    const beingWritten = storedFileAged(store, `${name('c')}.part`, 0);
    // Another node's upload that has lasted almost as long as the request timeout allows: still young.
    const slow = storedFileAged(store, name('d'), REQUEST_TIMEOUT_S * 1000 - 10 * 60_000);
    // Just inside and just outside the grace.
    const inside = storedFileAged(store, name('e'), grace - 10 * 60_000);
    const outside = storedFileAged(store, name('f'), grace + 10 * 60_000);
    const oldPart = storedFileAged(store, `${name('a')}.part`, grace + 10 * 60_000);
    // Not a stored file's name (a mount's own entries): never touched.
    fs.mkdirSync(path.join(store, 'lost+found'));
    const foreign = storedFileAged(store, '.nfs000000000001', 2 * grace);

    // Node A died while encrypting one upload and before committing another: young, but its own.
    const dirsA = storageDirs(nodeA, store);
    const plainA = path.join(dirsA.tmp, 'a-upload.upload');
    fs.writeFileSync(plainA, 'plaintext evidence of node A');
    const ownUncommitted = (await encryptIntoStore(dirsA, crypto.randomBytes(32), plainA)).storedName;
    const journalA = fs.readFileSync(path.join(nodeA, 'evidence-journal'), 'utf8');
    const ownPartName = name('9');
    fs.appendFileSync(path.join(nodeA, 'evidence-journal'), `\n${ownPartName}\n`);
    const ownPart = storedFileAged(store, `${ownPartName}.part`, 0);
    expect(journalA).toContain(ownUncommitted);

    const second = await makeApp({ dataDir: nodeA, evidenceDir: store, abuse });
    try {
      const left = new Set(fs.readdirSync(store));
      // Kept: the referenced file, everything of B, the young files, the names that are not ours.
      for (const kept of [referenced.storedName, awaitingCommit, path.basename(beingWritten), path.basename(slow), path.basename(inside), 'lost+found', path.basename(foreign)]) {
        expect(left.has(kept), kept).toBe(true);
      }
      expect(fs.readFileSync(plainB, 'utf8')).toBe('plaintext evidence of node B');
      // Removed: the old files without a row, A's own dead uploads, A's leftover plaintext.
      for (const removed of [path.basename(outside), path.basename(oldPart), ownUncommitted, path.basename(ownPart)]) {
        expect(left.has(removed), removed).toBe(false);
      }
      expect(fs.readdirSync(path.join(nodeA, 'tmp'))).toEqual([]);
      // The journal was consumed: a later start does not take those names for its own again.
      expect(fs.existsSync(path.join(nodeA, 'evidence-journal'))).toBe(false);
      expect(second.logs()).toMatch(/"temp":1,"own":2,"orphans":2,"young":4/);
    } finally {
      await second.close();
    }

    // B starts later: its own dead upload (in its journal) goes at once, young as it is. (B has a
    // database of its own in this test, so A's filed photo is young and unknown to it: left alone.)
    const b = await makeApp({ dataDir: nodeB, evidenceDir: store, abuse });
    try {
      expect(fs.existsSync(path.join(store, awaitingCommit))).toBe(false);
      expect(fs.existsSync(plainB)).toBe(false);
      expect(fs.existsSync(path.join(store, referenced.storedName))).toBe(true);
      expect(fs.existsSync(inside)).toBe(true);
    } finally {
      await b.close();
    }
  });
});

describe.skipIf(onPostgres)('backup and restore with a configured store', () => {
  it('backs up the files of the configured folder and restores them into the folder named for them', async () => {
    const store = folder('sunshine-backed-store-');
    const t = await makeApp({ evidenceDir: store });
    try {
      const filed = await fileWithPhoto(t);
      const to = path.join(folder('sunshine-backup-'), 'b');
      const masterKey = Buffer.from(fs.readFileSync(path.join(t.dataDir, KEY_FILE_NAME), 'utf8').trim(), 'base64');
      const backup = await createBackup({ dataDir: t.dataDir, evidenceDir: store, to, masterKey, appVersion: 'test' });
      expect(backup.manifest.files.map((f) => f.path)).toEqual([`files/${filed.storedName}`]);
      expect(fs.readFileSync(path.join(to, 'files', filed.storedName))).toEqual(fs.readFileSync(path.join(store, filed.storedName)));

      const target = path.join(folder('sunshine-restored-'), 'data');
      const restoredStore = path.join(folder('sunshine-restored-store-'), 'evidence');
      const restored = await restoreBackup({ from: to, dataDir: target, evidenceDir: restoredStore, masterKey, writeKeyFile: false });
      expect(restored.checkedFile).toBe(filed.storedName);
      expect(fs.readdirSync(restoredStore)).toEqual([filed.storedName]);
      expect(fs.existsSync(path.join(target, 'files'))).toBe(false);
    } finally {
      await t.close();
    }
  });
});
