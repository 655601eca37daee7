import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import filingRoutes from './routes/filing.js';
import trackRoutes from './routes/track.js';

export { fileReport, handlingUnitFor, type FiledReport } from './filing.js';
export { findByQueryCode } from './tracking.js';
export { findReport, eventsOf, insertEvent, updateReport, reportsPastRetention, eraseIdentity, retryReceiptsBefore, forgetRetryReceipts, type Report, type ReportEvent } from './repository.js';
export { REVIEW_WINDOW_DAYS } from './tracking.js';
export * from './catalog.js';
export type { ReportInput, Identity } from './validate.js';
export { objectionReports, caseNumbersOf } from './repository.js';

export async function reportRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(filingRoutes, opts);
  await app.register(trackRoutes, opts);
}
export { receivedReportsInCounty, reportCount, reportsAssignedTo, reassignReport, findReports } from './repository.js';
// The statistics of reports and referrals: the public statistics (src/stats) and reporting's live counts.
export { statsCube, statsByTownship, reportsReceivedBefore, firstReportReceivedAt, statsQueryPlans, reportCountsByRegion, townshipReportSignals, type TownshipReportSignals } from './statistics-repository.js';
export { referralCountsByRegion } from './referrals/statistics-repository.js';
export { emptyReportMetrics, type ReportMetrics, type StatsWindow, type StatsCubeRow, type StatsTownshipRow, type ReportIdSpan, type StatsQueryPlans, type InstantRange, type ReportRegionCounts } from './statistics.js';
export { provideObjectionSubjects, type ObjectionSubjectLookup } from './objection-subject.js';
export { provideAnswerTemplates, answerTemplateChoices, answerTemplateText, type AnswerTemplateChoice, type AnswerTemplateSource } from './answer-templates.js';

// Casework, referrals and transfers are the handling side of the same domain (issue 17): one
// feature, one door. Other features import them from here, never from the sub-folders.
export * from './casework/index.js';
export * from './referrals/index.js';
export * from './transfers/index.js';
export * from './documents/index.js';

// The reporter's acts, for the demo's life cycle (src/demo/progress.ts).
export { markAnswerOpened, requestReview, rate } from './tracking.js';
// The reminder horizon and stale-claim age, shared with the ledger's sweep (same sent_reminders claims).
export { CLAIM_STALE_AFTER_MS, REMIND_DAYS_BEFORE } from './reminders.js';
