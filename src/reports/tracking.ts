// The reporter's side after filing: find the report by query code, see its public steps, reply,
// add files, give an identity later, ask for a review, rate, withdraw (issue 3, "Following up").
import { record } from '../audit/index.js';
import { encryptUploads, evidenceCount, evidenceOf, forgetUploads, linkUploads, type CleanFile, type EncryptedUpload } from '../evidence/index.js';
import { sameDigest, sealJson } from '../shared/crypto.js';
import type { Deps } from '../shared/deps.js';
import { ANSWER_STANDS, END_STATES, type Rating, type Status } from './catalog.js';
import { foldQueryCode, isQueryCode, queryCodeDigests } from './receipt.js';
import { openReview } from './casework/supervision.js';
import { TransitionError } from './casework/workflow.js';
import { answerReceivedOn, dueFrom, reviewWindowOf, type ClockEvent, type ReviewWindow } from '../clocks/index.js';
import { loadCalendar } from '../calendar/index.js';
import { withTransaction, type Tx } from '../db/transaction.js';
import type { Executor } from '../db/executor.js';
import * as repo from './repository.js';
import { reportStatusChanged } from './status-signal.js';
import { messageRefusal, type MessageRefusal } from './reporter-message-limit.js';
import { noticeReporterReply } from './reporter-reply-notice.js';
import type { Identity } from './validate.js';

/**
 * Looks a report up by its code. The digest is keyed, so the index lookup leaks nothing useful; the
 * final compare is constant-time. A code issued before a switch of crypto profile (issue 23) has its
 * digest under the other profile's MAC: each candidate is tried, the active profile's first.
 */
export async function findByQueryCode(deps: Pick<Deps, 'db' | 'keys'>, code: string): Promise<repo.Report | null> {
  const digests = queryCodeDigests(deps.keys['receipt-lookup'], code);
  const report = await repo.findByReceiptDigest(deps.db, digests);
  // Compare even when nothing was found, so both paths do the same work.
  const stored = report?.receiptDigest ?? digests[0]!.replace(/[0-9a-f]/g, '0');
  return report && digests.some((d) => sameDigest(stored, d)) ? report : null;
}

/** A typed query code: 16 digits, or why it cannot be one (queryCodeShape). */
export type QueryCodeShape = { code: string } | { problem: 'empty' | 'not_digits' } | { problem: 'length'; digits: number };

/**
 * What was typed in the query-code box, before any lookup: the code, or why it cannot be a code —
 * nothing typed, a sign that is no digit, or how many digits there are when not 16 (a villager who
 * typed 15 is told so, not "not found"). A code of the wrong shape says nothing about any report,
 * so it is neither looked up nor counted as a guess. Folded once, as normalizeQueryCode folds it.
 */
export function queryCodeShape(input: unknown): QueryCodeShape {
  const typed = foldQueryCode(input);
  if (isQueryCode(typed)) return { code: typed };
  if (typed === '') return { problem: 'empty' };
  if (!/^\d+$/.test(typed)) return { problem: 'not_digits' };
  return { problem: 'length', digits: typed.length };
}

export type ReporterAction = 'message' | 'files' | 'identity' | 'review' | 'rating' | 'withdraw';

/** States in which the reporter may still withdraw: anything before a conclusion (DESIGN.md §3). */
const WITHDRAWABLE: readonly Status[] = ['received', 'accepted', 'assigned', 'investigating', 'referred', 'transferred'];
/**
 * The review period's length in days (第三十五条). Only the retention sweep reads it; the window
 * itself is reviewWindow below, which also moves a last day off to the next working day.
 */
export const REVIEW_WINDOW_DAYS = 30;

/** How many merges a master may itself have been merged on through (a master merged later still received). */
const MERGE_HOPS = 5;

/**
 * 合并办理 (issue 19 item 7): the report a merged report is handled as — its master, followed through
 * a master that was itself merged later — or null for a report that was not merged. Its reporter
 * follows the master's public progress and receives its written answer (track-view.ts).
 */
export async function masterOf(deps: Pick<Deps, 'db'>, report: repo.Report): Promise<repo.Report | null> {
  let current = report;
  for (let hop = 0; hop < MERGE_HOPS && current.status === 'merged' && current.mergedIntoId !== null; hop++) {
    const next = await repo.findReport(deps.db, current.mergedIntoId);
    if (!next) break;
    current = next;
  }
  return current.id === report.id ? null : current;
}

/** The master's written answers (处理意见书, 复查/复核意见书), as the clocks read them. */
function answerEvents(events: repo.ReportEvent[]): ClockEvent[] {
  return events.filter((e) => e.type === 'answer' || e.type === 'review_answer').map((e) => ({ type: e.type, at: e.at, data: e.data }));
}

