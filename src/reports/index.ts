import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import { withTransaction } from '../db/transaction.js';
import { sealedProfile, sealVersion, sealWith, unseal, type CryptoProfileName } from '../shared/crypto/index.js';
import * as reportsRepo from './repository.js';
import filingRoutes from './routes/filing.js';
import trackRoutes from './routes/track.js';

export { fileReport, handlingUnitFor, REPEAT_WINDOW_MS, type FiledReport } from './filing.js';
export { findByQueryCode } from './tracking.js';
export { findReport, eventsOf, insertEvent, updateReport, reportsPastRetention, eraseIdentity, retryReceiptsBefore, forgetRetryReceipts, type Report, type ReportEvent } from './repository.js';
export { REVIEW_WINDOW_DAYS } from './tracking.js';
export * from './catalog.js';
export type { ReportInput, Identity } from './validate.js';
export { isCallbackPhone } from './validate.js';
export { objectionReports, caseNumbersOf } from './repository.js';

export async function reportRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(filingRoutes, opts);
  await app.register(trackRoutes, opts);
}
export { receivedReportsInCounty, reportCount, reportsAssignedTo, reassignReport, findReports } from './repository.js';
// The statistics of reports and referrals: the public statistics (src/stats) and reporting's live counts.
export { statsCube, statsByTownship, reportsReceivedBefore, firstReportReceivedAt, statsQueryPlans, reportCountsByRegion, townshipReportSignals, type TownshipReportSignals } from './statistics-repository.js';
// The province's 统计报表 (reporting's statistical tables): by region and category.
export { reportCountsByRegionAndCategory, type ReportCategoryCounts, type ReportCategoryCountRow } from './statistics-repository.js';
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
// The status hook (issue 24): dependants (exchange, sms) register here and are told inside each transition's transaction.
export { onReportStatusChanged, type ReportStatusChange, type ReportStatusContext } from './status-signal.js';

/**
 * Key rotation (issue 23, `npm run keys:rotate`): re-seals into `to` the reporters' identities of
 * up to `limit` reports after `afterId` still sealed under another profile, in one transaction that
 * re-reads each row (one erased, filled or already re-sealed meanwhile is left alone). The context
 * stays `report:<id>`. `next` is the id to continue after, null once no such row is left after
 * `afterId`; a rerun after a crash starts again at 0 and finds only what is still old.
 */
export async function resealIdentities(deps: Pick<Deps, 'db' | 'keys'>, to: CryptoProfileName, afterId: number, limit: number): Promise<{ resealed: number; failed: number[]; next: number | null }> {
  const ids = await reportsRepo.idsWithIdentityNotSealedAs(deps.db, sealVersion(to), afterId, limit);
  const failed: number[] = [];
  let resealed = 0;
  if (ids.length) {
    await withTransaction(deps.db, async (tx) => {
      for (const id of ids) {
        const old = (await reportsRepo.findReport(tx, id))?.identitySealed;
        if (!old || sealedProfile(old) === to) continue;
        let next: Buffer;
        try {
          next = sealWith(to, deps.keys.identity, unseal(deps.keys.identity, old, `report:${id}`), `report:${id}`);
        } catch {
          failed.push(id); // altered, or sealed under another master key: left as it is and reported
          continue;
        }
        if (await reportsRepo.replaceSealedIdentity(tx, id, old, next)) resealed++;
      }
    });
  }
  return { resealed, failed, next: ids.length === limit ? ids.at(-1)! : null };
}

/** How many identities are still sealed under a profile other than `to`. */
export async function identitiesToReseal(deps: Pick<Deps, 'db'>, to: CryptoProfileName): Promise<number> {
  return reportsRepo.countIdentitiesNotSealedAs(deps.db, sealVersion(to));
}

/** A sealed value's first byte under each profile (its format version). */
// Text messages to real-name reporters with a mobile number (issue 24): the sweep the scheduler runs.
export { runReporterSmsSweep, REPORTER_RECIPIENT, type ReporterSmsResult } from './reporter-sms.js';
// Work texts to staff who chose SMS (issue 24), for the staff notice senders.
