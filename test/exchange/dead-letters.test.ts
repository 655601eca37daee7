// A webhook that keeps failing becomes a dead letter, holds the later events of its work order
// back, shows on the platform system administrator's page and goes out again, in order, on retry.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn } from '../helpers/staff.js';
import { createPartner, MAX_ATTEMPTS, runExchangeSweep, secretFromText } from '../../src/exchange/index.js';
import { childrenOf } from '../../src/regions/index.js';
import { findReport, workflow } from '../../src/reports/index.js';
import { staffContext, type StaffContext } from '../../src/plugins/auth.js';
import { findUnitByKey } from '../../src/units/index.js';
import { entriesFor } from '../../src/audit/index.js';
import { findWorkOrder } from '../../src/exchange/repository.js';
import { SimulatedPartner } from './simulated-partner.js';

let t: TestApp;
let sim: SimulatedPartner;
let reportId: number;
let county: StaffContext;
const WORK_ORDER_NO = '12345-DL-0001';

beforeAll(async () => {
  t = await makeApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  sim = new SimulatedPartner(`http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`, 'jl-12345', Buffer.alloc(0));
  await sim.up();
  const { secret, partner } = await createPartner(t.app.db, t.app.keys, { key: 'jl-12345', name: '吉林省12345热线', scopes: ['ca:220000'], webhookUrl: sim.webhookUrl });
  sim.setSecret(secretFromText(secret));
  const township = (await childrenOf(t.app.db, '220102'))[0]!;
  const answer = await sim.postWorkOrder({ source: 'hotline_12345', workOrderNo: WORK_ORDER_NO, receivedAt: new Date().toISOString(), channel: 'phone', category: 'other', placeCode: township.code, placeText: '某村', text: '来电反映低保评定不公开。' });
  expect(answer.status).toBe(201);
  reportId = (await findWorkOrder(t.app.db, partner.id, WORK_ORDER_NO))!.reportId!;
  county = staffContext((await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead'])).user, (await findUnitByKey(t.app.db, 'ca:220102'))!);
});

afterAll(async () => {
  await sim?.close();
  await t?.close();
});

describe('dead letters', () => {
  it('gives up after the last attempt, holds later events back, and sends both in order after a staff retry', async () => {
    await sim.down();
    let now = Date.now();
    const accepted = await workflow.accept(t.app.deps, county, (await findReport(t.app.db, reportId))!, now);
    let dead = 0;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const swept = await runExchangeSweep(t.app.deps, now);
      dead += swept.dead;
      expect(swept.delivered).toBe(0);
      now += 2 * 3600_000;
    }
    expect(dead).toBe(1);
    await workflow.assign(t.app.deps, county, accepted, { unitId: county.unit.id, assigneeId: county.user.id, due: accepted.handlingDue! }, now);
    await sim.up();
    const held = await runExchangeSweep(t.app.deps, now);
    // The second event waits behind the dead first one: order before delivery.
    expect(held.delivered).toBe(0);
    expect(sim.events).toHaveLength(0);

    const countyAdmin = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['system_admin']));
    expect((await countyAdmin.get('/staff/exchange/dead-letters')).statusCode).toBe(403);
    const topHandler = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['handler']));
    expect((await topHandler.get('/staff/exchange/dead-letters')).statusCode).toBe(403);

    const admin = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['system_admin']));
    const page = await admin.get('/staff/exchange/dead-letters');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(WORK_ORDER_NO);
    expect(page.body).not.toContain('来电反映');
    // The error in words, the case and the status the event carried, in a table that scrolls on a phone.
    // (A partner that is down refuses the connection; on a loaded machine the send may time out first.)
    expect(page.body).toMatch(/<td>(无法连接对方系统|对方系统响应超时|对方系统暂时不可用)（\w+）<\/td>/);
    expect(page.body).toContain((await findReport(t.app.db, reportId))!.caseNo);
    expect(page.body).toMatch(/<td>已受理<\/td>/);
    expect(page.body).toMatch(/<div class="table-wrap" tabindex="0" role="region" aria-label="[^"]+"><table>/);
    // Nothing absolutely positioned inside the scrolling table: a visually-hidden header escapes the
    // scroll box and made the whole page scroll sideways on a 375 px phone. The column is named in words.
    const table = /<div class="table-wrap"[\s\S]*?<\/table>/.exec(page.body)![0];
    expect(table).not.toContain('visually-hidden');
    expect(table).toContain('<th scope="col">操作</th>');
    const id = /dead-letters\/(\d+)\/retry/.exec(page.body)![1]!;
    // Without its CSRF token the retry is refused.
    const forged = await t.app.inject({ method: 'POST', url: `/staff/exchange/dead-letters/${id}/retry`, cookies: admin.jar, payload: {} });
    expect(forged.statusCode).toBe(403);
    const retried = await admin.post(`/staff/exchange/dead-letters/${id}/retry`, {}, '/staff/exchange/dead-letters');
    expect(retried.statusCode).toBe(303);
    expect((await entriesFor(t.app.db, 'exchange_delivery', id)).map((e) => e.action)).toEqual(['exchange.delivery.retry']);

    const sent = await runExchangeSweep(t.app.deps, now);
    expect(sent.delivered).toBe(2);
    expect(sim.events.map((e) => [e.seq, e.status])).toEqual([
      [1, 'accepted'],
      [2, 'assigned'],
    ]);
    expect((await admin.get('/staff/exchange/dead-letters')).body).not.toContain(WORK_ORDER_NO);
  });
});