export async function hasWrittenAnswer(deps: Pick<Deps, 'db'>, reportId: number): Promise<boolean> {
  return (await repo.eventsOf(deps.db, reportId)).some((e) => e.type === 'answer' || e.type === 'review_answer');
}

/**
 * 信访工作条例第三十五条、第三十六条: the reporter's window to ask for a review (复查) or re-review
 * (复核), from the day the written answer reached them, by date (src/clocks/report.ts); after a
 * re-review the matter is final. Null while no written answer stands (none yet, or the case was
 * reopened or is being reviewed, so a new answer is coming).
 */
export async function reviewWindow(deps: Pick<Deps, 'db'>, report: repo.Report, now = Date.now()): Promise<ReviewWindow | null> {
  const master = await masterOf(deps, report);
  if (master) return mergedReviewWindow(deps, report, master, now);
  const events = await repo.eventsOf(deps.db, report.id);
  if (!events.some((e) => e.type === 'answer' || e.type === 'review_answer')) return null;
  if (report.reviewLevel >= 2 && report.status !== 'under_review') return { kind: 'final' };
  if (!ANSWER_STANDS.includes(report.status as Status)) return null;
  return reviewWindowOf(report.reviewLevel, answerReceivedOn(report.answerFirstOpenedAt, events), await loadCalendar(deps.db), new Date(now));
}

/**
 * A merged reporter's window (issue 19 item 7): the master's answer and review level, but counted
 * from the day this reporter's own page first showed that answer (DESIGN.md §3: "receiving" for a
 * reporter is the first opening, recorded on their report by markAnswerOpened). A delivery the
 * master's staff recorded (answer_delivered) reached the master's reporter, not this one: not read.
 */
async function mergedReviewWindow(deps: Pick<Deps, 'db'>, report: repo.Report, master: repo.Report, now: number): Promise<ReviewWindow | null> {
  const answers = answerEvents(await repo.eventsOf(deps.db, master.id, true));
  if (answers.length === 0) return null;
  if (master.reviewLevel >= 2 && master.status !== 'under_review') return { kind: 'final' };
  if (!ANSWER_STANDS.includes(master.status as Status)) return null;
  return reviewWindowOf(master.reviewLevel, answerReceivedOn(report.answerFirstOpenedAt, answers), await loadCalendar(deps.db), new Date(now));
}

/** What the reporter may do now. */
export async function allowedActions(deps: Pick<Deps, 'db'>, report: repo.Report, now = Date.now()): Promise<Set<ReporterAction>> {
  const actions = new Set<ReporterAction>(['message', 'files']);
  const status = report.status as Status;
  if (END_STATES.includes(status) && status !== 'closed') actions.delete('files');
  if (!report.realName) actions.add('identity');
  if (WITHDRAWABLE.includes(status)) actions.add('withdraw');
  const answered = await hasWrittenAnswer(deps, report.id);
  // 第三十五条: within 30日 of receiving the answer, whatever the status (concluded and rectifying too).
  const reviewOpen = (await reviewWindow(deps, report, now))?.kind === 'open';
  // A merged reporter's review is not taken here (issue 19 item 7): a review taken online would be
  // the master's review, recorded on the master's case, whose 复查意见书 (reports/documents) quotes
  // the request and is addressed to the master's reporter — one reporter's words would reach the
  // other, and the master's reporter would get an answer to a request they never made. The page
  // instead tells them, with their own last day, to ask the unit above in writing or in person
  // (第三十五条 does not require the website), and gives the hotline (track.hbs #review-merged).
  if (reviewOpen && status !== 'merged') actions.add('review');
  // A rating may be changed while the review window is open (issue 20 item 9): a reporter who rated
  // "满意" and then saw nothing change can say so; after that the rating stands.
  if (answered && (status === 'closed' || status === 'concluded' || status === 'rectifying') && (!report.rating || reviewOpen)) actions.add('rating');
  if (['withdrawn', 'merged', 'rejected'].includes(status)) actions.delete('message');
  return actions;
}

/**
 * Records the reporter's message on `report`, unless the report's message limit is reached
 * (reporter-message-limit.ts): then nothing is recorded and the refusal says which limit and for how
 * long. Counted and written in one transaction, so messages sent at once meet the limit one by one.
 */
export async function addReporterMessage(deps: Deps, report: repo.Report, body: string, now = Date.now()): Promise<MessageRefusal | null> {
  const refused = await withTransaction(deps.db, async (tx) => {
    const refusal = await messageRefusal(tx, report.id, now);
    if (refusal) return refusal;
    await repo.insertEvent(tx, { reportId: report.id, at: now, type: 'reporter_message', actorType: 'reporter', visibleToReporter: true, body });
    await repo.updateReport(tx, report.id, { updatedAt: now });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'reporter' }, action: 'report.reporter_message', object: { type: 'report', id: report.id } }, now);
    return null;
  });
  if (refused) return refused;
  // The assignee, or with none (or a disabled one) the intake officers of the handling unit, else
  // its leads: the deadline sweep's choice (casework/notify.ts), so no reply goes unheard; at most
  // once an hour each (reporter-reply-notice.ts), so a flood of replies is not a flood of notices.
  await noticeReporterReply(deps, report, now);
  return null;
}

