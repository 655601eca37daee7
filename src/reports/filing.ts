// Filing a report: files into the encrypted store, then one transaction for the report, its files,
// its first event and its audit entry. The query code is returned only after that commit.
import { record } from '../audit/index.js';
import { discardFiles, encryptUploads, forgetUploads, linkUploads, type CleanFile, type EncryptedUpload } from '../evidence/index.js';
import { ancestorsOf } from '../regions/index.js';
import { civilAffairsUnitOf, findUnit, type Unit } from '../units/index.js';
import { hmacHex, keyFromSecret, seal, sealJson, unseal, unsealJson } from '../shared/crypto.js';
import { macCandidates } from '../shared/crypto/index.js';
import type { Deps } from '../shared/deps.js';
import type { Channel } from './catalog.js';
import { groupQueryCode, newQueryCode, queryCodeDigest } from './receipt.js';
import * as repo from './repository.js';
import { handlingLevel } from './routing.js';
import type { Identity, ReportInput } from './validate.js';
import { allowedActions, attachReporterUploads } from './tracking.js';
import { notifyNewReport } from './notify.js';
import { dueFrom, todayInChina } from '../clocks/index.js';
import { indexDocument } from '../search/index.js';
import { loadCalendar } from '../calendar/index.js';
import { withTransaction } from '../db/transaction.js';
import { objectionSubjectIdHash } from './objection-subject.js';
import { isUniqueViolation } from '../db/dialect.js';

export interface FiledReport {
  report: repo.Report;
  /**
   * The 16-digit query code, grouped for display. Shown once, never stored in clear; '' when a
   * retried post finds the report but the code is no longer shown (logged by staff, or older than
   * REPEAT_WINDOW_MS).
   */
  queryCode: string;
  handlingUnit: Unit;
  /** The files of this post the report holds: filed now, or on a repeat attached now or already held (same content). */
  files: { name: string; cleaned: boolean; kind: string }[];
  /** True when this was a retried POST of a report already filed. */
  repeated: boolean;
  /** On a repeat: the text differed from the report on record, which was left as it was. */
  changed: boolean;
  /** On a repeat: files of this post not attached, and why. */
  notAttached: { name: string; problem: RepeatProblem }[];
}

/** The civil-affairs unit that handles a report placed in `countyCode` about this subject (DESIGN.md §3). */
export async function handlingUnitFor(deps: Pick<Deps, 'db'>, countyCode: string, input: Pick<ReportInput, 'subjectPosition' | 'subjectIsHead'>): Promise<Unit> {
  const level = handlingLevel(input.subjectPosition, input.subjectIsHead);
  const chain = await ancestorsOf(deps.db, countyCode);
  const region = chain.find((r) => r.level === level);
  const unit = region ? await civilAffairsUnitOf(deps.db, region.code) : undefined;
  if (!unit) throw new Error(`no civil-affairs unit for ${countyCode} at ${level}`);
  return unit;
}

function submissionDigest(deps: Deps, nonce: string): string {
  return hmacHex(deps.keys['receipt-lookup'], `submission:${nonce}`);
}

/**
 * How long a form's nonce brings its query code back and takes more files: one day, as a form is
 * sent again within minutes. The filing rule, so reports owns it; the retention sweep drops the
 * sealed copy of the code after the same time (it imports this from the reports index). Checked
 * here as well as by the sweep, so the limit holds between two sweeps and on a node that runs none.
 */
export const REPEAT_WINDOW_MS = 24 * 3600_000;

/** Why a file sent again with an already filed form was not attached to its report. */
export type RepeatProblem = 'repeat_changed' | 'repeat_late' | 'repeat_closed' | 'too_many' | 'total_too_large';

/** The report a form's nonce already filed, if any (a form sent before a switch of crypto profile, issue 23, has the other profile's digest). */
async function filedBy(deps: Deps, nonce: string): Promise<repo.Report | undefined> {
  return repo.findBySubmissionDigest(deps.db, macCandidates(deps.keys['receipt-lookup'], `submission:${nonce}`));
}

/**
 * Whether a post with this nonce would be a repeat that gives its query code back: the form was
 * filed online and REPEAT_WINDOW_MS has not passed. Such a post files nothing new, so the filing
 * allowance of its address does not count it (routes/filing.ts): a villager who pressed send again
 * after a lost answer gets her receipt, even from an address that has filed a lot just now.
 */
export async function repeatGivesCodeBack(deps: Deps, nonce: string, now = Date.now()): Promise<boolean> {
  const existing = await filedBy(deps, nonce);
  return existing !== undefined && codeGivenBack(existing, now);
}

/** A report filed online whose form may still bring its code back (staff-logged reports keep no copy). */
function codeGivenBack(existing: repo.Report, now: number): boolean {
  return existing.receiptForRetry !== null && now - existing.receivedAt < REPEAT_WINDOW_MS;
}

