// The retention sweep (issue 15, PIPL arts. 19 and 47: personal information is deleted when the
// period needed for its purpose has passed). Run by the scheduler (src/plugins/scheduler.ts) with the
// time passed in, so tests sweep a dated database. What goes, and when:
//
// | what                                  | deleted when                                                     |
// |---------------------------------------|------------------------------------------------------------------|
// | a real-name reporter's identity       | the report has been in an end state for `identityDays`           |
// | a report's evidence files             | the report has been in an end state for `evidenceDays`           |
// | its staff investigation material      | the same, with the reporter's files                              |
// | a declaration and its relatives       | `declarationYears` after the declarant left office               |
// | the one-day retry copy of a query code| one day after the report was filed                               |
// | a session                             | at its expiry                                                    |
//
// "In an end state since" is the report's `updated_at`: every transition, reporter step and
// review outcome sets it, and reports have no separate "closed at" (a reporter's later message
// restarts the period, which errs on keeping). Nothing goes while a review (复查/复核) could still
// be asked for: 信访工作条例 art. 35 gives 30 days from receiving the answer, counted from its first
// opening (DESIGN.md §3), and an answer never opened counts from the end time (so nothing goes
// within 30 days of the end, whatever the schedule says; a final re-review answer is held the same
// way, erring on keeping). Reports still under investigation or review are never in an end
// state, so never touched. The report itself, its timeline and each file's row and SHA-256 stay:
// they are the state's record of the case. A report's own files and its staff investigation
// material (核查笔录, 入户照片, 谈话记录; owner `report_staff`, src/reports/casework/staff-files.ts) go
// together after `evidenceDays`: the material holds the same kind of personal information about
// villagers and third parties, and is needed for the same purpose — the case and any review of it —
// so it has no longer period of its own. Files of ledger items (整改台账) are staff records kept
// with the ledger.
//
// The schedule is configuration (SUNSHINE_RETAIN_*); a demo database without one uses
// DEMO_RETENTION. A production database without one keeps everything (the server refuses to start
// that way; this is the belt to that brace). Each deletion is audited in the transaction that makes
// it, never with the identity or file name in the detail.
import { record } from '../audit/index.js';
import { DEMO_RETENTION, type Config, type Retention } from '../config.js';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { withTransaction } from '../db/transaction.js';
import { declarantsLeftBefore, deleteDeclarant, findDeclarant } from '../declarations/index.js';
import { eraseStored, liveEvidenceOf, markEvidenceErased, ownersWithLiveFiles, type StorageDirs } from '../evidence/index.js';
import { installMode } from '../installation/index.js';
import { END_STATES, REPEAT_WINDOW_MS, REVIEW_WINDOW_DAYS, eraseIdentity, forgetRetryReceipts, reportsPastRetention, retryReceiptsBefore } from '../reports/index.js';

const DAY_MS = 86_400_000;

export interface RetentionDeps {
  db: Db;
  keys: { 'audit-mac': Buffer };
  dirs: StorageDirs;
  config: Pick<Config, 'retention'>;
}

/** The session store's sweep (src/sessions/store.ts), passed in: the scheduler holds the store. */
export interface SessionSweeper {
  sweep(now: number, audit: (tx: Executor, count: number) => Promise<void>): Promise<number>;
}

export interface SweepResult {
  /** False when no schedule applies (production without one): identities, files and declarations were kept. */
  scheduled: boolean;
  identities: number;
  files: number;
  declarations: number;
  receipts: number;
  sessions: number;
  total: number;
}

/** The schedule in force: the configured one, or the demo's on a demo database; null otherwise. */
export async function retentionInForce(db: Db, config: Pick<Config, 'retention'>): Promise<Retention | null> {
  if (config.retention) return config.retention;
  return (await installMode(db)) === 'demo' ? DEMO_RETENTION : null;
}

/** `now` less `years` calendar years (a declarant who left on 29 Feb is kept to 1 Mar). */
export function yearsBefore(now: number, years: number): number {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.getTime();
}

const system = { type: 'system' } as const;

