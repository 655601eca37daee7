// E-mail and in-app notices to staff: what to do and a link, never content or identities; in the
// recipient's own e-mail language (users.locale), else the site default.
import { notifications } from '../notifications/tables.js';
import type { Report } from '../reports/repository.js';
import type { Deps } from '../shared/deps.js';
import { mailLocaleOf, type User } from '../users/index.js';
import { staffNotice } from '../mail/templates.js';

export function notifyAssignee(deps: Deps, user: User, report: Report, kind: string, now = Date.now()): void {
  deps.db.insert(notifications).values({ userId: user.id, reportId: report.id, kind, createdAt: now }).run();
  const notice = staffNotice(mailLocaleOf(deps.config, user), kind, { caseNo: report.caseNo, link: `${deps.config.baseUrl}/staff/reports/${report.id}` });
  deps.mailer.sendLater({ to: user.email, ...notice });
}
