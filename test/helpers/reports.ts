// An anonymous online report filed through the real service, placed in a village of a county.
import type { FastifyInstance } from 'fastify';
import { fileReport } from '../../src/reports/index.js';
import { childrenOf } from '../../src/regions/index.js';

/** The first village of the first township of a county. */
export async function aVillageOf(app: FastifyInstance, countyCode: string): Promise<string> {
  const township = (await childrenOf(app.db, countyCode))[0]!;
  return (await childrenOf(app.db, township.code))[0]!.code;
}

export async function fileReportIn(app: FastifyInstance, countyCode: string): Promise<number> {
  const village = await aVillageOf(app, countyCode);
  const { report } = await fileReport(
    app.deps,
    { category: 'favouritism', placeCode: village, placeOther: null, countyCode, townshipCode: village.slice(0, 9), subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村干部优亲厚友，把不符合条件的亲属评为低保户。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return report.id;
}
