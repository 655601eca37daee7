// Late submissions: once a task's due date has passed, each unit that has not submitted is
// reminded by e-mail at its contact address (units.email, so in the site's default language), once
// per task, and so is each of its leads (who submit: service.ts canSubmit) by the channel the lead
// chose — e-mail, text or both (issue 24, users' sendStaffNotice), in the lead's own language. The
// reminder is claimed (remindedAt) before it is sent, so two runs — or two processes — send it
// once; a failed send gives the claim back for the next run (src/shared/claimed-send.ts).
//
// The unit's e-mail is the one the claim stands for: it goes first, and its failure gives the claim
// back before anyone else was told. The leads' notices follow under the same claim: a lead's notice
// that fails then is not retried (a retry would send the unit's e-mail and the other leads' again),
// and a lead's lone text that fails becomes an e-mail (sendStaffNotice), so a failure there is one
// of the mail server too, which the unit's own e-mail just passed.
import { sendClaimed } from '../shared/claimed-send.js';
import type { Deps } from '../shared/deps.js';
import { todayInChina } from '../clocks/index.js';
import { record } from '../audit/index.js';
import { staffNotice } from '../mail/index.js';
import { civilAffairsUnitsAtLevel, type Unit } from '../units/index.js';
import { mailLocaleOf, sendStaffNotice, usersWithRole, type User } from '../users/index.js';
import * as repo from './repository.js';
import { submitterLevel, type TaskKind } from './catalog.js';

export interface ReminderResult {
  reminded: number;
  failed: number;
}

/** The reminder to the unit's address (`lead` absent: the site default language) or to one of its leads, in the lead's. */
function reminderMail(deps: Deps, task: repo.Task, unit: Unit, lead?: User) {
  const link = `${deps.config.baseUrl}/staff/reporting/${task.id}/${unit.id}`;
  const locale = lead ? mailLocaleOf(deps.config, lead) : deps.config.defaultLocale;
  return { to: lead ? lead.email : unit.email, ...staffNotice(locale, 'reporting_overdue', { title: task.title, dueOn: task.dueOn, link, unitName: unit.name }) };
}

/** The unit's e-mail (awaited: its failure throws), then each lead by their channel; see the top of the file. */
async function remind(deps: Deps, task: repo.Task, unit: Unit): Promise<void> {
  await deps.mailer.send(reminderMail(deps, task, unit));
  for (const lead of await usersWithRole(deps.db, unit.id, 'lead')) {
    // The task's title names the statistics asked for, never a report: it may be in the text.
    await sendStaffNotice(deps, lead, { mail: reminderMail(deps, task, unit, lead), text: { kind: 'reporting_overdue', vars: { title: task.title } } }).catch(() => {});
  }
}

/** Reminds every late unit of every task whose due date has passed; call it from the scheduler. */
export async function remindLateSubmissions(deps: Deps, now = Date.now()): Promise<ReminderResult> {
  const today = todayInChina(new Date(now));
  const result: ReminderResult = { reminded: 0, failed: 0 };
  for (const task of await repo.tasksDueBefore(deps.db, today)) {
    const submitted = new Set((await repo.submissionsOfTasks(deps.db, [task.id])).filter((s) => s.status === 'submitted' || s.remindedAt !== null).map((s) => s.unitId));
    for (const unit of await civilAffairsUnitsAtLevel(deps.db, submitterLevel(task.kind as TaskKind))) {
      if (submitted.has(unit.id)) continue;
      const sent = await sendClaimed({
        claim: () => repo.claimReminder(deps.db, task.id, unit.id, now),
        send: () => remind(deps, task, unit),
        record: () => {}, // remindedAt is both the claim and its record: a release clears it
        audit: async () => {
          await record(deps.db, deps.keys['audit-mac'], { actor: { type: 'system' }, action: 'reporting.reminded', object: { type: 'reporting_task', id: task.id }, detail: { unit: unit.id, dueOn: task.dueOn } }, now);
        },
        release: () => repo.releaseReminder(deps.db, task.id, unit.id, now),
      });
      if (sent.outcome === 'sent') result.reminded++;
      else if (sent.outcome === 'failed') result.failed++;
    }
  }
  return result;
}
