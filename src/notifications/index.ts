// In-app notices and the claims of deadline reminders (DESIGN.md §6: the one door other features use).
// Only this feature reads or writes its tables; other features call these (all async, taking the
// database or a transaction's `tx`).
export { claimReminder, markReminderSent, releaseReminder, reminderClaimsOf, sentToEveryone, type ReminderClaim, type ReminderKey } from './repository.js';
export { recordNotice, noticeCount, noticesOfReport, type InAppNotice } from './repository.js';

import type { FastifyInstance } from 'fastify';
import noticeRoutesPlugin, { type NoticeRouteOptions } from './routes.js';

/** /staff/notices, the user's in-app list; `caseNumbers` names each notice's case. */
export async function noticeRoutes(app: FastifyInstance, opts: NoticeRouteOptions) {
  await app.register(noticeRoutesPlugin, opts);
}
