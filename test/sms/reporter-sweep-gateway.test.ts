// The reporter SMS sweep through the HTTP adapter and a fake gateway (issue 24): a gateway down
// (5xx) leaves the text for the next sweep, which sends it once; a permanent refusal (4xx) is not
// tried again and is audited as refused; neither error names the number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../src/audit/index.js';
import { staffContext, type StaffContext } from '../../src/plugins/auth.js';
import { fileReport, runReporterSmsSweep, workflow } from '../../src/reports/index.js';
import { httpSmsSender } from '../../src/sms/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff } from '../helpers/staff.js';
import { FakeProvider } from './fake-provider.js';

const provider = new FakeProvider();
let t: TestApp;
let county: StaffContext;
let url: string;

beforeAll(async () => {
  url = await provider.start();
  t = await makeApp();
  county = staffContext((await createStaff(t.app, 'ca:220102', ['intake'])).user, (await findUnitByKey(t.app.db, 'ca:220102'))!);
});
afterAll(async () => {
  await t.close();
  await provider.close();
});

const gateway = () => httpSmsSender({ ...t.config.sms, url, retries: 1, retryMs: 1 });

async function acceptedRealName(mobile: string, now: number) {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '我母亲八十岁独居，申请低保被村里拒收材料。', happenedAt: null, identity: { name: '赵淑芬', phone: mobile, email: '', address: '', mobile } },
    [],
    { channel: 'online', nonce: null, now },
  );
  return workflow.accept(t.app.deps, county, report, now + 1000);
}

describe('reporter texts through a gateway', () => {
  it('sends on the next sweep after a gateway error, once', async () => {
    const now = Date.now();
    const report = await acceptedRealName('13811112222', now);
    provider.answer(503);
    expect(await runReporterSmsSweep(t.app.deps, now + 2000, gateway())).toEqual({ sent: 0, failed: 1 });
    expect(provider.requests).toHaveLength(2); // the first try and one retry
    provider.answer(200);
    expect(await runReporterSmsSweep(t.app.deps, now + 3000, gateway())).toEqual({ sent: 1, failed: 0 });
    const sent = JSON.parse(provider.requests[0]!.body) as { to: string; text: string };
    expect(sent.to).toBe('13811112222');
    // The page's address once the sweep passes config.baseUrl's host to smsText, "本网站" until then.
    const host = new URL(t.app.deps.config.baseUrl).host.replace(/[.]/g, '\\.');
    expect(sent.text).toMatch(new RegExp(`^【阳光救助监督】您的举报${report.caseNo}已受理。请凭查询码到(本网站|${host}/track)「查询办理进度」查看$`));
    expect(await runReporterSmsSweep(t.app.deps, now + 4000, gateway())).toEqual({ sent: 0, failed: 0 });
    expect(provider.requests).toHaveLength(1);
    expect((await entriesFor(t.app.db, 'report', String(report.id))).filter((e) => e.action === 'report.reporter_texted')).toHaveLength(1);
  });

  it('does not try a permanently refused text again', async () => {
    const now = Date.now() + 10_000;
    const report = await acceptedRealName('13933334444', now);
    provider.answer(400);
    expect(await runReporterSmsSweep(t.app.deps, now + 2000, gateway())).toEqual({ sent: 0, failed: 1 });
    expect(provider.requests).toHaveLength(1);
    provider.answer(200);
    // Even after a stale claim's age the refused text stays closed.
    expect(await runReporterSmsSweep(t.app.deps, now + 3600_000, gateway())).toEqual({ sent: 0, failed: 0 });
    expect(provider.requests).toHaveLength(0);
    const audit = (await entriesFor(t.app.db, 'report', String(report.id))).filter((e) => e.action.startsWith('report.reporter_text'));
    expect(audit.map((e) => e.action)).toEqual(['report.reporter_text_refused']);
    expect(t.logs()).not.toContain('13933334444');
  });
});
