// Done-when of issue 24's SMS part: a real-name reporter who gave a mobile number on the form gets a
// text in the outbox at acceptance, extension, answer and review deadline approaching — once each —
// and an anonymous reporter (and a real-name one without a mobile number) never does. The number is
// nowhere in the database in clear (every file of the SQLite data folder, or a pg_dump) nor in the logs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../src/db/transaction.js';
import { reports } from '../../src/reports/tables.js';
import { staffContext, type StaffContext } from '../../src/plugins/auth.js';
import { findReport, runReporterSmsSweep, workflow, type Report } from '../../src/reports/index.js';
import { markAnswerOpened } from '../../src/reports/tracking.js';
import { smsOutboxDir, smsText } from '../../src/sms/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { approvedBySecondLead } from '../helpers/four-eyes.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createStaff } from '../helpers/staff.js';
import { reportFields } from '../reports/fixtures.js';

const MOBILE = '13987654321';
let t: TestApp;
let county: StaffContext;

beforeAll(async () => {
  t = await makeApp();
  county = staffContext((await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead'])).user, (await findUnitByKey(t.app.db, 'ca:220102'))!);
});
afterAll(() => t.close());

/** Files through the public form; returns the new report. */
async function file(fields: Record<string, string>): Promise<Report> {
  const form = await openForm(t.app, '/report');
  const body = await multipart({ submission_id: form.hidden.submission_id!, ...fields });
  const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.5' });
  expect(res.statusCode).toBe(200);
  const caseNo = /JL\d{4}-\d{6}/.exec(res.body)![0];
  const row = await query(t.app.db, (q) => q.select({ id: reports.id }).from(reports).where(eq(reports.caseNo, caseNo)).get());
  return (await findReport(t.app.db, row!.id))!;
}

type OutboxText = { to: string; text: string };
const outbox = (): OutboxText[] => {
  const dir = smsOutboxDir(t.dataDir);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as OutboxText);
};
const textsAbout = (r: Report) => outbox().filter((m) => m.text.includes(r.caseNo));

/** Accepts, assigns, starts, extends, answers and lets the reporter open the answer, sweeping after each step. */
async function lifeCycle(report: Report, base: number, sweep: (at: number) => Promise<void>): Promise<Report> {
  let r = await workflow.accept(t.app.deps, county, report, base + 3600_000);
  await sweep(base + 3660_000);
  r = await workflow.assign(t.app.deps, county, r, { unitId: county.unit.id, assigneeId: county.user.id, due: r.handlingDue! }, base + 7200_000);
  r = await workflow.start(t.app.deps, county, r, base + 7300_000);
  r = await workflow.requestExtension(t.app.deps, county, r, 20, '需要入户核查多户家庭的收入。', base + 7400_000);
  r = await workflow.decideExtension(t.app.deps, county, r, true, base + 7500_000);
  await sweep(base + 7560_000);
  r = await workflow.draftConclusion(t.app.deps, county, r, 'partly', '经核查，反映的情况部分属实，已责令村委会重新评议。', base + 10_800_000);
  r = await approvedBySecondLead(t.app, r, base + 10_900_000);
  await sweep(base + 10_960_000);
  return markAnswerOpened(t.app.deps, r, base + 14_400_000);
}

describe('texts to a real-name reporter', () => {
  it('reach the outbox at acceptance, extension, answer and review deadline, once each, and never for an anonymous reporter', async () => {
    const form = await openForm(t.app, '/report');
    expect(form.html).toContain('name="reporter_mobile"');
    const named = await file(reportFields({ identity_mode: 'real_name', reporter_name: '李秀兰', reporter_phone: '0431-88881234', reporter_mobile: `+86 ${MOBILE.slice(0, 3)} ${MOBILE.slice(3, 7)} ${MOBILE.slice(7)}` }));
    const anonymous = await file(reportFields());
    const noMobile = await file(reportFields({ identity_mode: 'real_name', reporter_name: '张桂芝', reporter_phone: '13600001111' }));
    const base = Date.now();
    const sweeps: number[] = [];
    const sweep = async (at: number) => {
      sweeps.push((await runReporterSmsSweep(t.app.deps, at)).sent);
    };
    for (const r of [named, anonymous, noMobile]) await lifeCycle(r, base, sweep);
    // The review window runs 30 days from the answer's first opening: nothing yet, then one text 3 days before its end.
    await sweep(base + 5 * 86_400_000);
    await sweep(base + 28 * 86_400_000);
    await sweep(base + 29 * 86_400_000);

    expect(textsAbout(named)).toEqual(
      (['accepted', 'extended', 'answered', 'review_due'] as const).map((kind) => ({ to: MOBILE, text: smsText('zh-CN', kind, named.caseNo, new URL(t.config.baseUrl).host), sentAt: expect.any(String) })),
    );
    // The text names the site's address, where the villager enters the query code.
    expect(textsAbout(named)[0]!.text).toContain(`${new URL(t.config.baseUrl).host}/track`);
    expect(textsAbout(anonymous)).toEqual([]);
    expect(textsAbout(noMobile)).toEqual([]);
    expect(outbox()).toHaveLength(4);
    expect(sweeps.reduce((a, b) => a + b, 0)).toBe(4);

    // The number is nowhere in the database in clear, nor in the logs.
    const needles = [Buffer.from(MOBILE), Buffer.from(MOBILE, 'utf16le')];
    if (t.config.databaseUrl) {
      const dump = execFileSync('pg_dump', ['--data-only', t.config.databaseUrl], { maxBuffer: 512 * 1024 * 1024 });
      for (const n of needles) expect(dump.includes(n)).toBe(false);
      expect(dump.includes(Buffer.from('13600001111'))).toBe(false); // the identity's phone neither
    }
    const outboxDir = smsOutboxDir(t.dataDir);
    const files = (fs.readdirSync(t.dataDir, { recursive: true }) as string[]).map((f) => path.join(t.dataDir, f)).filter((f) => !f.startsWith(outboxDir) && fs.statSync(f).isFile());
    expect(files.some((f) => f.endsWith('.db') || f.endsWith('.sqlite') || t.config.databaseUrl)).toBe(true);
    for (const f of files) for (const n of needles) expect(fs.readFileSync(f).includes(n), f).toBe(false);
    expect(t.logs()).not.toContain(MOBILE);
    expect(t.logs()).not.toContain(MOBILE.slice(3));
  });

  it('brings the form back for a number that is not a mainland mobile, keeping what was typed', async () => {
    const form = await openForm(t.app, '/report');
    const body = await multipart({ submission_id: form.hidden.submission_id!, ...reportFields({ identity_mode: 'real_name', reporter_name: '李秀兰', reporter_phone: '0431-88881234', reporter_mobile: '12345678901' }) });
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.5' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请填11位手机号');
    expect(res.body).toContain('value="12345678901"');
  });
});
