import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findUnitByKey, type Unit } from '../../src/units/index.js';
import { createTasksForYear, remindLateSubmissions } from '../../src/reporting/index.js';
import { findTaskByKey, insertSubmission, submissionOf } from '../../src/reporting/repository.js';
import type { OutgoingMail } from '../../src/plugins/mail.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const at = (iso: string) => Date.parse(`${iso}+08:00`);
let t: TestApp;
let ng: Unit, kc: Unit, cy: Unit;

beforeAll(async () => {
  t = await makeApp();
  ng = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  kc = (await findUnitByKey(t.app.db, 'ca:220103'))!;
  cy = (await findUnitByKey(t.app.db, 'ca:220104'))!;
  await createTasksForYear(t.app.deps, 2025, null, at('2025-01-02T09:00:00'));
});
afterAll(() => t.close());

describe('late submissions', () => {
  it('e-mails each late unit once per task, and nobody who submitted', async () => {
    const plan = (await findTaskByKey(t.app.db, 'plan', 2025, null))!;
    const q1 = (await findTaskByKey(t.app.db, 'quarterly_cases', 2025, 1))!;
    // 南关区 submitted its plan in time; 宽城区 has a draft; 朝阳区 nothing.
    await insertSubmission(t.app.db, { taskId: plan.id, unitId: ng.id, status: 'submitted', basic: '方案', submittedAt: at('2025-04-18T10:00:00'), updatedBy: null, updatedAt: at('2025-04-18T10:00:00') });
    await insertSubmission(t.app.db, { taskId: plan.id, unitId: kc.id, status: 'draft', basic: '草稿', updatedBy: null, updatedAt: at('2025-04-15T10:00:00') });
    const sent: OutgoingMail[] = [];
    const spy = vi.spyOn(t.app.deps.mailer, 'send').mockImplementation(async (mail) => {
      sent.push(mail);
    });
    try {
      // On the due date itself nothing is late yet (the plan is due by 20 April; Q1 by 10 April).
      const onDue = await remindLateSubmissions(t.app.deps, at('2025-04-20T18:00:00'));
      const planMails = () => sent.filter((m) => m.subject.includes(plan.title));
      expect(planMails()).toHaveLength(0);
      expect(onDue.reminded).toBe(72); // Q1: every county-level unit
      expect(sent.some((m) => m.subject.includes(q1.title) && m.to === ng.email)).toBe(true);

      const first = await remindLateSubmissions(t.app.deps, at('2025-04-21T08:00:00'));
      expect(first.reminded).toBe(71); // the plan: 72 county-level units, one submitted
      expect(planMails().map((m) => m.to)).not.toContain(ng.email);
      const toKc = planMails().find((m) => m.to === kc.email)!;
      expect(toKc.text).toContain('宽城区民政局');
      expect(toKc.text).toContain('2025-04-20');
      expect(toKc.text).toContain(`/staff/reporting/${plan.id}/${kc.id}`);
      expect(planMails().filter((m) => m.to === cy.email)).toHaveLength(1);
      expect((await submissionOf(t.app.db, plan.id, cy.id))!.remindedAt).toBe(at('2025-04-21T08:00:00'));
      expect((await submissionOf(t.app.db, plan.id, kc.id))!.basic).toBe('草稿'); // the draft is untouched

      // Reminded once: later runs send nothing more.
      const count = sent.length;
      expect((await remindLateSubmissions(t.app.deps, at('2025-04-22T08:00:00'))).reminded).toBe(0);
      expect(sent.length).toBe(count);
      // Cities are reminded of their own summary only after 10 December.
      const dec = await remindLateSubmissions(t.app.deps, at('2025-12-11T08:00:00'));
      const city = sent.slice(count).filter((m) => m.subject.includes('市州'));
      expect(city.map((m) => m.to)).toContain((await findUnitByKey(t.app.db, 'ca:229900'))!.email);
      expect(city).toHaveLength(10);
      expect(dec.reminded).toBe(72 * 3 + 10); // Q2, Q3 and the county summary; the city summary
    } finally {
      spy.mockRestore();
    }
  });

  it('tries again next time when the mail could not be sent', async () => {
    await createTasksForYear(t.app.deps, 2024, null, at('2024-01-02T09:00:00'));
    const spy = vi.spyOn(t.app.deps.mailer, 'send').mockRejectedValue(new Error('smtp down'));
    try {
      const failed = await remindLateSubmissions(t.app.deps, at('2024-04-12T08:00:00'));
      expect(failed).toEqual({ reminded: 0, failed: 72 });
    } finally {
      spy.mockRestore();
    }
    const smtp: TestSmtp = await startSmtp();
    const real = await makeApp({ smtpUrl: smtp.url });
    try {
      // A real SMTP server receives the reminder, addressed to the unit's contact address.
      await createTasksForYear(real.app.deps, 2024, null, at('2024-01-02T09:00:00'));
      const result = await remindLateSubmissions(real.app.deps, at('2024-04-12T08:00:00'));
      expect(result.reminded).toBe(72);
      await smtp.waitFor(72, 10_000);
      const mail = smtp.inbox.find((m) => m.to.includes(ng.email))!;
      expect(mail.text).toContain('报送已逾期');
      expect(mail.text).toContain('南关区民政局');
    } finally {
      await real.close();
      await smtp.close();
    }
    // The failed claims were given back: the first app reminds them now.
    const retried: OutgoingMail[] = [];
    const again = vi.spyOn(t.app.deps.mailer, 'send').mockImplementation(async (m) => {
      retried.push(m);
    });
    try {
      expect((await remindLateSubmissions(t.app.deps, at('2024-04-13T08:00:00'))).reminded).toBe(72);
    } finally {
      again.mockRestore();
    }
  });
});
