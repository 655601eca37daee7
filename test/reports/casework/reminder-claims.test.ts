// Reminders and escalations that are never lost (issue 18, defect 7): the deadline sweep claims
// each notice per recipient (claimed_at), awaits the send, records sent_at and audits it; a failed
// send gives the claim back for the next sweep, and a claim left unsent by a process that died is
// taken again once stale. Against a real SMTP server (test/helpers/smtp.ts) behind a loopback
// port that is closed while "the mail server is down" and opened again when it comes back.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { entriesFor } from '../../../src/audit/index.js';
import { CLAIM_STALE_AFTER_MS, runDeadlineSweep } from '../../../src/reports/casework/scheduler.js';
import { claimReminder, markReminderSent, reminderClaimsOf } from '../../../src/notifications/index.js';
import { fileReport, type Report } from '../../../src/reports/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { startSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { createStaff, type TestStaff } from '../../helpers/staff.js';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** A loopback port forwarding to the SMTP server while up; connections are refused while down. */
interface Relay {
  port: number;
  up(): Promise<void>;
  down(): Promise<void>;
}

async function relayTo(target: number): Promise<Relay> {
  let server: net.Server | null = null;
  const sockets = new Set<net.Socket>();
  let port = 0;
  const relay: Relay = {
    get port() {
      return port;
    },
    up: () =>
      new Promise<void>((resolve) => {
        server = net.createServer((client) => {
          const upstream = net.connect(target, '127.0.0.1');
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('close', () => sockets.delete(s));
            s.on('error', () => {
              client.destroy();
              upstream.destroy();
            });
          }
          client.pipe(upstream).pipe(client);
        });
        server.listen(port, '127.0.0.1', () => {
          port = (server!.address() as AddressInfo).port;
          resolve();
        });
      }),
    down: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server) return resolve();
        server.close(() => resolve());
        server = null;
      }),
  };
  return relay;
}

let smtp: TestSmtp;
let relay: Relay;
let t: TestApp;
let intake: TestStaff;
let supervisor: TestStaff;

async function reportReceived(at: number, description: string): Promise<Report> {
  const filed = await fileReport(
    t.app.deps,
    { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description, happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null, now: at },
  );
  return filed.report;
}

/** The sweep's mails about a report (not the new-report notice filing sends, not awaited). */
const mailsAbout = (r: Report, words: '已超期' | '即将到期' = '已超期') => smtp.inbox.filter((m) => m.text.includes(r.caseNo) && m.text.includes(words));
const waitForMails = (r: Report, n: number) => vi.waitFor(() => expect(mailsAbout(r).length).toBeGreaterThanOrEqual(n), { timeout: 5000 });
const audited = async (r: Report) => (await entriesFor(t.app.db, 'report', String(r.id))).filter((e) => e.action === 'report.escalated' || e.action === 'report.reminded');
const settle = () => new Promise((r) => setTimeout(r, 200));

beforeAll(async () => {
  smtp = await startSmtp();
  relay = await relayTo(Number(new URL(smtp.url).port));
  await relay.up();
  await relay.down(); // the port is ours, and nobody answers on it
  t = await makeApp({ smtpUrl: `smtp://127.0.0.1:${relay.port}` });
  intake = await createStaff(t.app, 'ca:220102', ['intake']);
  supervisor = await createStaff(t.app, 'ca:220100', ['supervisor']);
});
afterAll(async () => {
  await t.close();
  await relay.down();
  await smtp.close();
});

