// E-mail and in-app notices to staff: what to do and a link, never content or identities.
import { notifications } from '../notifications/tables.js';
import type { Report } from '../reports/repository.js';
import type { Deps } from '../shared/deps.js';
import type { User } from '../users/repository.js';

const SUBJECTS: Record<string, string> = {
  assigned: '有一件举报交办给您',
  reporter_replied: '举报人回复或补充了材料',
  due_soon: '举报办理期限即将到期',
  overdue: '举报办理已超期，请督办',
  hastened: '有一件举报被督办',
};

export function notifyAssignee(deps: Deps, user: User, report: Report, kind: keyof typeof SUBJECTS | string, now = Date.now()): void {
  deps.db.insert(notifications).values({ userId: user.id, reportId: report.id, kind, createdAt: now }).run();
  const link = `${deps.config.baseUrl}/staff/reports/${report.id}`;
  const subject = `【阳光救助监督平台】${SUBJECTS[kind] ?? '有新的待办'} ${report.caseNo}`;
  deps.mailer.sendLater({
    to: user.email,
    subject,
    text: `${subject}\n\n请登录平台查看：${link}\n\n本邮件不含举报内容。`,
  });
}
