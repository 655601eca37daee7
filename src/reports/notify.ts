// E-mails about reports say only that there is work and where: never content or identities
// (issue 3, "Staff side"), because mail crosses systems the portal does not control.
import type { Deps } from '../shared/deps.js';
import type { Unit } from '../units/index.js';
import type { Report } from './repository.js';
import { staffNotice } from '../mail/index.js';

export function notifyNewReport(deps: Pick<Deps, 'mailer' | 'config'>, unit: Unit, report: Report): void {
  const notice = staffNotice(deps.config.defaultLocale, 'new_report', { caseNo: report.caseNo, link: `${deps.config.baseUrl}/staff/reports/${report.id}`, unitName: unit.name });
  deps.mailer.sendLater({ to: unit.email, ...notice });
}