/**
 * The report as this post would file it is the one on record: every field the form sets. A text
 * changed after the first post must not rewrite a report that may already be routed, read and
 * answered (the reporter adds to it from the tracking page instead).
 */
function sameAsFiled(deps: Deps, existing: repo.Report, input: ReportInput, options: FileOptions): boolean {
  // What staff logging a call set besides the form (issue 19): the source, its 来文号, the day received.
  const sameIntake =
    (existing.source ?? null) === (options.source ?? null) &&
    (existing.sourceRef ?? null) === (options.sourceRef ?? null) &&
    (options.receivedAt === undefined || todayInChina(new Date(existing.receivedAt)) === todayInChina(new Date(options.receivedAt)));
  const same =
    sameIntake &&
    existing.category === input.category &&
    existing.placeCode === input.placeCode &&
    (existing.placeOther ?? null) === input.placeOther &&
    existing.countyCode === input.countyCode &&
    existing.townshipCode === input.townshipCode &&
    (existing.subjectName ?? null) === input.subjectName &&
    (existing.subjectPosition ?? null) === input.subjectPosition &&
    Boolean(existing.subjectIsHead) === input.subjectIsHead &&
    existing.description === input.description &&
    (existing.happenedAt ?? null) === input.happenedAt &&
    (existing.objectionEntryId ?? null) === (options.objectionEntryId ?? null) &&
    existing.realName === (input.identity !== null);
  if (!same || !input.identity) return same;
  if (!existing.identitySealed) return false;
  const filed = unsealJson<Identity>(deps.keys.identity, existing.identitySealed, `report:${existing.id}`);
  // The language of the texts is the page's, not something typed.
  const typed = (i: Identity) => JSON.stringify([i.name, i.phone, i.email, i.address, i.mobile ?? null]);
  return typed(filed) === typed(input.identity);
}

/**
 * A retried POST of the same form: the same report, nothing filed twice. Within REPEAT_WINDOW_MS a
 * citizen sees the same query code again, unsealed with the form's nonce (only the holder of the
 * form has it; the code itself is never stored in clear), and the files this post carries that the
 * report does not hold yet are attached to it, as the staged upload would have. Past the window, or
 * for a report logged by staff from a call, visit or letter (no copy kept: staff read the code out
 * once, issue 16), the code is withheld and nothing is attached. A changed text changes nothing.
 *
 * `files` are this post's cleaned temporary files, or, for the loser of two racing posts, `sealed`:
 * the same files already encrypted. Either way this function owns them: what it does not attach is
 * shredded or removed from the store before it returns.
 */
async function repeatedSubmission(deps: Deps, existing: repo.Report, input: ReportInput, options: FileOptions, now: number, files: CleanFile[], sealed?: EncryptedUpload[]): Promise<FiledReport> {
  const nonce = options.nonce!;
  const code = codeGivenBack(existing, now) ? unseal(keyFromSecret(nonce, 'receipt-retry'), existing.receiptForRetry!).toString('utf8') : null;
  const unit = (await findUnit(deps.db, existing.handlingUnitId))!;
  const changed = !sameAsFiled(deps, existing, input, options);
  const answer = { report: existing, queryCode: code ? groupQueryCode(code) : '', handlingUnit: unit, repeated: true, changed };
  const posted = sealed ? sealed.map((u) => u.file) : files;
  const refusal: RepeatProblem | null = !code ? 'repeat_late' : changed ? 'repeat_changed' : !(await allowedActions(deps, existing, now)).has('files') ? 'repeat_closed' : null;
  if (refusal || posted.length === 0) {
    if (sealed) await forgetUploads(deps.dirs, sealed);
    else discardFiles(files);
    return { ...answer, files: [], notAttached: posted.map((f) => ({ name: f.originalName, problem: refusal! })) };
  }
  const uploads = sealed ?? (await encryptUploads(deps.dirs, deps.keys.files, files));
  // Within the report's room, a content it holds kept and not attached twice (tracking.ts).
  const { fresh, already, refused } = await attachReporterUploads(deps, existing, uploads, now);
  const kept = new Set<EncryptedUpload>([...fresh, ...already]);
  return {
    ...answer,
    files: uploads.filter((u) => kept.has(u)).map((u) => ({ name: u.file.originalName, cleaned: u.file.cleaned, kind: u.file.sniff.kind })),
    notAttached: refused.map((r) => ({ name: r.upload.file.originalName, problem: r.problem })),
  };
}

export interface FileOptions {
  channel: Channel;
  /** The form's one-time nonce (online filing); staff logging a call pass none. */
  nonce: string | null;
  staffId?: number;
  objectionEntryId?: number | null;
  now?: number;
  /**
   * When the office actually received it, if before it was logged (a letter opened days ago, a
   * 12345 work order): 信访工作条例 art. 22's 15 日 run from the office's receipt, not from entry.
   * The caller checks it (casework/intake.ts); defaults to now.
   */
  receivedAt?: number;
  /** Who sent a staff-logged report, and the forwarding body's document number (issue 19 item 12). */
  source?: string | null;
  sourceRef?: string | null;
}

