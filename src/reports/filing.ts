// Filing a report: files into the encrypted store, then one transaction for the report, its files,
// its first event and its audit entry. The query code is returned only after that commit.
import { record } from '../audit/index.js';
import { encryptUploads, forgetUploads, linkUploads, type CleanFile } from '../evidence/index.js';
import { ancestorsOf } from '../regions/index.js';
import { civilAffairsUnitOf, findUnit, type Unit } from '../units/index.js';
import { hmacHex, keyFromSecret, seal, sealJson, unseal } from '../shared/crypto.js';
import { macCandidates } from '../shared/crypto/index.js';
import type { Deps } from '../shared/deps.js';
import type { Channel } from './catalog.js';
import { groupQueryCode, newQueryCode, queryCodeDigest } from './receipt.js';
import * as repo from './repository.js';
import { handlingLevel } from './routing.js';
import type { ReportInput } from './validate.js';
import { notifyNewReport } from './notify.js';
import { dueFrom } from '../clocks/index.js';
import { indexDocument } from '../search/index.js';
import { loadCalendar } from '../calendar/index.js';
import { withTransaction } from '../db/transaction.js';
import { objectionSubjectIdHash } from './objection-subject.js';
import { isUniqueViolation } from '../db/dialect.js';

export interface FiledReport {
  report: repo.Report;
  /**
   * The 16-digit query code, grouped for display. Shown once, never stored in clear; '' when a
   * retried post finds the report but the code is no longer shown (logged by staff, or older than a day).
   */
  queryCode: string;
  handlingUnit: Unit;
  files: { name: string; cleaned: boolean; kind: string }[];
  /** True when this was a retried POST of a report already filed. */
  repeated: boolean;
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
 * A retried POST of the same form: the same report, nothing filed twice. A citizen sees the same
 * query code again for a day. A report logged by staff from a call, visit or letter keeps no copy:
 * staff read the code out once and see it no more (issue 16: the code is for the reporter).
 */
async function repeatedSubmission(deps: Deps, nonce: string): Promise<FiledReport | null> {
  // A form sent before a switch of crypto profile (issue 23) and retried after: its digest is the other profile's.
  const existing = await repo.findBySubmissionDigest(deps.db, macCandidates(deps.keys['receipt-lookup'], `submission:${nonce}`));
  if (!existing) return null;
  const code = existing.receiptForRetry ? unseal(keyFromSecret(nonce, 'receipt-retry'), existing.receiptForRetry).toString('utf8') : null;
  const unit = (await findUnit(deps.db, existing.handlingUnitId))!;
  return { report: existing, queryCode: code ? groupQueryCode(code) : '', handlingUnit: unit, files: [], repeated: true };
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
    const again = await repeatedSubmission(deps, options.nonce);
    if (again) return again;
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
    await forgetUploads(deps.dirs, uploads, deps.db);
    // Two POSTs of one form racing: the loser shows the winner's receipt.
    if (options.nonce && isUniqueViolation(err, 'reports', 'submission_digest')) {
      const again = await repeatedSubmission(deps, options.nonce);
      if (again) return again;
    }
    throw err;
  }
  notifyNewReport(deps, unit, report);
  return {
    report,
    queryCode: groupQueryCode(code),
    handlingUnit: unit,
    files: uploads.map((u) => ({ name: u.file.originalName, cleaned: u.file.cleaned, kind: u.file.sniff.kind })),
    repeated: false,
  };
}
