// E-mail about identity requests: that something waits and where, never the case, reason or identity.
import type { Deps } from '../shared/deps.js';
import { findUser, usersWithRole } from '../users/index.js';
import type { IdentityRequest } from './repository.js';

const PREFIX = '【阳光救助监督平台】';

/** Tells the deciding unit's custodians (except the requester) that a request waits. */
export function notifyCustodians(deps: Deps, request: IdentityRequest): number {
  const link = `${deps.config.baseUrl}/staff/identity-requests`;
  const subject = `${PREFIX}有一项查看举报人身份的申请待审批`;
  const custodians = usersWithRole(deps.db, request.deciderUnitId, 'custodian').filter((u) => u.id !== request.requesterId);
  for (const user of custodians) {
    deps.mailer.sendLater({ to: user.email, subject, text: `${subject}\n\n请登录平台审批：${link}\n\n本邮件不含举报内容和举报人信息。` });
  }
  return custodians.length;
}

/** Tells the requester that their request was decided (the result is on the page, not in the mail). */
export function notifyRequester(deps: Deps, request: IdentityRequest): void {
  const user = findUser(deps.db, request.requesterId);
  if (!user || user.disabled) return;
  const link = `${deps.config.baseUrl}/staff/reports/${request.reportId}/identity`;
  const subject = `${PREFIX}您查看举报人身份的申请已有审批结果`;
  deps.mailer.sendLater({ to: user.email, subject, text: `${subject}\n\n请登录平台查看：${link}\n\n本邮件不含举报内容和举报人信息。` });
}
