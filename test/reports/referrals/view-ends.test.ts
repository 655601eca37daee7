// After returning a referral the body no longer sees the case (issue 19 item 11; issue 16 fixed
// visibleReferral): every route by which an inspector reached it, one test each, for the body that
// returned it and the commission above. A concluded referral stays in the body's workspace, but as
// the case stood at 办结, without the way into the report itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChina } from '../../../src/clocks/index.js';
import { referralService as svc } from '../../../src/reports/referrals/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';
import { acceptedFeeReport, REFER_OPINION } from './helpers.js';

let t: TestApp;
let handler: Session, inspector: Session, cityInspector: Session;
let reportId = 0;
let referralId = 0;

beforeAll(async () => {
  t = await makeApp();
  handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler', 'intake', 'lead']));
  inspector = await signIn(t.app, await createStaff(t.app, 'dic:220102', ['inspector']));
  cityInspector = await signIn(t.app, await createStaff(t.app, 'dic:220100', ['inspector']));
  const { id, page } = await acceptedFeeReport(t.app, handler);
  reportId = id;
  await handler.post(`${page}/refer`, REFER_OPINION, page);
  referralId = (await svc.referralsOf(t.app.deps, id))[0]!.id;
  const detail = `/staff/referrals/${referralId}`;
  // While it holds the referral the body opens all of them.
  expect((await inspector.get(detail)).statusCode).toBe(200);
  expect((await inspector.get(`/staff/reports/${id}`)).statusCode).toBe(200);
  expect((await inspector.get(`/staff/reports/${id}/identity`)).statusCode).toBe(200);
  expect((await inspector.post(`${detail}/accept`, {}, detail)).statusCode).toBe(303);
  expect((await inspector.post(`${detail}/return`, { reason: '不属本机关管辖，请移送有管辖权的机关。' }, detail)).statusCode).toBe(303);
});
afterAll(() => t.close());

describe('after the body returned the referral', () => {
  const routes: [string, () => string][] = [
    ['the referral page', () => `/staff/referrals/${referralId}`],
    ['the packet', () => `/staff/referrals/${referralId}/packet`],
    ['the packet ZIP', () => `/staff/referrals/${referralId}/packet.zip`],
    ['the identity request page', () => `/staff/reports/${reportId}/identity`],
    ['the report page (casework relation and scope)', () => `/staff/reports/${reportId}`],
    ['the 移送函 document', () => `/staff/reports/${reportId}/documents/referral`],
  ];
  it.each(routes)('%s answers 404 to the body and to the commission above', async (_label, url) => {
    for (const session of [inspector, cityInspector]) expect((await session.get(url())).statusCode).toBe(404);
  });

  it('no action on the referral or the report is open to it', async () => {
    const detail = `/staff/referrals/${referralId}`;
    for (const [url, body] of [
      [`${detail}/disposition`, { disposition: 'preliminary' }],
      [`${detail}/result`, { detail_kind: 'party:warning', on: todayInChina(), text: '给予党内警告处分。' }],
      [`${detail}/forward`, { body_id: '1', reason: '转交有管辖权的机关。' }],
      [`/staff/reports/${reportId}/identity`, { reason: '需要联系举报人核实情况细节。' }],
    ] as const) {
      expect((await inspector.post(url, body)).statusCode).toBe(404);
    }
  });

  it('the workspace keeps the case number as a record, without a link', async () => {
    const inbox = (await inspector.get('/staff/referrals')).body;
    expect(inbox).not.toContain(`href="/staff/referrals/${referralId}"`);
    expect((await inspector.get('/staff/reports')).body).not.toContain(`/staff/reports/${reportId}"`);
  });
});

describe('a concluded referral', () => {
  it('stays in the workspace as the case stood at 办结: no later timeline, no identity link', async () => {
    const { id, page } = await acceptedFeeReport(t.app, handler);
    await handler.post(`${page}/refer`, REFER_OPINION, page);
    const referral = (await svc.referralsOf(t.app.deps, id))[0]!;
    const detail = `/staff/referrals/${referral.id}`;
    await inspector.post(`${detail}/accept`, {}, detail);
    await inspector.post(`${detail}/result`, { detail_kind: 'party:warning', on: todayInChina(), text: '给予党内警告处分。' }, detail);
    expect((await inspector.post(`${detail}/conclude`, {}, detail)).statusCode).toBe(303);
    // The handler's later work on the case is none of the body's business.
    expect((await handler.post(`${page}/message`, { body: '内部记录：已约谈村会计的家属核实情况。', internal: '1' }, page)).statusCode).toBe(303);
    const shown = await inspector.get(detail);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('给予党内警告处分。');
    expect(shown.body).not.toContain('已约谈村会计的家属');
    expect(shown.body).not.toContain(`/staff/reports/${id}/identity`);
    expect((await inspector.get(`${detail}/packet`)).body).not.toContain('已约谈村会计的家属');
    expect((await inspector.get(`/staff/reports/${id}`)).statusCode).toBe(404);
  });
});
