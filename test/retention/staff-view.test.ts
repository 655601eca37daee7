// Where staff would see the identity or a file, an erased one says so (issue 15): the report page
// shows "deleted under the retention schedule" instead of the identity request and download links,
// and the download of an erased file answers 404 rather than failing on the missing ciphertext.
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { fileReport } from '../../src/reports/index.js';
import { reports } from '../../src/reports/tables.js';
import { evidenceOf, type CleanFile } from '../../src/evidence/index.js';
import { runRetentionSweep } from '../../src/retention/index.js';

const DAY = 86_400_000;
let t: TestApp;
let staff: Session;
let erased: number;
let kept: number;

async function realNameReportWithFile(name: string): Promise<number> {
  const file = path.join(t.app.deps.dirs.tmp, `${name}.txt`);
  fs.writeFileSync(file, 'photo of the posting board');
  const { report } = await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计办低保要手续费。', happenedAt: null, identity: { name: '张桂兰', phone: '13900000000', email: '', address: '' } },
    [{ originalName: `${name}.txt`, path: file, sniff: { mime: 'text/plain', ext: 'txt', kind: 'document', cleanable: false } as never, cleaned: false } as CleanFile],
    { channel: 'online', nonce: null },
  );
  return report.id;
}

beforeAll(async () => {
  t = await makeApp({ retention: { identityDays: 10, evidenceDays: 10, declarationYears: 1 } });
  erased = await realNameReportWithFile('old');
  kept = await realNameReportWithFile('new');
  await t.app.db.update(reports).set({ status: 'closed', updatedAt: Date.now() - 60 * DAY }).where(eq(reports.id, erased)).run();
  await runRetentionSweep(t.app.deps, null);
  staff = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
});
afterAll(() => t.close());

describe('staff report page after the retention sweep', () => {
  it('shows the identity and the file as deleted under the schedule, with no link to either', async () => {
    const res = await staff.get(`/staff/reports/${erased}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('身份信息已按保存期限删除');
    expect(res.body).toContain('文件已按保存期限删除');
    expect(res.body).not.toContain(`/staff/reports/${erased}/identity"`);
    expect(res.body).not.toContain(`/staff/reports/${erased}/files/`);
  });

  it('a report inside its period keeps both links', async () => {
    const res = await staff.get(`/staff/reports/${kept}`);
    expect(res.body).not.toContain('保存期限删除');
    expect(res.body).toContain(`/staff/reports/${kept}/identity"`);
    expect(res.body).toContain(`/staff/reports/${kept}/files/`);
  });

  it('the download of an erased file is 404, of a kept one the file', async () => {
    const [gone] = await evidenceOf(t.app.db, 'report', erased);
    const [there] = await evidenceOf(t.app.db, 'report', kept);
    expect((await staff.get(`/staff/reports/${erased}/files/${gone!.id}`)).statusCode).toBe(404);
    const ok = await staff.get(`/staff/reports/${kept}/files/${there!.id}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('photo of the posting board');
  });
});