/**
 * Records sealed uploads as the reporter's follow-up files of a report, inside the caller's
 * transaction: their rows, one `reporter_files` event, the report's updated_at and one
 * `report.reporter_files` audit entry. Shared by the tracking page's upload and a repeated form
 * (filing.ts), so a file the reporter adds is recorded the same way whichever door it came by. The
 * caller removes the sealed files if its transaction fails, and tells the staff after the commit.
 */
export async function linkReporterUploads(tx: Tx, keys: Pick<Deps['keys'], 'identity' | 'audit-mac'>, reportId: number, uploads: EncryptedUpload[], now: number): Promise<void> {
  await linkUploads(tx, keys.identity, uploads, { type: 'report', id: reportId }, { type: 'reporter' }, now);
  await repo.insertEvent(tx, { reportId, at: now, type: 'reporter_files', actorType: 'reporter', visibleToReporter: true, data: JSON.stringify({ files: uploads.length }) });
  await repo.updateReport(tx, reportId, { updatedAt: now });
  await record(tx, keys['audit-mac'], { actor: { type: 'reporter' }, action: 'report.reporter_files', object: { type: 'report', id: reportId }, detail: { files: uploads.length } }, now);
}

/** Why a reporter's file was not attached: the report's room of files or bytes, read where it is written. */
export type RoomProblem = 'too_many' | 'total_too_large';

/** What became of sealed reporter uploads offered to a report (attachReporterUploads). */
export interface Attached {
  /** Linked now. */
  fresh: EncryptedUpload[];
  /** Not linked: the report already holds the same content (SHA-256 of the cleaned file), or an earlier file of this post is it. */
  already: EncryptedUpload[];
  /** Not linked: past the report's room. */
  refused: { upload: EncryptedUpload; problem: RoomProblem }[];
}

/**
 * Links sealed reporter uploads to a report, within its room of files and bytes and without a
 * content it already holds, recorded as linkReporterUploads records them. The room and the files
 * held are read inside the writing transaction, and write transactions run one at a time on both
 * engines: two uploads to one report sent at once cannot both pass its limit, nor attach one photo
 * twice. Owns the uploads: every one not linked is removed from the store before it returns (all
 * of them when the transaction fails, which rethrows); the staff hear of fresh files after the commit.
 */
export async function attachReporterUploads(deps: Deps, report: repo.Report, uploads: EncryptedUpload[], now: number): Promise<Attached> {
  const result: Attached = { fresh: [], already: [], refused: [] };
  try {
    await withTransaction(deps.db, async (tx) => {
      const held = new Set((await evidenceOf(tx, 'report', report.id)).map((f) => f.sha256));
      const room = await remainingUpload(deps, report, tx);
      for (const u of uploads) {
        if (held.has(u.stored.sha256)) {
          result.already.push(u);
          continue;
        }
        const problem: RoomProblem | null = room.files < 1 ? 'too_many' : u.stored.size > room.bytes ? 'total_too_large' : null;
        if (problem) {
          result.refused.push({ upload: u, problem });
          continue;
        }
        held.add(u.stored.sha256);
        room.files--;
        room.bytes -= u.stored.size;
        result.fresh.push(u);
      }
      if (result.fresh.length > 0) await linkReporterUploads(tx, deps.keys, report.id, result.fresh, now);
    });
  } catch (err) {
    await forgetUploads(deps.dirs, uploads, deps.db);
    throw err;
  }
  const linked = new Set(result.fresh);
  await forgetUploads(deps.dirs, uploads.filter((u) => !linked.has(u)));
  // As with a message: on an unassigned report, the handling unit's intake officers hear of it; one
  // notice an hour for messages and files together (reporter-reply-notice.ts).
  if (result.fresh.length > 0) await noticeReporterReply(deps, report, now);
  return result;
}

/** The tracking page's upload: cleaned temporary files sealed into the store, then attached as attachReporterUploads does. */
export async function addReporterFiles(deps: Deps, report: repo.Report, files: CleanFile[], now = Date.now()): Promise<Attached> {
  return attachReporterUploads(deps, report, await encryptUploads(deps.dirs, deps.keys.files, files), now);
}

