// The ledger's deadline sweep (issue 18 item 8, "Ledger items are never chased"): an item not signed
// off is reminded to its responsible unit within 3 days of its deadline and, once overdue,
// escalated to the supervisors of the unit above — once per deadline per recipient, through the
// same claim → send → record → audit protocol as the report sweep, so a failed mail is sent by the
// next sweep. The mailer is replaced by a spy, as test/reporting/remind.test.ts does.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { entriesFor } from '../../src/audit/index.js';
import { addDays, todayInChina } from '../../src/clocks/index.js';
import { runLedgerSweep } from '../../src/ledger/index.js';
import { insertItem, updateItem, type Item } from '../../src/ledger/repository.js';
import { claimReminder, reminderClaimsOf } from '../../src/notifications/index.js';
import type { OutgoingMail } from '../../src/plugins/mail.js';
import { findUnitByKey } from '../../src/units/index.js';
import { updateUser } from '../../src/users/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type TestStaff } from '../helpers/staff.js';

const MINUTE = 60_000;

let t: TestApp;
let countyLead: TestStaff, countyIntake: TestStaff, citySupervisor: TestStaff, cityLead: TestStaff, otherCountySupervisor: TestStaff, provinceSupervisor: TestStaff, townshipHandler: TestStaff;
let county: number, province: number, township: number;
let sent: OutgoingMail[];
const open: Item[] = [];

beforeAll(async () => {
  t = await makeApp();
  countyLead = await createStaff(t.app, 'ca:220102', ['lead']);
  countyIntake = await createStaff(t.app, 'ca:220102', ['intake']);
  citySupervisor = await createStaff(t.app, 'ca:220100', ['supervisor']);
  cityLead = await createStaff(t.app, 'ca:220100', ['lead']);
  otherCountySupervisor = await createStaff(t.app, 'ca:220103', ['supervisor']);
  provinceSupervisor = await createStaff(t.app, 'ca:220000', ['supervisor']);
  townshipHandler = await createStaff(t.app, 'gov:220102001', ['handler']);
  county = (await findUnitByKey(t.app.db, 'ca:220102'))!.id;
  province = (await findUnitByKey(t.app.db, 'ca:220000'))!.id;
  township = (await findUnitByKey(t.app.db, 'gov:220102001'))!.id;
});
afterAll(() => t.close());

/** Every mail the sweep sends in a test, none really sent. */
function captureMail() {
  sent = [];
  return vi.spyOn(t.app.deps.mailer, 'send').mockImplementation(async (mail) => {
    sent.push(mail);
  });
}

// Each test counts only its own items: the ones left open are signed off after it.
afterEach(async () => {
  vi.restoreAllMocks();
  for (const item of open.splice(0)) await updateItem(t.app.db, item.id, { status: 'signed_off', signedOffAt: Date.now() });
});

async function newItem(deadline: string, over: Partial<Parameters<typeof insertItem>[1]> = {}): Promise<Item> {
  const now = Date.now();
  const item = await insertItem(t.app.db, { reportId: null, source: 'inspection_tour', regionCode: '220102', problem: '巡视发现部分村低保评议未召开村民代表会议，评议记录缺失，群众意见较大。', measures: '重新组织民主评议并完整记录。', unitId: county, responsiblePerson: '社会救助科科长', deadline, status: 'in_progress', createdBy: null, createdAt: now, updatedAt: now, ...over });
  open.push(item);
  return item;
}

const mailsAbout = (item: Item) => sent.filter((m) => m.text.includes(`/staff/ledger/${item.id}`));
const recipients = (item: Item) => mailsAbout(item).map((m) => m.to).sort();
const audited = async (item: Item) => (await entriesFor(t.app.db, 'ledger_item', String(item.id))).filter((e) => e.action === 'ledger.reminded' || e.action === 'ledger.escalated');

