// Which schedule the sweep uses (issue 15): the configured one; the demo's on a demo database
// without one; none on a production database without one (identities, files and declarations are
// then kept, while the one-day query-code copies and expired sessions still go).
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { fileReportIn } from '../helpers/reports.js';
import { reports } from '../../src/reports/tables.js';
import { claimInstallMode } from '../../src/installation/index.js';
import { sessions } from '../../src/sessions/tables.js';
import { DEMO_RETENTION } from '../../src/config.js';
import { retentionInForce, runRetentionSweep } from '../../src/retention/index.js';

const DAY = 86_400_000;
let t: TestApp | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A closed report with a sealed identity, ended `days` ago, and an expired session. */
async function oldClosedReport(app: TestApp['app'], days: number, now: number): Promise<number> {
  const id = await fileReportIn(app, '220102');
  await app.db.update(reports).set({ status: 'closed', realName: true, identitySealed: Buffer.from('sealed'), updatedAt: now - days * DAY, receiptForRetry: Buffer.from('copy'), receivedAt: now - 2 * DAY }).where(eq(reports.id, id)).run();
  await app.db.insert(sessions).values({ sid: `old-${id}`, expiresAt: now - 1, userId: null, data: '{}' }).run();
  return id;
}

describe('the schedule in force', () => {
  it('a production database without a schedule keeps identities but still forgets retry copies and sessions', async () => {
    t = await makeApp({ retention: null });
    await claimInstallMode(t.app.db, 'production');
    const now = Date.now();
    const id = await oldClosedReport(t.app, 5000, now);
    expect(await retentionInForce(t.app.db, t.config)).toBeNull();
    const result = await runRetentionSweep(t.app.deps, t.app.sessionStore, now);
    expect(result).toMatchObject({ scheduled: false, identities: 0, receipts: 1, sessions: 1 });
    const row = (await t.app.db.select().from(reports).where(eq(reports.id, id)).get())!;
    expect(row.identitySealed).not.toBeNull();
    expect(row.receiptForRetry).toBeNull();
  });

  it('a demo database without a schedule uses the demo schedule', async () => {
    t = await makeApp({ retention: null });
    await claimInstallMode(t.app.db, 'demo');
    const now = Date.now();
    expect(await retentionInForce(t.app.db, t.config)).toEqual(DEMO_RETENTION);
    const past = await oldClosedReport(t.app, DEMO_RETENTION.identityDays + 1, now);
    const inside = await oldClosedReport(t.app, DEMO_RETENTION.identityDays - 1, now);
    const result = await runRetentionSweep(t.app.deps, null, now);
    expect(result).toMatchObject({ scheduled: true, identities: 1 });
    expect((await t.app.db.select().from(reports).where(eq(reports.id, past)).get())!.identitySealed).toBeNull();
    expect((await t.app.db.select().from(reports).where(eq(reports.id, inside)).get())!.identitySealed).not.toBeNull();
  });

  it('a configured schedule wins, also on a demo database', async () => {
    const schedule = { identityDays: 40, evidenceDays: 40, declarationYears: 0 };
    t = await makeApp({ retention: schedule });
    await claimInstallMode(t.app.db, 'demo');
    expect(await retentionInForce(t.app.db, t.config)).toEqual(schedule);
  });
});