export async function fileReport(deps: Deps, input: ReportInput, files: CleanFile[], options: FileOptions): Promise<FiledReport> {
  const now = options.now ?? Date.now();
  const receivedAt = Math.min(options.receivedAt ?? now, now);
  if (options.nonce) {
    const existing = await filedBy(deps, options.nonce);
    if (existing) return repeatedSubmission(deps, existing, input, options, now, files);
  }
  const unit = await handlingUnitFor(deps, input.countyCode, input);
  const code = newQueryCode();
  // 信访工作条例 art. 22–23: registered, routed and the reporter told within 15 days of receipt.
  const registerDue = dueFrom(await loadCalendar(deps.db), 'xinfang.register', receivedAt).due;
  // Recusal by ID hash (issue 19 item 4): who the objection is about, as a keyed hash only.
  const subjectIdHash = await objectionSubjectIdHash(deps.db, options.objectionEntryId);
  // Encrypted last before the transaction, so that whatever fails after it is caught below and
  // forgets the stored files: none is left without a row on a live node (src/evidence/storage.ts).
  const uploads = await encryptUploads(deps.dirs, deps.keys.files, files);
  let report: repo.Report;
  try {
    report = await withTransaction(deps.db, async (tx) => {
      const row = await repo.insertReport(tx, {
        // The year of receipt (China time); the number after it is unique on its own (max id + 1).
        caseNo: await repo.nextCaseNo(tx, new Date(receivedAt + 8 * 3600_000).getUTCFullYear()),
        receiptDigest: queryCodeDigest(deps.keys['receipt-lookup'], code),
        submissionDigest: options.nonce ? submissionDigest(deps, options.nonce) : null,
        receiptForRetry: options.nonce && !options.staffId ? seal(keyFromSecret(options.nonce, 'receipt-retry'), code) : null,
        channel: options.channel,
        source: options.source ?? null,
        sourceRef: options.sourceRef ?? null,
        category: input.category,
        placeCode: input.placeCode,
        placeOther: input.placeOther,
        countyCode: input.countyCode,
        townshipCode: input.townshipCode,
        subjectName: input.subjectName,
        subjectPosition: input.subjectPosition,
        subjectIsHead: input.subjectIsHead,
        description: input.description,
        happenedAt: input.happenedAt,
        realName: input.identity !== null,
        handlingUnitId: unit.id,
        status: 'received',
        clockRule: 'xinfang.register',
        dueOn: registerDue,
        receivedAt,
        updatedAt: now,
        objectionEntryId: options.objectionEntryId ?? null,
        subjectIdHash,
      });
      if (input.identity) {
        await repo.updateReport(tx, row.id, { identitySealed: sealJson(deps.keys.identity, input.identity, `report:${row.id}`) });
      }
      await indexDocument(tx, { type: 'report', id: row.id, text: [row.caseNo, input.subjectName ?? '', input.description, input.placeOther ?? ''] });
      await linkUploads(tx, deps.keys.identity, uploads, { type: 'report', id: row.id }, { type: options.staffId ? 'staff' : 'reporter', id: options.staffId ?? null }, now);
      await repo.insertEvent(tx, {
        reportId: row.id,
        at: receivedAt,
        type: 'received',
        actorType: options.staffId ? 'staff' : 'reporter',
        actorId: options.staffId ?? null,
        visibleToReporter: true,
        data: JSON.stringify({ channel: options.channel, files: uploads.length, ...(options.source ? { source: options.source } : {}), ...(receivedAt !== now ? { loggedAt: now } : {}) }),
      });
      await record(tx, deps.keys['audit-mac'], {
        actor: options.staffId ? { type: 'staff', id: options.staffId } : { type: 'reporter' },
        action: 'report.file',
        object: { type: 'report', id: row.id },
        detail: { channel: options.channel, unit: unit.id, files: uploads.length, realName: input.identity !== null, ...(options.source ? { source: options.source } : {}), ...(receivedAt !== now ? { receivedAt } : {}) },
      }, now);
      return row;
    });
  } catch (err) {
    // Two POSTs of one form racing: the loser shows the winner's receipt, and its files (already
    // sealed) go to the winner's report as any repeat's would.
    const winner = options.nonce && isUniqueViolation(err, 'reports', 'submission_digest') ? await filedBy(deps, options.nonce) : undefined;
    if (winner) return repeatedSubmission(deps, winner, input, options, now, [], uploads);
    await forgetUploads(deps.dirs, uploads, deps.db);
    throw err;
  }
  notifyNewReport(deps, unit, report);
  return {
    report,
    queryCode: groupQueryCode(code),
    handlingUnit: unit,
    files: uploads.map((u) => ({ name: u.file.originalName, cleaned: u.file.cleaned, kind: u.file.sniff.kind })),
    repeated: false,
    changed: false,
    notAttached: [],
  };
}