describe('deadline reminders through a mail server that is down, then up', () => {
  it('keeps an escalation while the server is down and sends it exactly once, audited, when it is back', async () => {
    const now = Date.now();
    // Received 20 days ago, not registered: the 15日 clock of 信访工作条例第二十二条 has run out.
    const overdue = await reportReceived(now - 20 * DAY, '村里低保名单上有已经去世三年的人还在领钱。');
    // Received 13 days ago: due in two days, the responsible person is reminded.
    const soon = await reportReceived(now - 13 * DAY, '邻居家有两辆小汽车还吃着低保。');
    expect(overdue.dueOn! < soon.dueOn!).toBe(true);

    // Down: nothing is sent, nothing recorded or audited, and no claim is left behind.
    const down = await runDeadlineSweep(t.app.deps, now);
    expect(down).toEqual({ reminded: 0, escalated: 0 });
    await settle();
    expect(smtp.inbox).toEqual([]);
    expect(await reminderClaimsOf(t.app.db, overdue.id)).toEqual([]);
    expect(await reminderClaimsOf(t.app.db, soon.id)).toEqual([]);
    expect(await audited(overdue)).toEqual([]);

    // Still down at the next sweep: still kept.
    expect(await runDeadlineSweep(t.app.deps, now + 5 * MINUTE)).toEqual({ reminded: 0, escalated: 0 });
    expect(await reminderClaimsOf(t.app.db, overdue.id)).toEqual([]);

    // Up again: the next sweep sends each notice once.
    await relay.up();
    const later = now + 10 * MINUTE;
    expect(await runDeadlineSweep(t.app.deps, later)).toEqual({ reminded: 1, escalated: 1 });
    await smtp.waitFor(3);
    expect(smtp.inbox).toHaveLength(3); // the two new-report notices went while it was down, and are not the sweep's
    expect(mailsAbout(overdue).map((m) => m.to).sort()).toEqual([[intake.user.email], [supervisor.user.email]].sort());
    expect(mailsAbout(soon, '即将到期').map((m) => m.to)).toEqual([[intake.user.email]]);

    // Each claim carries when it was claimed and when it was sent.
    const claims = await reminderClaimsOf(t.app.db, overdue.id);
    expect(claims.map((c) => [c.recipientId, c.kind, c.dueOn, c.claimedAt, c.sentAt]).sort()).toEqual(
      [
        [intake.user.id, 'overdue', overdue.dueOn, later, later],
        [supervisor.user.id, 'overdue', overdue.dueOn, later, later],
      ].sort(),
    );
    // Each sent reminder has its audit entry, naming the recipient, and only sent ones have one.
    expect((await audited(overdue)).map((e) => [e.action, e.actorType, JSON.parse(e.detail!).recipient]).sort()).toEqual(
      [
        ['report.escalated', 'system', intake.user.id],
        ['report.escalated', 'system', supervisor.user.id],
      ].sort(),
    );
    expect((await audited(soon)).map((e) => [e.action, JSON.parse(e.detail!).recipient])).toEqual([['report.reminded', intake.user.id]]);

    // Exactly once: later sweeps, even long after, send nothing more.
    const count = smtp.inbox.length;
    expect(await runDeadlineSweep(t.app.deps, later + 5 * MINUTE)).toEqual({ reminded: 0, escalated: 0 });
    expect(await runDeadlineSweep(t.app.deps, later + 2 * CLAIM_STALE_AFTER_MS)).toEqual({ reminded: 0, escalated: 0 });
    await settle();
    expect(smtp.inbox.length).toBe(count);
    expect(await audited(overdue)).toHaveLength(2);
  });

  it('takes again a claim left by a process killed between claim and send, once it is stale', async () => {
    const now = Date.now() + 1 * DAY;
    const overdue = await reportReceived(now - 20 * DAY, '低保评议会根本没开，名单是村干部自己定的。');

    // A process claims the first notice and dies while sending it: its send never completes.
    const send = vi.spyOn(t.app.deps.mailer, 'send').mockImplementation(() => new Promise<void>(() => {}));
    void runDeadlineSweep(t.app.deps, now);
    await vi.waitFor(() => expect(send).toHaveBeenCalledTimes(1));
    send.mockRestore();
    const [left] = await reminderClaimsOf(t.app.db, overdue.id);
    expect(left).toMatchObject({ claimedAt: now, sentAt: null });
    const stuck = left!.recipientId;
    const other = stuck === supervisor.user.id ? intake : supervisor;

    // Another sweep soon after leaves that claim alone (its send may still be under way) and sends the rest.
    expect(await runDeadlineSweep(t.app.deps, now + MINUTE)).toEqual({ reminded: 0, escalated: 1 });
    await waitForMails(overdue, 1);
    expect(mailsAbout(overdue).map((m) => m.to)).toEqual([[other.user.email]]);
    expect((await reminderClaimsOf(t.app.db, overdue.id)).find((c) => c.recipientId === stuck)).toMatchObject({ claimedAt: now, sentAt: null });

    // Once stale, the claim is taken again and the notice sent, recorded and audited.
    const retaken = now + CLAIM_STALE_AFTER_MS + MINUTE;
    expect(await runDeadlineSweep(t.app.deps, retaken)).toEqual({ reminded: 0, escalated: 1 });
    await waitForMails(overdue, 2);
    const stuckUser = stuck === supervisor.user.id ? supervisor : intake;
    expect(mailsAbout(overdue).map((m) => m.to).sort()).toEqual([[intake.user.email], [supervisor.user.email]].sort());
    expect(mailsAbout(overdue).filter((m) => m.to.includes(stuckUser.user.email))).toHaveLength(1);
    expect((await reminderClaimsOf(t.app.db, overdue.id)).find((c) => c.recipientId === stuck)).toMatchObject({ claimedAt: retaken, sentAt: retaken });
    expect((await audited(overdue)).map((e) => JSON.parse(e.detail!).recipient).sort()).toEqual([intake.user.id, supervisor.user.id].sort());

    // And never again.
    expect(await runDeadlineSweep(t.app.deps, retaken + 2 * CLAIM_STALE_AFTER_MS)).toEqual({ reminded: 0, escalated: 0 });
    await settle();
    expect(mailsAbout(overdue)).toHaveLength(2);
  });

  it('does not send again what was sent before claims were per recipient (migration 0012: recipient 0)', async () => {
    const now = Date.now() + 2 * DAY;
    const overdue = await reportReceived(now - 20 * DAY, '村干部的亲戚都吃上了低保。');
    const everyone = { reportId: overdue.id, kind: 'overdue', dueOn: overdue.dueOn!, recipientId: 0 };
    await claimReminder(t.app.db, everyone, now - DAY, 0);
    await markReminderSent(t.app.db, everyone, now - DAY);
    expect(await runDeadlineSweep(t.app.deps, now)).toEqual({ reminded: 0, escalated: 0 });
    await settle();
    expect(mailsAbout(overdue)).toEqual([]);
    expect(await audited(overdue)).toEqual([]);
  });
});
