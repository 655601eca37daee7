import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { archiveDue, listArchives, record } from '../../src/audit/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';

let t: TestApp;
let province: Session, county: Session;
let countyUser: TestStaff, otherCountyUser: TestStaff;
const AUDIT = '/staff/admin/audit';

async function log(actorId: number, action: string, object: { type: string; id: string | number }, at = Date.now()) {
  return await record(t.app.db, t.app.keys['audit-mac'], { actor: { type: 'staff', id: actorId }, action, object }, at);
}

/** Entry ids shown on an audit page, in order. */
function ids(body: string): number[] {
  return [...body.matchAll(/<tr>\s*<td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
}

beforeAll(async () => {
  t = await makeApp();
  province = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['audit_admin']));
  county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['audit_admin']));
  countyUser = await createStaff(t.app, 'gov:220102001', ['handler'], { displayName: '南岭助理' });
  otherCountyUser = await createStaff(t.app, 'ca:220103', ['handler'], { displayName: '朝阳承办' });
});
afterAll(() => t.close());

describe('audit browsing', () => {
  it('filters by action prefix, actor, object and date, newest first', async () => {
    const a = await log(countyUser.user.id, 'test.alpha.one', { type: 'report', id: 41 });
    const b = await log(countyUser.user.id, 'test.alpha.two', { type: 'report', id: 42 });
    const c = await log(countyUser.user.id, 'test.beta', { type: 'user', id: 41 });
    const byPrefix = await county.get(`${AUDIT}?action=test.alpha`);
    expect(byPrefix.statusCode).toBe(200);
    expect(ids(byPrefix.body)).toEqual([b.id, a.id]);
    // "%" and "_" in a prefix are literal characters, not wildcards.
    expect(ids((await county.get(`${AUDIT}?action=test_alpha`)).body)).toEqual([]);

    expect(ids((await county.get(`${AUDIT}?action=test.&object_type=report&object_id=41`)).body)).toEqual([a.id]);
    expect(ids((await county.get(`${AUDIT}?action=test.&actor=${encodeURIComponent('南岭助理')}`)).body)).toEqual([c.id, b.id, a.id]);
    expect(ids((await county.get(`${AUDIT}?action=test.&actor=${countyUser.user.id}`)).body)).toEqual([c.id, b.id, a.id]);
    expect(ids((await county.get(`${AUDIT}?action=test.&actor=${encodeURIComponent('没有这个人')}`)).body)).toEqual([]);

    // Dates are China calendar dates: 23:30 in Beijing on 10 March is still 10 March.
    const late = await log(countyUser.user.id, 'test.dated', { type: 'report', id: 1 }, Date.parse('2025-03-10T23:30:00+08:00'));
    expect(ids((await county.get(`${AUDIT}?action=test.dated&from=2025-03-10&to=2025-03-10`)).body)).toEqual([late.id]);
    expect(ids((await county.get(`${AUDIT}?action=test.dated&from=2025-03-11`)).body)).toEqual([]);
    expect(ids((await county.get(`${AUDIT}?action=test.dated&to=2025-03-09`)).body)).toEqual([]);
    const page = await county.get(`${AUDIT}?action=test.dated`);
    expect(page.body).toContain('2025-03-10 23:30');
    expect(page.body).toContain('南岭助理');
  });

  it('shows a county administrator only entries by users of its scope; the province sees all', async () => {
    const mine = await log(countyUser.user.id, 'test.scope', { type: 'report', id: 1 });
    const other = await log(otherCountyUser.user.id, 'test.scope', { type: 'report', id: 2 });
    const system = await record(t.app.db, t.app.keys['audit-mac'], { actor: { type: 'system' }, action: 'test.scope', object: { type: 'report', id: 3 } });
    expect(ids((await county.get(`${AUDIT}?action=test.scope`)).body)).toEqual([mine.id]);
    expect(ids((await county.get(`${AUDIT}?action=test.scope&actor=${otherCountyUser.user.id}`)).body)).toEqual([]);
    expect(ids((await province.get(`${AUDIT}?action=test.scope`)).body)).toEqual([system.id, other.id, mine.id]);
    expect(ids((await province.get(`${AUDIT}?action=test.scope&actor_type=system`)).body)).toEqual([system.id]);
  });

  it('pages 100 at a time by id, without gaps or repeats', async () => {
    const written: number[] = [];
    for (let i = 0; i < 150; i++) written.push((await log(countyUser.user.id, 'test.page', { type: 'report', id: i })).id);
    const first = await county.get(`${AUDIT}?action=test.page`);
    const page1 = ids(first.body);
    expect(page1).toHaveLength(100);
    const next = /href="([^"]+)" rel="next"/.exec(first.body)?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(next).toContain('before=');
    expect(next).toContain('action=test.page');
    const second = await county.get(next!);
    const page2 = ids(second.body);
    expect(page2).toHaveLength(50);
    expect(second.body).not.toContain('rel="next"');
    expect([...page1, ...page2]).toEqual([...written].reverse());
  });

  it('verifies the chain and finds a tampered entry', async () => {
    const ok = await county.post(`${AUDIT}/verify`, {}, AUDIT);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toMatch(/日志链完整：共校验 \d+ 条记录/);
    expect(ok.body).toContain('链头：第');

    const target = await log(countyUser.user.id, 'test.tamper', { type: 'report', id: 7 });
    await t.app.db.run(sql`update audit_log set object_id = '8' where id = ${target.id}`);
    const broken = await province.post(`${AUDIT}/verify`, {}, AUDIT);
    expect(broken.statusCode).toBe(200);
    expect(broken.body).toContain(`日志链在第 ${target.id} 条记录处断开（记录内容与校验码不符）`);
    // The verification itself is audited, with its result.
    const entry = await t.app.db.get<{ result: string }>(sql`select result from audit_log where action = 'audit.verify' order by id desc limit 1`);
    expect(entry?.result).toBe('broken');
  });
});

