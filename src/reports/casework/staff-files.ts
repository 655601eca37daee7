// Staff investigation material (issue 19 item 3): 核查笔录, 入户照片, 谈话记录 and the like, added to a
// report by those who investigate it. The files go through the citizen evidence pipeline unchanged
// (src/evidence: type sniffed from the bytes, metadata stripped, size and count limits, encrypted at
// rest) under an owner of their own, `report_staff` with the report's id: every reader of a report's
// own files (`'report'`: the tracking page, the referral packet, documents, the report's evidence
// list) leaves them out without knowing they exist, so nothing reaches the reporter, a publication or
// a discipline body by omission. The material names third parties, so:
// - only the responsible person and the handling unit's handlers, leads and supervisors add it, and
//   the reviewing unit reads it (permissions.ts: staff_files, staff_files_read);
// - each file carries a short description, sealed like file names;
// - it enters the referral packet only once a handler marks it 可移送 (staff_files_release), audited;
// - every list shown (with the report.view entry) and every download is audited, by file id, never
//   by name or description.
// Retention: staff material is erased with the reporter's files, `evidenceDays` after the report's
// end state (src/retention): it holds the same kind of personal information (homes, faces, what
// neighbours said), and the case record that stays — timeline, finding, answer, each file's row and
// SHA-256 — does not need it once no review can be asked for.
import type { StaffContext } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { record } from '../../audit/index.js';
import { withTransaction } from '../../db/transaction.js';
import { encryptUploads, evidenceCount, evidenceOf, fileNote, findEvidence, forgetUploads, linkUploads, setForReferral, type CleanFile, type EvidenceFile, type FileProblem, type UploadLimits } from '../../evidence/index.js';
import { userNames } from '../../users/index.js';
import * as repo from '../repository.js';
import { allows } from './permissions.js';
import { relationOf } from './relation.js';

/** The evidence owner type of staff material; its id is the report's. */
export const STAFF_OWNER = 'report_staff';

/** A description long enough to say what the file is (核查笔录), short enough to stay a label. */
export const DESCRIPTION_MIN = 2;
export const DESCRIPTION_MAX = 100;

/**
 * Material is added while the case is worked on or answered: from acceptance to the conclusion and
 * its rectification, and during a review. Not before acceptance (nobody investigates yet) nor in an
 * end state, whose retention period has begun.
 */
const UPLOAD_STATES = ['accepted', 'assigned', 'investigating', 'referred', 'transferred', 'concluded', 'rectifying', 'under_review'];

export class StaffFilesError extends AppError {
  constructor(reason: 'description' | 'no_file' | 'state' | 'not_found') {
    super(reason === 'state' ? 409 : reason === 'not_found' ? 404 : 400, `STAFF_FILES_${reason.toUpperCase()}`, `casework.staff_files.errors.${reason}`);
  }
}

export function mayUploadNow(report: repo.Report): boolean {
  return UPLOAD_STATES.includes(report.status);
}

/**
 * The upload limits of one form: the citizen's per-file size, and per report the same count and
 * total bytes as the reporter's side (SUNSHINE_MAX_FILES, SUNSHINE_MAX_REPORT_MB), less what is there.
 */
export async function staffUploadLimits(deps: Deps, report: repo.Report): Promise<UploadLimits> {
  const used = await evidenceCount(deps.db, STAFF_OWNER, report.id);
  const { maxFileBytes, maxFiles, maxReportBytes } = deps.config.upload;
  return { maxFileBytes, maxFiles: Math.max(0, maxFiles - used.count), maxTotalBytes: Math.max(0, maxReportBytes - used.bytes) };
}

export function checkDescription(raw: string | undefined): string {
  const text = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (text.length < DESCRIPTION_MIN || text.length > DESCRIPTION_MAX) throw new StaffFilesError('description');
  return text;
}

