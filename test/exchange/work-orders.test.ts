// The work-order service without HTTP: a filing that fails gives up its claim on the number, so the
// partner's corrected work order is filed instead of being refused as a conflict.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createPartner, type Partner } from '../../src/exchange/index.js';
import { submitWorkOrder } from '../../src/exchange/work-orders.js';
import { findWorkOrder } from '../../src/exchange/repository.js';
import type { WorkOrderInput } from '../../src/exchange/schemas.js';
import { childrenOf } from '../../src/regions/index.js';
import type { Deps } from '../../src/shared/deps.js';

let t: TestApp;
let partner: Partner;
let township: string;

beforeAll(async () => {
  t = await makeApp();
  ({ partner } = await createPartner(t.app.db, t.app.keys, { key: 'svc', name: '服务测试', scopes: ['ca:220102'] }));
  township = (await childrenOf(t.app.db, '220102'))[0]!.code;
});
afterAll(async () => {
  await t?.close();
});

const order = (text: string): WorkOrderInput => ({ source: 'hotline_12345', workOrderNo: 'SVC-1', receivedAt: new Date().toISOString(), channel: 'phone', category: 'other', placeCode: township, text });

describe('submitWorkOrder', () => {
  it('drops the claim of a filing that failed, so corrected content is filed, not refused', async () => {
    // A filing that fails inside the reports feature (here: its receipt key is missing).
    const broken = { ...t.app.deps, keys: { ...t.app.deps.keys, 'receipt-lookup': undefined } } as unknown as Deps;
    await expect(submitWorkOrder(broken, partner, order('第一次发送，未能登记。'), [])).rejects.toThrow();
    expect(await findWorkOrder(t.app.db, partner.id, 'SVC-1')).toBeUndefined();
    const filed = await submitWorkOrder(t.app.deps, partner, order('更正后的内容：低保评定不公开。'), []);
    expect(filed.created).toBe(true);
    expect((await findWorkOrder(t.app.db, partner.id, 'SVC-1'))!.reportId).not.toBeNull();
  });
});