describe('audit archives and exports', () => {
  it('lists archives; the top audit administrator downloads one and exports the live log, both audited', async () => {
    // A fresh chain (the test above broke the old one on purpose) whose first two entries are old.
    await t.app.db.run(sql`delete from audit_log`);
    for (const id of [1, 2]) await log(countyUser.user.id, 'test.old', { type: 'report', id }, Date.parse('2024-01-15T12:00:00+08:00'));
    await log(countyUser.user.id, 'test.recent', { type: 'report', id: 3 });
    const [checkpoint] = await archiveDue({ db: t.app.db, key: t.app.keys['audit-mac'], dataDir: t.dataDir, onlineDays: 180 }, Date.parse('2024-09-01T00:00:00+08:00'));
    expect(checkpoint).toMatchObject({ month: '2024-01', count: 2 });
    const archive = (await listArchives(t.app.db))[0]!;

    const page = await province.get(AUDIT);
    expect(page.body).toContain('2024-01');
    expect(page.body).toContain(`href="/staff/admin/audit/archives/${archive.id}"`);
    expect(page.body).toContain('/staff/admin/audit/export.jsonl');
    expect((await county.get(AUDIT)).body).not.toContain('/staff/admin/audit/export.jsonl');

    const file = await province.get(`${AUDIT}/archives/${archive.id}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toContain(archive.fileName);
    expect(file.body).toBe(fs.readFileSync(path.join(t.dataDir, 'audit-archive', archive.fileName), 'utf8'));
    const exported = (await t.app.db.get<{ action: string; object_type: string; detail: string }>(sql`select action, object_type, detail from audit_log order by id desc limit 1`))!;
    expect(exported).toEqual({ action: 'audit.export', object_type: 'audit_archive', detail: JSON.stringify({ what: 'archive', month: '2024-01' }) });

    const live = await province.get(`${AUDIT}/export.jsonl`);
    expect(live.statusCode).toBe(200);
    const lines = live.body.trim().split('\n').map((l) => JSON.parse(l) as { id: number; action: string; mac: string });
    expect(lines[0]!.id).toBe(archive.lastId + 1);
    expect(lines.at(-1)!.action).toBe('audit.export');
    expect(lines.every((l, i) => i === 0 || l.id === lines[i - 1]!.id + 1)).toBe(true);

    // Only the top unit's audit administrator exports; other roles do not reach the routes at all.
    expect((await county.get(`${AUDIT}/export.jsonl`)).statusCode).toBe(403);
    expect((await county.get(`${AUDIT}/archives/${archive.id}`)).statusCode).toBe(403);
    const handler = await signIn(t.app, countyUser, '127.0.4.1');
    expect((await handler.get(`${AUDIT}/export.jsonl`)).statusCode).toBe(403);
    expect((await handler.get(`${AUDIT}/archives/${archive.id}`)).statusCode).toBe(403);
    expect((await province.get(`${AUDIT}/archives/999`)).statusCode).toBe(404);
  });

  it('offers each archive\'s SM2 signature (.sig) beside it, and lists months without one after verification', async () => {
    const archive = (await listArchives(t.app.db))[0]!;
    const sigFile = path.join(t.dataDir, 'audit-archive', `${archive.fileName}.sig`);
    const page = await province.get(AUDIT);
    expect(page.body).toContain(`href="/staff/admin/audit/archives/${archive.id}/signature"`);
    expect(page.body).toContain('href="/.well-known/sunshine-sm2.pem"');
    expect(page.body).toContain(`-sigfile audit-YYYY-MM.jsonl.sig`);

    const sig = await province.get(`${AUDIT}/archives/${archive.id}/signature`);
    expect(sig.statusCode).toBe(200);
    expect(sig.headers['content-disposition']).toBe(`attachment; filename="${archive.fileName}.sig"`);
    expect(sig.rawPayload.equals(fs.readFileSync(sigFile))).toBe(true);
    const exported = (await t.app.db.get<{ action: string; detail: string; result: string }>(sql`select action, detail, result from audit_log order by id desc limit 1`))!;
    expect(exported).toEqual({ action: 'audit.export', detail: JSON.stringify({ what: 'signature', month: '2024-01' }), result: 'ok' });
    expect((await county.get(`${AUDIT}/archives/${archive.id}/signature`)).statusCode).toBe(403);
    expect((await province.get(`${AUDIT}/archives/999/signature`)).statusCode).toBe(404);

    const signed = await province.post(`${AUDIT}/verify`, {}, AUDIT);
    expect(signed.body).toContain('另用本系统公钥校验了 1 个存档的国密（SM2）签名');
    expect(signed.body).not.toContain('id="verify-unsigned"');

    // Without its signature the only archive reads as one from before signatures: listed, not a failure.
    const original = fs.readFileSync(sigFile);
    fs.rmSync(sigFile);
    try {
      const unsigned = await province.post(`${AUDIT}/verify`, {}, AUDIT);
      expect(unsigned.body).toContain('<div class="notice ok" role="status" id="verify-result">');
      expect(unsigned.body).not.toContain('存档校验失败');
      expect(unsigned.body).toMatch(/id="verify-unsigned"><p>以下月份的存档没有签名[^<]*<\/p>\s*<ul><li>2024-01<\/li><\/ul>/);
      expect(unsigned.body).not.toContain(`/archives/${archive.id}/signature"`);
      expect(unsigned.body).toContain('没有签名文件（.sig）');
      expect((await province.get(`${AUDIT}/archives/${archive.id}/signature`)).statusCode).toBe(404);
    } finally {
      fs.writeFileSync(sigFile, original, { mode: 0o600 });
    }
  });

  it('verification reports a deleted newest archive and staff entries show their terminal', async () => {
    const archive = (await listArchives(t.app.db)).at(-1)!;
    fs.rmSync(path.join(t.dataDir, 'audit-archive', archive.fileName));
    const missing = await province.post(`${AUDIT}/verify`, {}, AUDIT);
    expect(missing.body).toContain('2024-01 的存档校验失败（存档文件缺失或无法读取）');
    await t.app.db.run(sql`delete from audit_archives where id = ${archive.id}`);
    const start = await province.post(`${AUDIT}/verify`, {}, AUDIT);
    expect(start.body).toContain('最早的在线记录没有接续最后一个存档');
    expect((await t.app.db.get<{ result: string }>(sql`select result from audit_log where action = 'audit.verify' order by id desc limit 1`))?.result).toBe('broken');
    // The verify entries were made by the audit administrator's request: its terminal is shown.
    expect((await province.get(`${AUDIT}?action=audit.verify`)).body).toMatch(/<td>127\.0\.0\.1<br><small>[^<]*<\/small><\/td>/);
  });
});
