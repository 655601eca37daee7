// A report about a village accountant's fee, filed in 南关区 and accepted by `handler`: the usual
// start of a referral test.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { fileReport } from '../../../src/reports/index.js';
import type { Session } from '../../helpers/staff.js';

export const REFER_OPINION = { opinion: '经初步核实，村会计收取手续费问题基本属实，移送处理。' };

export async function acceptedFeeReport(app: FastifyInstance, handler: Session): Promise<{ id: number; page: string }> {
  const { report } = await fileReport(
    app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '刘会计', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  expect((await handler.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  return { id: report.id, page };
}
