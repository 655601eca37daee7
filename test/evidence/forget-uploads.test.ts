// Undoing an upload after a failed transaction (src/evidence/service.ts forgetUploads). On
// PostgreSQL a COMMIT can fail after the server committed (the connection drops while the answer
// is on its way): the caller sees an error, yet the rows that name the files exist. Removing every
// file of the failed call would then leave committed reports with evidence rows and no files, so
// only files no row names are removed; and if the database cannot be asked, none is (the start-up
// sweep removes true orphans once they are older than its grace).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../src/db/transaction.js';
import { encryptUploads, forgetUploads, linkUploads, orphanGraceMs, storageDirs, sweepOrphanFiles, type CleanFile } from '../../src/evidence/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(async () => {
  await t?.close();
});

function plainFile(name: string): CleanFile {
  const dirs = storageDirs(t.config.dataDir, t.config.evidenceDir);
  fs.mkdirSync(dirs.tmp, { recursive: true });
  const file = path.join(dirs.tmp, name);
  fs.writeFileSync(file, `内容 ${name}`);
  return { path: file, originalName: `${name}.pdf`, size: fs.statSync(file).size, sniff: { mime: 'application/pdf', ext: 'pdf', kind: 'document' }, cleaned: false } as unknown as CleanFile;
}

describe('forgetUploads after a failed transaction', () => {
  it('removes the files no row names and keeps those a committed row names', async () => {
    const dirs = storageDirs(t.config.dataDir, t.config.evidenceDir);
    const uploads = await encryptUploads(dirs, t.app.keys.files, [plainFile('committed'), plainFile('rolled-back')]);
    const [committed, rolledBack] = uploads;
    // The transaction committed, but its caller was told it failed (an uncertain COMMIT).
    await withTransaction(t.app.db, (tx) => linkUploads(tx, t.app.keys.identity, [committed!], { type: 'report', id: 1 }, { type: 'reporter' }, Date.now()));
    await forgetUploads(dirs, uploads, t.app.db);
    expect(fs.existsSync(path.join(dirs.files, committed!.stored.storedName))).toBe(true);
    expect(fs.existsSync(path.join(dirs.files, rolledBack!.stored.storedName))).toBe(false);
  });

  it('keeps every file when the database cannot say which are named', async () => {
    const dirs = storageDirs(t.config.dataDir, t.config.evidenceDir);
    const uploads = await encryptUploads(dirs, t.app.keys.files, [plainFile('unknown')]);
    const unreachable = new Proxy(t.app.db, {
      get(target, prop, receiver) {
        if (prop === 'select' || prop === 'all' || prop === 'get') return () => { throw new Error('connection terminated'); };
        return Reflect.get(target, prop, receiver);
      },
    });
    await forgetUploads(dirs, uploads, unreachable);
    expect(fs.existsSync(path.join(dirs.files, uploads[0]!.stored.storedName))).toBe(true);
  });
});

describe('the periodic sweep of stored files without a row', () => {
  it('removes a file kept after an uncertain transaction once older than the grace, and nothing younger or named', async () => {
    const dirs = storageDirs(t.config.dataDir, t.config.evidenceDir);
    const [named, kept, young] = await encryptUploads(dirs, t.app.keys.files, [plainFile('named'), plainFile('kept'), plainFile('young')]);
    await withTransaction(t.app.db, (tx) => linkUploads(tx, t.app.keys.identity, [named!], { type: 'report', id: 2 }, { type: 'reporter' }, Date.now()));
    const old = (Date.now() - orphanGraceMs(t.config.abuse.requestTimeoutSeconds) - 60_000) / 1000;
    for (const u of [named!, kept!]) fs.utimesSync(path.join(dirs.files, u.stored.storedName), old, old);
    const swept = await sweepOrphanFiles(t.app.db, dirs, t.config.abuse.requestTimeoutSeconds);
    expect(swept.orphans).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(path.join(dirs.files, named!.stored.storedName))).toBe(true);
    expect(fs.existsSync(path.join(dirs.files, kept!.stored.storedName))).toBe(false);
    expect(fs.existsSync(path.join(dirs.files, young!.stored.storedName))).toBe(true);
  });
});