/** Evidence owners whose id is a report's and whose files go `evidenceDays` after its end: the reporter's files, the staff's material. */
const REPORT_FILE_OWNERS = ['report', 'report_staff'] as const;

export async function runRetentionSweep(deps: RetentionDeps, sessions: SessionSweeper | null, now = Date.now()): Promise<SweepResult> {
  const { db } = deps;
  const key = deps.keys['audit-mac'];
  const schedule = await retentionInForce(db, deps.config);
  const result: SweepResult = { scheduled: schedule !== null, identities: 0, files: 0, declarations: 0, receipts: 0, sessions: 0, total: 0 };
  // A window opened at `openedBefore` or later may still take a review request.
  const openedBefore = now - REVIEW_WINDOW_DAYS * DAY_MS;
  const past = (days: number) => ({ endStates: END_STATES, endedBefore: Math.min(now - days * DAY_MS, openedBefore), openedBefore });

  if (schedule) {
    for (const id of await reportsPastRetention(db, { ...past(schedule.identityDays), withIdentity: true })) {
      await withTransaction(db, async (tx) => {
        if (!(await eraseIdentity(tx, id, now))) return;
        await record(tx, key, { actor: system, action: 'retention.identity_erased', object: { type: 'report', id } }, now);
        result.identities++;
      });
    }

    for (const ownerType of REPORT_FILE_OWNERS) {
      const withFiles = await ownersWithLiveFiles(db, ownerType);
      for (const reportId of await reportsPastRetention(db, { ...past(schedule.evidenceDays), ids: withFiles })) {
        const files = await liveEvidenceOf(db, ownerType, reportId);
        // Shredded before the rows say so: a crash in between leaves a row the next sweep finishes
        // (shredding a missing file is a no-op), never a "deleted" row whose file is still there.
        for (const f of files) await eraseStored(deps.dirs, f.storedName);
        // By stored name, not row id: keys:rotate (issue 23) may point a row at a new copy meanwhile,
        // which this sweep has not shredded; that row waits for the next sweep.
        const shredded = new Set(files.map((f) => f.storedName));
        result.files += await withTransaction(db, async (tx) => {
          // Read again inside the transaction: a second process sweeping at once marks and audits each file once.
          const still = (await liveEvidenceOf(tx, ownerType, reportId)).filter((f) => shredded.has(f.storedName));
          for (const f of still) {
            await markEvidenceErased(tx, f.id, now);
            await record(tx, key, { actor: system, action: 'retention.evidence_erased', object: { type: 'evidence', id: f.id }, detail: { report: reportId, ...(ownerType === 'report' ? {} : { owner: ownerType }) } }, now);
          }
          return still.length;
        });
      }
    }

    for (const declarant of await declarantsLeftBefore(db, yearsBefore(now, schedule.declarationYears))) {
      await withTransaction(db, async (tx) => {
        if (!(await findDeclarant(tx, declarant.id))) return;
        await deleteDeclarant(tx, declarant.id);
        await record(tx, key, { actor: system, action: 'retention.declaration_erased', object: { type: 'declarant', id: declarant.id } }, now);
        result.declarations++;
      });
    }
  }

  // Not part of the configured schedule: a technical copy with a fixed life of one day.
  // The retry copy of a query code lives exactly as long as the filing rule lets a repeat bring it back.
  const before = now - REPEAT_WINDOW_MS;
  result.receipts = await withTransaction(db, async (tx) => {
    const ids = await retryReceiptsBefore(tx, before);
    if (ids.length === 0) return 0;
    await forgetRetryReceipts(tx, before);
    for (const id of ids) await record(tx, key, { actor: system, action: 'retention.retry_receipt_forgotten', object: { type: 'report', id } }, now);
    return ids.length;
  });

  if (sessions) {
    result.sessions = await sessions.sweep(now, async (tx, count) => {
      await record(tx, key, { actor: system, action: 'retention.sessions_expired', object: { type: 'session', id: 'expired' }, detail: { count } }, now);
    });
  }

  result.total = result.identities + result.files + result.declarations + result.receipts + result.sessions;
  return result;
}
