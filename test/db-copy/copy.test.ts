// `npm run db:copy` (issue 21): an SQLite portal with receipts, evidence and 1,000 audit entries,
// built in a process of its own (sqlite-portal.ts), copied into a new PostgreSQL database and a
// shared evidence folder; then an app on PostgreSQL tracks every query code, serves every evidence
// file with the same bytes, files a new report (the identities and the case-number sequence continue
// past the copied ones), and `audit:verify` passes. A second copy into the same database is refused.
// Runs in the suite on PostgreSQL (npm run test:pg).
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as verify } from '../../src/cli/audit-verify.js';
import { main as dbCopyCli } from '../../src/cli/db-copy.js';
import { makeApp, tempDir, type TestApp } from '../helpers/app.js';
import { cookiesFrom, multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn } from '../helpers/staff.js';
import { createEmptyTestDatabase, createTestDatabase, dropTestDatabase, suiteDatabaseUrl } from '../helpers/pg-databases.js';
import { capture } from '../cli/helpers.js';
import { CONFIG_VARS } from '../helpers/server.js';
import { reportFields } from '../reports/fixtures.js';

const run = promisify(execFile);
const AUDIT_ENTRIES = 1000;

interface Built {
  receipts: { code: string; reportId: number }[];
  files: { reportId: number; fileId: number; sha256: string }[];
  counts: { audit: number; reports: number; search: number };
}

/** The environment of a process on the SQLite portal: the suite's PostgreSQL settings removed. */
function sqliteEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // The portal's settings are this test's to give (vitest sets BASE_URL=/ for its own use); the template database stays.
  for (const [k, v] of Object.entries(process.env)) if (!CONFIG_VARS.test(k) || k === 'SUNSHINE_TEMPLATE_DB') env[k] = v;
  return { ...env, DATA_DIR: dataDir, SUNSHINE_LOG_LEVEL: 'silent' };
}

async function dbCopy(dataDir: string, to: string, evidenceDir: string): Promise<{ code: number; text: string }> {
  try {
    const r = await run('npx', ['tsx', 'src/cli/db-copy.ts', '--to', to, '--evidence-dir', evidenceDir], { env: sqliteEnv(dataDir), maxBuffer: 1 << 24 });
    return { code: 0, text: `${r.stdout}${r.stderr}` };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, text: `${e.stdout}${e.stderr}` };
  }
}