/** Stores cleaned uploads as staff material of the report: encrypted first, linked, evented and audited in one transaction. */
export async function addStaffFiles(deps: Deps, staff: StaffContext, report: repo.Report, files: CleanFile[], description: string, now = Date.now()): Promise<number> {
  if (!mayUploadNow(report)) throw new StaffFilesError('state');
  if (files.length === 0) throw new StaffFilesError('no_file');
  const note = checkDescription(description);
  const uploads = await encryptUploads(deps.dirs, deps.keys.files, files);
  try {
    await withTransaction(deps.db, async (tx) => {
      await linkUploads(tx, deps.keys.identity, uploads, { type: STAFF_OWNER, id: report.id }, { type: 'staff', id: staff.user.id }, now, note);
      // On the staff timeline only (never the reporter's), and without the description: the referral
      // packet copies the timeline, and the description is released with its file or not at all.
      await repo.insertEvent(tx, { reportId: report.id, at: now, type: 'staff_files_added', actorType: 'staff', actorId: staff.user.id, visibleToReporter: false, data: JSON.stringify({ files: uploads.length }) });
      await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'report.staff_files_added', object: { type: 'report', id: report.id }, detail: { files: uploads.length, sha256: uploads.map((u) => u.stored.sha256) } }, now);
    });
  } catch (err) {
    await forgetUploads(deps.dirs, uploads, deps.db);
    throw err;
  }
  return uploads.length;
}

/** The report's staff file `fileId`, or undefined (another report's file, a citizen's file, none). */
export async function staffFileOf(deps: Deps, report: repo.Report, fileId: number): Promise<EvidenceFile | undefined> {
  const file = Number.isSafeInteger(fileId) ? await findEvidence(deps.db, fileId) : undefined;
  return file && file.ownerType === STAFF_OWNER && file.ownerId === report.id ? file : undefined;
}

/** Marks a staff file 可移送 (or takes the mark back), audited; an erased file cannot be released. */
export async function markForReferral(deps: Deps, staff: StaffContext, report: repo.Report, fileId: number, on: boolean, now = Date.now()): Promise<void> {
  const file = await staffFileOf(deps, report, fileId);
  if (!file || file.erasedAt) throw new StaffFilesError('not_found');
  if (file.forReferral === on) return;
  await withTransaction(deps.db, async (tx) => {
    if (!(await setForReferral(tx, file.id, on))) throw new StaffFilesError('not_found');
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: on ? 'report.staff_file_released' : 'report.staff_file_withheld', object: { type: 'evidence', id: file.id }, detail: { report: report.id } }, now);
  });
}

/** Staff files released 可移送, for the referral packet (src/reports/referrals/packet.ts). */
export async function releasedStaffFiles(deps: Deps, reportId: number): Promise<EvidenceFile[]> {
  return (await evidenceOf(deps.db, STAFF_OWNER, reportId)).filter((f) => f.forReferral);
}

/** What a refused upload gives back to the form: the problems, the reason, the description typed. */
export interface StaffFilesForm {
  problems?: FileProblem[];
  error?: string;
  description?: string;
  dropped?: string[];
}

/**
 * The context of views/reports/casework/partials/staff-files.hbs for this user, or null when they
 * may not read staff material (the page then says nothing of it). `ids` are the files listed, for
 * the page view's audit entry.
 */
export async function staffFilesContext(deps: Deps, staff: StaffContext, report: repo.Report, form: StaffFilesForm = {}) {
  const rel = await relationOf(deps, staff, report);
  if (!allows('staff_files_read', staff, rel, report)) return null;
  const rows = await evidenceOf(deps.db, STAFF_OWNER, report.id);
  const names = new Map((await userNames(deps.db, [...new Set(rows.map((f) => f.uploadedById).filter((x): x is number => x !== null))])).map((u) => [u.id, u.name]));
  const limits = await staffUploadLimits(deps, report);
  const canRelease = allows('staff_files_release', staff, rel, report);
  const base = `/staff/reports/${report.id}/staff-files`;
  return {
    reportId: report.id,
    ids: rows.map((f) => f.id),
    files: rows.map((f) => ({
      id: f.id,
      description: fileNote(deps.keys.identity, f),
      mime: f.mime,
      ext: f.ext,
      size: f.size,
      sha256: f.sha256,
      cleaned: f.cleaned,
      createdAt: f.createdAt,
      by: f.uploadedById ? (names.get(f.uploadedById) ?? null) : null,
      forReferral: f.forReferral,
      erasedAt: f.erasedAt,
      href: `${base}/${f.id}`,
      canRelease: canRelease && !f.erasedAt,
      releaseAction: `${base}/referral`,
    })),
    canUpload: mayUploadNow(report) && allows('staff_files', staff, rel, report),
    uploadAction: base,
    remaining: limits.maxFiles,
    descriptionMax: DESCRIPTION_MAX,
    form,
  };
}

export type StaffFilesContext = NonNullable<Awaited<ReturnType<typeof staffFilesContext>>>;
