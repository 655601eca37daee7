// Issue 19 item 1 / issue 18 item 9: a referral sent to a discipline body with no inspector on the
// portal sat there for ever with the civil-affairs clock paused. Now it is refused with the way
// forward and nothing changes; once the body has an inspector it goes through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReport } from '../../../src/reports/index.js';
import { acceptedFeeReport, REFER_OPINION } from './helpers.js';
import * as svc from '../../../src/reports/referrals/service.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';

let t: TestApp;
let handler: Session;
beforeAll(async () => {
  // The operator's table sends village cadres to the stationed group, which has no account here yet.
  t = await makeApp({ referralRouting: { village: 'stationed' } });
  handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead']));
});
afterAll(() => t.close());

describe('a discipline body with no users', () => {
  it('is not sent a referral nobody could handle; with an inspector it is', async () => {
    const { id, page } = await acceptedFeeReport(t.app, handler);
    const report = { id };
    const opinion = REFER_OPINION;
    const refused = await handler.post(`${page}/refer`, opinion, page);
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toContain('error=referral_body_without_users');
    const shown = await handler.get(refused.headers.location as string);
    expect(shown.body).toContain('还没有纪检监察人员账号');
    expect(shown.body).toContain('线下方式移送');
    const after = (await findReport(t.app.db, report.id))!;
    expect(after.status).toBe('accepted');
    expect(after.pausedSince).toBeNull();
    expect(await svc.referralsOf(t.app.deps, report.id)).toEqual([]);

    await createStaff(t.app, 'dic:220000:stationed', ['inspector']);
    expect((await handler.post(`${page}/refer`, opinion, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, report.id))!.status).toBe('referred');
  });
});
