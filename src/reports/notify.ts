// E-mails about reports say only that there is work and where: never content or identities
// (issue 3, "Staff side"), because mail crosses systems the portal does not control.
import Handlebars from 'handlebars';
import type { Deps } from '../shared/deps.js';
import type { Unit } from '../units/index.js';
import type { Report } from './repository.js';

export function notifyNewReport(deps: Pick<Deps, 'mailer' | 'config'>, unit: Unit, report: Report): void {
  const link = `${deps.config.baseUrl}/staff/reports/${report.id}`;
  deps.mailer.sendLater({
    to: unit.email,
    subject: `【阳光救助监督平台】新的举报待受理 ${report.caseNo}`,
    text: `${unit.name}：\n\n平台收到一件新的举报（编号 ${report.caseNo}），请在15日内登记受理并告知举报人（《信访工作条例》第二十二条）。\n\n请登录平台查看：${link}\n\n本邮件不含举报内容。`,
    html: `<p>${Handlebars.escapeExpression(unit.name)}：</p><p>平台收到一件新的举报（编号 ${report.caseNo}），请在15日内登记受理并告知举报人（《信访工作条例》第二十二条）。</p><p><a href="${link}">登录平台查看</a></p><p>本邮件不含举报内容。</p>`,
  });
}