describe('ledger deadline sweep', () => {
  it('reminds the responsible unit of an item due within 3 days, once, in the recipient\'s mail language', async () => {
    captureMail();
    await updateUser(t.app.db, countyIntake.user.id, { locale: 'ko' });
    const today = todayInChina();
    const soon = await newItem(addDays(today, 2));
    const later = await newItem(addDays(today, 4));

    expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 1, escalated: 0 });
    // The unit's leads answer for it; its intake officers only where it has no lead.
    expect(recipients(soon)).toEqual([countyLead.user.email]);
    expect(mailsAbout(later)).toEqual([]);
    const mail = mailsAbout(soon)[0]!;
    expect(mail.subject).toContain('整改事项即将到期');
    expect(mail.subject).toContain(String(soon.id));
    expect(mail.text).toContain(soon.deadline);
    expect(mail.text).toContain('巡视发现部分村低保评议未召开村民代表会议'); // the problem, shortened
    expect(mail.text).not.toContain('群众意见较大');
    expect(mail.text).toContain(`${t.config.baseUrl}/staff/ledger/${soon.id}`);
    expect(mail.text).not.toContain('社会救助科科长'); // the responsible person is not named

    // The claim is keyed by the item's id in report_id, the ledger's kind and the deadline; audited.
    const claims = await reminderClaimsOf(t.app.db, soon.id);
    expect(claims.map((c) => [c.kind, c.dueOn, c.recipientId, c.sentAt !== null])).toEqual([['ledger_due_soon', soon.deadline, countyLead.user.id, true]]);
    expect((await audited(soon)).map((e) => [e.action, e.actorType, JSON.parse(e.detail!).recipient])).toEqual([['ledger.reminded', 'system', countyLead.user.id]]);

    // A second sweep sends nothing.
    sent = [];
    expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 0, escalated: 0 });
    expect(sent).toEqual([]);
    expect(await audited(soon)).toHaveLength(1);

    // A unit without a lead: its intake officer, in their own mail language (Korean).
    const lead = countyLead.user.id;
    await updateUser(t.app.db, lead, { disabled: true });
    try {
      const noLead = await newItem(addDays(today, 1));
      // Both open items: the intake officer has not been told of the first one either.
      expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 2, escalated: 0 });
      expect(recipients(noLead)).toEqual([countyIntake.user.email]);
      expect(recipients(soon)).toEqual([countyIntake.user.email]);
      expect(mailsAbout(noLead)[0]!.subject).toContain('시정 사항의 기한이 곧 끝납니다');
    } finally {
      await updateUser(t.app.db, lead, { disabled: false });
    }
  });

  it('treats the deadline day as on time, and reminds again when the deadline changes', async () => {
    captureMail();
    const today = todayInChina();
    const dueToday = await newItem(today);
    expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 1, escalated: 0 });
    expect(mailsAbout(dueToday)).toHaveLength(1);

    sent = [];
    await updateItem(t.app.db, dueToday.id, { deadline: addDays(today, 3) });
    expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 1, escalated: 0 });
    expect(recipients(dueToday)).toEqual([countyLead.user.email]);
    expect((await reminderClaimsOf(t.app.db, dueToday.id)).map((c) => c.dueOn).sort()).toEqual([today, addDays(today, 3)].sort());
  });

  it('escalates an overdue item to the supervisors of the unit above and the responsible unit, once', async () => {
    captureMail();
    const overdue = await newItem(addDays(todayInChina(), -1));
    expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 0, escalated: 1 });
    // The city's supervisors (not its lead, not another county's nor the province's), and the county's lead.
    expect(recipients(overdue)).toEqual([citySupervisor.user.email, countyLead.user.email].sort());
    expect(sent.some((m) => [cityLead, otherCountySupervisor, provinceSupervisor, countyIntake].some((s) => m.to === s.user.email))).toBe(false);
    expect(mailsAbout(overdue)[0]!.subject).toContain('整改事项已逾期');
    expect((await audited(overdue)).map((e) => [e.action, JSON.parse(e.detail!).recipient]).sort()).toEqual(
      [
        ['ledger.escalated', citySupervisor.user.id],
        ['ledger.escalated', countyLead.user.id],
      ].sort(),
    );

    sent = [];
    expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 0, escalated: 0 });
    expect(sent).toEqual([]);
  });

  it('escalates a township government\'s item to the county and reminds its handlers when it has no lead or intake', async () => {
    captureMail();
    const today = todayInChina();
    const soon = await newItem(addDays(today, 1), { unitId: township, regionCode: '220102001' });
    const late = await newItem(addDays(today, -5), { unitId: township, regionCode: '220102001' });
    expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 1, escalated: 1 });
    expect(recipients(soon)).toEqual([townshipHandler.user.email]);
    // Above a township government: the county civil-affairs unit's supervisors; the county has none here.
    expect(recipients(late)).toEqual([townshipHandler.user.email]);
    const countySupervisor = await createStaff(t.app, 'ca:220102', ['supervisor']);
    const later = await newItem(addDays(today, -2), { unitId: township, regionCode: '220102001' });
    sent = [];
    // Once per recipient: the supervisor who joined since is told of the earlier item too, the handler not again.
    expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 0, escalated: 2 });
    expect(recipients(later)).toEqual([countySupervisor.user.email, townshipHandler.user.email].sort());
    expect(recipients(late)).toEqual([countySupervisor.user.email]);
    await updateUser(t.app.db, countySupervisor.user.id, { disabled: true });
  });

  it('escalates the top unit\'s own item to its own supervisors', async () => {
    captureMail();
    const top = await newItem(addDays(todayInChina(), -3), { unitId: province, regionCode: '220000' });
    expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 0, escalated: 1 });
    expect(recipients(top)).toEqual([provinceSupervisor.user.email]);
  });

  it('does not chase signed-off items', async () => {
    captureMail();
    const today = todayInChina();
    const signedLate = await newItem(addDays(today, -10), { status: 'signed_off', signedOffAt: Date.now() });
    const signedSoon = await newItem(addDays(today, 1), { status: 'signed_off', signedOffAt: Date.now() });
    expect(await runLedgerSweep(t.app.deps)).toEqual({ reminded: 0, escalated: 0 });
    expect(sent).toEqual([]);
    expect(await reminderClaimsOf(t.app.db, signedLate.id)).toEqual([]);
    expect(await reminderClaimsOf(t.app.db, signedSoon.id)).toEqual([]);
  });

  it('gives the claim back when the mail fails, and the next sweep sends it, audited once', async () => {
    const down = vi.spyOn(t.app.deps.mailer, 'send').mockRejectedValue(new Error('smtp down'));
    const now = Date.now();
    const overdue = await newItem(addDays(todayInChina(), -2));
    expect(await runLedgerSweep(t.app.deps, now)).toEqual({ reminded: 0, escalated: 0 });
    expect(down).toHaveBeenCalledTimes(2);
    expect(await reminderClaimsOf(t.app.db, overdue.id)).toEqual([]);
    expect(await audited(overdue)).toEqual([]);

    down.mockRestore();
    captureMail();
    const later = now + 5 * MINUTE;
    expect(await runLedgerSweep(t.app.deps, later)).toEqual({ reminded: 0, escalated: 1 });
    expect(recipients(overdue)).toEqual([citySupervisor.user.email, countyLead.user.email].sort());
    expect((await reminderClaimsOf(t.app.db, overdue.id)).map((c) => [c.claimedAt, c.sentAt])).toEqual([
      [later, later],
      [later, later],
    ]);
    expect(await audited(overdue)).toHaveLength(2);
    sent = [];
    expect(await runLedgerSweep(t.app.deps, later + MINUTE)).toEqual({ reminded: 0, escalated: 0 });
    expect(sent).toEqual([]);
  });

  it('leaves a claim being sent alone, and takes a stale one (its process died) again', async () => {
    captureMail();
    const now = Date.now();
    const soon = await newItem(addDays(todayInChina(), 2));
    const key = { reportId: soon.id, kind: 'ledger_due_soon', dueOn: soon.deadline, recipientId: countyLead.user.id };
    // Another process claimed it a minute ago and is still sending: not sent twice.
    expect(await claimReminder(t.app.db, key, now - MINUTE, 0)).toBe(true);
    expect(await runLedgerSweep(t.app.deps, now)).toEqual({ reminded: 0, escalated: 0 });
    expect(sent).toEqual([]);
    // Forty minutes on, that process is taken to have died: the claim is taken and the mail sent.
    expect(await runLedgerSweep(t.app.deps, now + 40 * MINUTE)).toEqual({ reminded: 1, escalated: 0 });
    expect(recipients(soon)).toEqual([countyLead.user.email]);
    expect((await reminderClaimsOf(t.app.db, soon.id))[0]!.sentAt).toBe(now + 40 * MINUTE);
  });
});

describe('the item page after the sweep', () => {
  it('shows one history line per escalation, however many were told', async () => {
    captureMail();
    const overdue = await newItem(addDays(todayInChina(), -1));
    await runLedgerSweep(t.app.deps);
    expect(mailsAbout(overdue)).toHaveLength(2);
    const session = await signIn(t.app, citySupervisor);
    const page = await session.get(`/staff/ledger/${overdue.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body.split('逾期督办提醒').length - 1).toBe(1);
  });
});