describe.skipIf(!suiteDatabaseUrl)('db:copy, SQLite to PostgreSQL', () => {
  let source: string;
  let evidence: string;
  let target: string;
  let built: Built;
  let masterKey: string;
  let t: TestApp;

  beforeAll(async () => {
    source = tempDir('sunshine-copy-source-');
    evidence = tempDir('sunshine-copy-evidence-');
    const out = await run('npx', ['tsx', 'test/db-copy/sqlite-portal.ts', source, String(AUDIT_ENTRIES)], { env: sqliteEnv(source), maxBuffer: 1 << 24 });
    built = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as Built;
    masterKey = fs.readFileSync(path.join(source, 'master.key'), 'utf8').trim();
    target = await createEmptyTestDatabase();
  }, 240_000);
  const others: string[] = [];
  const scratchDirs: string[] = [];
  const scratch = (prefix: string) => {
    const dir = tempDir(prefix);
    scratchDirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await t?.close();
    if (target) await dropTestDatabase(target);
    for (const url of others) await dropTestDatabase(url);
    for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
    for (const dir of [source, evidence]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table, verifies the audit chain on both sides, and refuses a second copy', async () => {
    expect(built.counts.audit).toBe(AUDIT_ENTRIES);
    expect(built.files.length).toBe(3);
    const copied = await dbCopy(source, target, evidence);
    expect(copied.code, copied.text).toBe(0);
    expect(copied.text).toContain(`the SQLite audit chain verifies: ${AUDIT_ENTRIES} live entries`);
    expect(copied.text).toContain(`the copied audit chain verifies: ${AUDIT_ENTRIES} live entries`);
    expect(copied.text).toMatch(/evidence files: 3 copied to /);
    expect(fs.readdirSync(evidence).sort()).toHaveLength(3);
    // The master key is named, never printed.
    expect(copied.text).not.toContain(masterKey);

    const again = await dbCopy(source, target, evidence);
    expect(again.code).toBe(2);
    expect(again.text).toMatch(/^db:copy refused: the target database is not empty/m);
  }, 240_000);

  it('serves the copy on PostgreSQL: every code tracks, evidence has the same bytes, new filings continue, audit:verify passes', async () => {
    const dataDir = tempDir('sunshine-copy-node-');
    t = await makeApp({ dataDir, databaseUrl: target, evidenceDir: evidence, masterKey: Buffer.from(masterKey, 'base64') });

    for (const { code } of built.receipts) {
      const form = await openForm(t.app, '/track');
      const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: '10.2.3.4', payload: { _csrf: form.csrf, code } });
      expect(res.headers.location, `query code ${code}`).toBe('/track/report');
      const page = await t.app.inject({ url: '/track/report', cookies: cookiesFrom(res, form.cookies) });
      expect(page.statusCode).toBe(200);
    }

    const staff = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake'], { username: 'after.copy' }));
    for (const f of built.files) {
      const res = await staff.get(`/staff/reports/${f.reportId}/files/${f.fileId}`);
      expect(res.statusCode).toBe(200);
      expect(crypto.createHash('sha256').update(res.rawPayload).digest('hex')).toBe(f.sha256);
    }

    // The search tables came over as tsvectors: a two-character word of the copied reports is found.
    const found = await t.app.db.get<{ n: number }>(sql`select count(*) as n from search_index_report where body @@ to_tsquery('simple', '低保')`);
    expect(found!.n).toBe(built.counts.search);
    // The copy gathered the planner's statistics (ANALYZE): without them a common word's newest
    // matches were read through the GIN index and sorted (≈ 700 ms at 200,000 reports, issue 22).
    for (const table of ['reports', 'search_index_report', 'audit_log']) {
      const stats = await t.app.db.get<{ n: number }>(sql`select count(*) as n from pg_statistic s join pg_class c on c.oid = s.starelid where c.relname = ${table}`);
      expect(Number(stats!.n), table).toBeGreaterThan(0);
    }

    // Identities and the case-number sequence continue past the copied rows.
    const form = await openForm(t.app, '/report');
    const body = await multipart({ submission_id: form.hidden.submission_id!, ...reportFields() });
    const filed = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.8' });
    expect(filed.statusCode).toBe(200);
    const newest = (await t.app.db.get<{ id: number; case_no: string }>(sql`select id, case_no from reports order by id desc limit 1`))!;
    expect(newest.id).toBe(built.counts.reports + 1);

    const checked = capture();
    const env = { DATA_DIR: dataDir, SUNSHINE_LOG_LEVEL: 'silent', DATABASE_URL: target, SUNSHINE_MASTER_KEY: masterKey };
    expect(await verify([], env, checked), checked.text()).toBe(0);
    expect(checked.stdout[0]).toMatch(/^audit chain ok: \d+ entries$/);
    expect(Number(/(\d+) entries/.exec(checked.stdout[0]!)![1])).toBeGreaterThan(AUDIT_ENTRIES);
  }, 120_000);

  it('refuses a started target, a source of another version, DATABASE_URL; a failure half-way leaves no rows and no copied file', async () => {
    // A database a node has started on (reference data installed) is not empty.
    const started = await createTestDatabase();
    others.push(started);
    const onStarted = await dbCopy(source, started, scratch('sunshine-copy-none-'));
    expect(onStarted.code).toBe(2);
    expect(onStarted.text).toMatch(/^db:copy refused: the target database is not empty \(rows in /m);

    const withUrl = capture();
    expect(await dbCopyCli(['--to', target], { DATA_DIR: source, DATABASE_URL: target }, withUrl)).toBe(2);
    expect(withUrl.text()).toContain('DATABASE_URL is set');

    /** A copy of the SQLite portal with one change made to its database. */
    const changedSource = (change: string): string => {
      const dir = scratch('sunshine-copy-changed-');
      fs.cpSync(source, dir, { recursive: true });
      const db = new Database(path.join(dir, 'sunshine.db'));
      db.exec(change);
      db.close();
      return dir;
    };
    const empty = await createEmptyTestDatabase();
    others.push(empty);
    const older = changedSource('delete from __drizzle_migrations where rowid = (select max(rowid) from __drizzle_migrations)');
    const refused = await dbCopy(older, empty, scratch('sunshine-copy-none-'));
    expect(refused.code).toBe(2);
    expect(refused.text).toMatch(/migrations: start the portal once on it/);

    const edited = changedSource("update audit_log set result = 'denied' where id = 500");
    const broken = await dbCopy(edited, empty, scratch('sunshine-copy-none-'));
    expect(broken.code).toBe(1);
    expect(broken.text).toContain('the audit chain of the SQLite database breaks at entry 500 (mac)');

    // A moment that is no number in one users row: the tables copied before it are undone with it, and so are the copied files.
    const bad = changedSource("update users set created_at = 'yesterday' where id = (select max(id) from users)");
    const store = scratch('sunshine-copy-store-');
    const failed = await dbCopy(bad, empty, store);
    expect(failed.code, failed.text).toBe(1);
    expect(failed.text).toMatch(/db:copy FAILED: users\.created_at \(rowid \d+, column \d+\): "yesterday" does not fit timestamp with time zone/);
    expect(fs.readdirSync(store)).toEqual([]);
    const afterwards = new (await import('pg')).default.Client({ connectionString: empty });
    await afterwards.connect();
    try {
      const { rows } = await afterwards.query<{ n: string }>('select (select count(*) from reports) + (select count(*) from audit_log) + (select count(*) from units) as n');
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await afterwards.end();
    }
    // Empty again, so the copy of the intact portal can follow.
    const retried = await dbCopy(source, empty, store);
    expect(retried.code, retried.text).toBe(0);
  }, 240_000);
});
