// Late submissions: once a task's due date has passed, each unit that has not submitted is
// reminded by e-mail at its contact address (units.email, so in the site's default language), once
// per task. The reminder is claimed (remindedAt) before it is sent, so two runs — or two processes —
// send it once; a failed send gives the claim back for the next run (src/shared/claimed-send.ts).
import { sendClaimed } from '../shared/claimed-send.js';
import type { Deps } from '../shared/deps.js';
import { todayInChina } from '../clocks/index.js';
import { record } from '../audit/index.js';
import { staffNotice } from '../mail/index.js';
import { civilAffairsUnitsAtLevel, type Unit } from '../units/index.js';
import * as repo from './repository.js';
import { submitterLevel, type TaskKind } from './catalog.js';

export interface ReminderResult {
  reminded: number;
  failed: number;
}

function reminderMail(deps: Deps, task: repo.Task, unit: Unit) {
  const link = `${deps.config.baseUrl}/staff/reporting/${task.id}/${unit.id}`;
  return { to: unit.email, ...staffNotice(deps.config.defaultLocale, 'reporting_overdue', { title: task.title, dueOn: task.dueOn, link, unitName: unit.name }) };
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
        send: () => deps.mailer.send(reminderMail(deps, task, unit)),
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
