// npm run backup / npm run restore: what they refuse (exit 2), what makes them fail (exit 1, leaving
// nothing half done), and the key's handling. In process, on an app's data directory.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as backup } from '../../src/cli/backup.js';
import { main as restore } from '../../src/cli/restore.js';
import { readManifest } from '../../src/backup/index.js';
import { onPostgres } from '../../src/db/engine.js';
import { makeApp, tempDir, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { reportFields } from '../reports/fixtures.js';
import { capture, runCli } from '../cli/helpers.js';
import { bigJpeg } from '../faults/client.js';

let t: TestApp;
let work: string;
let dir: string;
let keyFile: string;
const env = () => ({ DATA_DIR: t.dataDir, SUNSHINE_LOG_LEVEL: 'silent' });

beforeAll(async () => {
  t = await makeApp();
  work = tempDir('sunshine-backup-cli-');
  for (let i = 0; i < 2; i++) {
    const form = await openForm(t.app, '/report');
    const body = await multipart({ ...reportFields(), submission_id: form.hidden.submission_id! }, [{ name: 'evidence', filename: `a${i}.jpg`, content: bigJpeg(50_000 + i) }]);
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(200);
  }
  // A live session (a staff member signed in): it must not travel in the backup.
  t.app.db.$client.prepare("insert into sessions (sid, expires_at, user_id, data) values ('live-session-id-123', ?, null, '{}')").run(Date.now() + 3_600_000);
  dir = path.join(work, 'backup');
  keyFile = path.join(work, 'key.b64');
  const out = capture();
  expect(await backup(['--to', dir, '--export-key', keyFile], env(), out), out.text()).toBe(0);
});
afterAll(async () => {
  await t.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const run = (cli: typeof backup, argv: string[], environment: Record<string, string | undefined> = env()) => runCli(cli, argv, environment);

// About the SQLite backup file (sunshine.db copied with its pragmas); PostgreSQL's backup is pg_dump.
describe.skipIf(onPostgres)('npm run backup refuses (exit 2) and writes nothing', () => {
  it.each([
    ['no --to', () => []],
    ['an unknown option', () => ['--to', path.join(work, 'x1'), '--key', 'k']],
    ['a non-empty folder', () => ['--to', dir]],
    ['a folder inside DATA_DIR', () => ['--to', path.join(t.dataDir, 'backup')], 'inside the data directory'],
    ['a folder that holds DATA_DIR (and so its key)', () => ['--to', path.dirname(t.dataDir)], 'which holds the master key'],
    ['--export-key inside the backup folder', () => ['--to', path.join(work, 'x2'), '--export-key', path.join(work, 'x2', 'master.key')], 'Refusing to write the master key'],
    ['--export-key over an existing file', () => ['--to', path.join(work, 'x3'), '--export-key', keyFile], 'already exists'],
  ])('%s', async (_name, argv, message?: string) => {
    const args = argv();
    const before = fs.readdirSync(work).sort();
    const result = await run(backup, args);
    expect(result.code, result.text).toBe(2);
    if (message) expect(result.text).toContain(message);
    expect(fs.readdirSync(work).sort()).toEqual(before);
    expect(fs.existsSync(path.join(t.dataDir, 'backup'))).toBe(false);
  });

  it('says so for the key inside the backup, and without a database', async () => {
    const inside = await run(backup, ['--to', path.join(work, 'x4'), '--export-key', path.join(work, 'x4', 'sub', 'k')]);
    expect(inside.text).toContain('Refusing to write the master key into the backup folder');
    const empty = tempDir();
    const none = await run(backup, ['--to', path.join(work, 'x5')], { DATA_DIR: empty });
    expect(none.code).toBe(2);
    expect(none.text).toContain('No database');
    expect(fs.existsSync(path.join(empty, 'master.key'))).toBe(false);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});

// About the SQLite backup file (sunshine.db copied with its pragmas); PostgreSQL's backup is pg_dump.
describe.skipIf(onPostgres)('npm run backup fails loudly (exit 1)', () => {
  it('when a file the database references is missing, and leaves no partial backup', async () => {
    const stored = fs.readdirSync(path.join(t.dataDir, 'files'))[0]!;
    const aside = path.join(work, 'aside');
    fs.renameSync(path.join(t.dataDir, 'files', stored), aside);
    try {
      const target = path.join(work, 'incomplete');
      const result = await run(backup, ['--to', target]);
      expect(result.code).toBe(1);
      expect(result.text).toContain(`missing from ${path.join(t.dataDir, 'files')}: ${stored}`);
      expect(fs.existsSync(target)).toBe(false);
    } finally {
      fs.renameSync(aside, path.join(t.dataDir, 'files', stored));
    }
  });
});

// About the SQLite backup file (sunshine.db copied with its pragmas); PostgreSQL's backup is pg_dump.
describe.skipIf(onPostgres)('the backup', () => {
  it('holds the database, the referenced files and a manifest, never the key or a session', async () => {
    expect(fs.readdirSync(dir).sort()).toEqual(['files', 'manifest.json', 'sunshine.db']);
    const manifest = readManifest(dir);
    expect(manifest.counts.reports).toBe(2);
    expect(manifest.files).toHaveLength(2);
    expect(manifest.keyFingerprint).toMatch(/^[0-9a-f]{32}$/);
    const key = fs.readFileSync(keyFile, 'utf8').trim();
    expect(key).toBe(fs.readFileSync(path.join(t.dataDir, 'master.key'), 'utf8').trim());
    expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).not.toContain(key);
    const copy = new Database(path.join(dir, 'sunshine.db'), { readonly: true });
    expect(copy.prepare('select count(*) as n from sessions').get()).toEqual({ n: 0 });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.close();
    expect(fs.readFileSync(path.join(dir, 'sunshine.db')).includes(Buffer.from('live-session-id-123'))).toBe(false);
  });
});

// About the SQLite backup file (sunshine.db copied with its pragmas); PostgreSQL's backup is pg_dump.
describe.skipIf(onPostgres)('npm run restore', () => {
  const target = () => path.join(work, `restore-${Math.random().toString(36).slice(2)}`);

  it('restores with --key-env and --no-key-file, and refuses a non-empty target (exit 2)', async () => {
    const into = target();
    const ok = await run(restore, ['--from', dir, '--key-env', 'BACKUP_KEY', '--data-dir', into, '--no-key-file'], { BACKUP_KEY: fs.readFileSync(keyFile, 'utf8') });
    expect(ok.code, ok.text).toBe(0);
    expect(fs.existsSync(path.join(into, 'master.key'))).toBe(false);
    expect(ok.text).toContain('SUNSHINE_MASTER_KEY');
    const again = await run(restore, ['--from', dir, '--key', keyFile, '--data-dir', into]);
    expect(again.code).toBe(2);
    expect(again.text).toContain('not empty');
  });

  it.each([
    ['no key', (into: string) => ['--from', dir, '--data-dir', into]],
    ['two keys', (into: string) => ['--from', dir, '--key', keyFile, '--key-env', 'X', '--data-dir', into]],
    ['an unset key variable', (into: string) => ['--from', dir, '--key-env', 'NOT_SET_ANYWHERE', '--data-dir', into]],
    ['a folder that is not a backup', (into: string) => ['--from', work, '--key', keyFile, '--data-dir', into]],
    ['a target inside the backup', () => ['--from', dir, '--key', keyFile, '--data-dir', path.join(dir, 'data')]],
  ])('refuses %s (exit 2)', async (_name, argv) => {
    const into = target();
    const result = await run(restore, argv(into), {});
    expect(result.code, result.text).toBe(2);
    expect(fs.existsSync(into)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('fails (exit 1) with a wrong key, and restores nothing', async () => {
    const wrong = path.join(work, 'wrong.key');
    fs.writeFileSync(wrong, Buffer.alloc(32, 9).toString('base64'));
    const into = target();
    const result = await run(restore, ['--from', dir, '--key', wrong, '--data-dir', into]);
    expect(result.code).toBe(1);
    expect(result.text).toContain('does not belong to this backup');
    expect(fs.existsSync(into)).toBe(false);
  });

  it('fails (exit 1) on a changed file, and leaves an existing empty target empty', async () => {
    const copy = path.join(work, 'tampered');
    fs.cpSync(dir, copy, { recursive: true });
    const name = fs.readdirSync(path.join(copy, 'files'))[0]!;
    const file = path.join(copy, 'files', name);
    const bytes = fs.readFileSync(file);
    bytes[40] = bytes[40]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const into = target();
    fs.mkdirSync(into);
    const result = await run(restore, ['--from', copy, '--key', keyFile, '--data-dir', into]);
    expect(result.code).toBe(1);
    expect(result.text).toContain(`files/${name} does not match the manifest`);
    expect(fs.readdirSync(into)).toEqual([]);
  });

  it('fails (exit 1) when the key opens nothing: a manifest without fingerprint and a wrong key', async () => {
    const copy = path.join(work, 'no-fingerprint');
    fs.cpSync(dir, copy, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(copy, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(copy, 'manifest.json'), JSON.stringify({ ...manifest, keyFingerprint: null }));
    const wrong = path.join(work, 'wrong2.key');
    fs.writeFileSync(wrong, Buffer.alloc(32, 5).toString('base64'));
    const into = target();
    const result = await run(restore, ['--from', copy, '--key', wrong, '--data-dir', into]);
    expect(result.code).toBe(1);
    expect(result.text).toMatch(/The key does not open evidence file [0-9a-f]{32}/);
    expect(fs.existsSync(into)).toBe(false);
  });
});