/** How many more files and bytes the report may take from the reporter (read in `db`: a transaction's tx, by default the database). */
export async function remainingUpload(deps: Pick<Deps, 'db' | 'config'>, report: Pick<repo.Report, 'id'>, db: Executor = deps.db): Promise<{ files: number; bytes: number }> {
  const used = await evidenceCount(db, 'report', report.id);
  return { files: Math.max(0, deps.config.upload.maxFiles - used.count), bytes: Math.max(0, deps.config.upload.maxReportBytes - used.bytes) };
}

export async function giveIdentity(deps: Deps, report: repo.Report, identity: Identity, now = Date.now()): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    await repo.updateReport(tx, report.id, { realName: true, identitySealed: sealJson(deps.keys.identity, identity, `report:${report.id}`), updatedAt: now });
    await repo.insertEvent(tx, { reportId: report.id, at: now, type: 'identity_given', actorType: 'reporter', visibleToReporter: true });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'reporter' }, action: 'report.identity_given', object: { type: 'report', id: report.id } }, now);
  });
}

/** 信访工作条例 art. 35–36: to the supervising unit, then one level higher; after that the answer is final. */
export async function requestReview(deps: Deps, report: repo.Report, reason: string, now = Date.now()): Promise<void> {
  // Never on a merged report (allowedActions does not offer it; see there why).
  if (report.status === 'merged') throw new TransitionError('review_merged');
  const review = await openReview(deps, report, reason, now);
  const rule = review.reviewLevel >= 2 ? 'xinfang.rereview_answer' : 'xinfang.review_answer';
  const dueOn = dueFrom(await loadCalendar(deps.db), rule, now).due;
  await withTransaction(deps.db, async (tx) => {
    await repo.updateReport(tx, report.id, { status: 'under_review', reviewLevel: review.reviewLevel, reviewUnitId: review.reviewUnitId, statusBeforeReview: report.status, clockRule: rule, dueOn, updatedAt: now });
    await repo.insertEvent(tx, { reportId: report.id, at: now, type: 'review_requested', actorType: 'reporter', visibleToReporter: true, body: reason, data: JSON.stringify({ level: review.reviewLevel }) });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'reporter' }, action: 'report.review_requested', object: { type: 'report', id: report.id }, detail: { level: review.reviewLevel } }, now);
    await reportStatusChanged(tx, report.id, report.status, 'under_review', now);
  });
}

export async function rate(deps: Deps, report: repo.Report, rating: Rating, now = Date.now()): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    await repo.updateReport(tx, report.id, { rating, ratedAt: now, updatedAt: now });
    await repo.insertEvent(tx, { reportId: report.id, at: now, type: 'rated', actorType: 'reporter', visibleToReporter: true, data: JSON.stringify({ rating }) });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'reporter' }, action: 'report.rated', object: { type: 'report', id: report.id }, detail: { rating } }, now);
  });
}

export async function withdraw(deps: Deps, report: repo.Report, reason: string, now = Date.now()): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    await repo.updateReport(tx, report.id, { status: 'withdrawn', updatedAt: now });
    await repo.insertEvent(tx, { reportId: report.id, at: now, type: 'withdrawn', actorType: 'reporter', visibleToReporter: true, body: reason || null });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'reporter' }, action: 'report.withdrawn', object: { type: 'report', id: report.id } }, now);
    await reportStatusChanged(tx, report.id, report.status, 'withdrawn', now);
  });
}

/**
 * Opening the written answer for the first time starts the 30-day review window (DESIGN.md §3).
 * A merged reporter receives the master's answer (issue 19 item 7): the day their page first shows
 * it is recorded on their own report, and again for each newer answer of the master (nothing clears
 * it there, as the staff steps do on a report's own new answer).
 */
export async function markAnswerOpened(deps: Deps, report: repo.Report, now = Date.now()): Promise<repo.Report> {
  const master = await masterOf(deps, report);
  if (master) {
    const latest = answerEvents(await repo.eventsOf(deps.db, master.id, true)).pop();
    if (!latest || (report.answerFirstOpenedAt !== null && report.answerFirstOpenedAt >= latest.at)) return report;
    await withTransaction(deps.db, async (tx) => {
      await repo.updateReport(tx, report.id, { answerFirstOpenedAt: now });
      await record(tx, deps.keys['audit-mac'], { actor: { type: 'reporter' }, action: 'report.answer_opened', object: { type: 'report', id: report.id }, detail: { master: master.id } }, now);
    });
    return { ...report, answerFirstOpenedAt: now };
  }
  if (report.answerFirstOpenedAt || !(await hasWrittenAnswer(deps, report.id))) return report;
  await withTransaction(deps.db, async (tx) => {
    await repo.updateReport(tx, report.id, { answerFirstOpenedAt: now });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'reporter' }, action: 'report.answer_opened', object: { type: 'report', id: report.id } }, now);
  });
  return { ...report, answerFirstOpenedAt: now };
}
