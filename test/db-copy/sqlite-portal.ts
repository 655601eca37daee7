// Builds an SQLite portal for the copy test (test/db-copy/copy.test.ts), in a process of its own
// without DATABASE_URL, since a process's tables are built for one engine: reports filed through the
// form with their receipts (query codes), evidence files downloaded by staff, and audit entries up to
// the number asked. Prints what the PostgreSQL side must find again, as one JSON line.
//
//   npx tsx test/db-copy/sqlite-portal.ts DATA_DIR AUDIT_ENTRIES
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { record } from '../../src/audit/index.js';
import { makeApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn } from '../helpers/staff.js';
import { jpegWith, exifSegment } from '../evidence/media/builders.js';
import { reportFields } from '../reports/fixtures.js';

const [dataDir, auditEntries] = process.argv.slice(2);
if (!dataDir || !auditEntries) throw new Error('usage: sqlite-portal.ts DATA_DIR AUDIT_ENTRIES');
const t = await makeApp({ dataDir });
const receipts: { code: string; reportId: number }[] = [];
for (let i = 0; i < 6; i++) {
  const form = await openForm(t.app, '/report');
  const files = i % 2 === 0 ? [{ name: 'evidence', filename: `照片${i}.jpg`, content: jpegWith(exifSegment()), type: 'image/jpeg' }] : [];
  const body = await multipart({ submission_id: form.hidden.submission_id!, ...reportFields({ description: `第${i + 1}件：村主任把亲戚评成低保户，家里有拖拉机。` }) }, files);
  const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.7' });
  const code = /class="query-code"[^>]*>(\d{4} \d{4} \d{4} \d{4})</.exec(res.body)?.[1];
  if (res.statusCode !== 200 || !code) throw new Error(`filing ${i}: ${res.statusCode}`);
  const { id } = (await t.app.db.get<{ id: number }>(sql`select id from reports order by id desc limit 1`))!;
  receipts.push({ code, reportId: id });
}
const intake = await createStaff(t.app, 'ca:220102', ['intake']);
const staff = await signIn(t.app, intake);
const files: { reportId: number; fileId: number; sha256: string }[] = [];
for (const f of await t.app.db.all<{ id: number; owner_id: number }>(sql`select id, owner_id from evidence_files order by id`)) {
  const res = await staff.get(`/staff/reports/${f.owner_id}/files/${f.id}`);
  if (res.statusCode !== 200) throw new Error(`download ${f.id}: ${res.statusCode}`);
  files.push({ reportId: f.owner_id, fileId: f.id, sha256: crypto.createHash('sha256').update(res.rawPayload).digest('hex') });
}
const key = t.app.keys['audit-mac'];
const have = async () => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log`))!.n;
for (let n = await have(), i = 0; n < Number(auditEntries); n++, i++) {
  // Every kind of actor, with and without detail, so that each column's types are crossed.
  const actor = i % 3 === 0 ? ({ type: 'staff', id: intake.user.id } as const) : i % 3 === 1 ? ({ type: 'system' } as const) : ({ type: 'reporter' } as const);
  await record(t.app.db, key, { actor, action: 'test.copy', object: { type: 'report', id: receipts[i % receipts.length]!.reportId }, ...(i % 2 ? { detail: { step: i, 说明: '迁移' } } : {}) }, Date.now() - i * 1000);
}
const counts = await t.app.db.get<{ audit: number; reports: number; search: number }>(
  sql`select (select count(*) from audit_log) as audit, (select count(*) from reports) as reports, (select count(*) from search_index_report) as search`,
);
await t.app.close();
process.stdout.write(`${JSON.stringify({ receipts, files, counts })}\n`);
