import type { Deps } from '../shared/deps.js';
import { hotlinesFor } from '../hotlines/index.js';
import type { FiledReport } from './filing.js';
import { dueFrom } from '../clocks/index.js';
import { loadCalendar } from '../calendar/index.js';

/** What the confirmation page shows once the report is durably committed. */
export async function confirmationContext(deps: Deps, filed: FiledReport) {
  const accept = dueFrom(await loadCalendar(deps.db), 'xinfang.register', filed.report.receivedAt);
  return {
    queryCode: filed.queryCode,
    caseNo: filed.report.caseNo,
    unitName: filed.handlingUnit.name,
    acceptDue: accept.due,
    calendarWarning: accept.uncoveredYear !== undefined,
    files: filed.files,
    repeated: filed.repeated,
    hotlines: await hotlinesFor(deps.db, filed.report.countyCode),
  };
}
