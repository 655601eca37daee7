// A partner's work order (工单/来文) becomes a report through the reports feature's own filing
// (fileReport: files, report, first event, search document and audit in one transaction), so a work
// order is handled exactly like a report staff log from a 12345 call or a 信访 letter.
//
// Idempotency: partner + 工单号. The first request claims the number with the hash of its content
// (fields and attachments); a repeat with the same hash gets the same report (fileReport is called
// with a nonce derived from partner + number, so even two racing requests file one report); a
// repeat with another hash is refused with 409 and audited, never merged into the first.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { record } from '../audit/index.js';
import { discardFiles, type CleanFile } from '../evidence/index.js';
import { ancestorsOf, findRegion } from '../regions/index.js';
import { FALLBACK_LOCALE } from '../i18n/translate.js';
import { fileReport, findReport, handlingUnitFor, isCallbackPhone, type Identity, type Report, type ReportInput } from '../reports/index.js';
import { foldPhone, isMainlandMobile, normaliseMobile } from '../sms/index.js';
import { hmacHex } from '../shared/crypto.js';
import type { Deps } from '../shared/deps.js';
import { findUnitByKey, supervisedUnitIds, type Unit } from '../units/index.js';
import { ApiError } from './auth.js';
import { partnerSecretKey, type Partner } from './partners.js';
import * as repo from './repository.js';
import { findFileItem } from './file/repository.js';
import type { WorkOrderInput, WorkOrderStatusBody } from './schemas.js';

/** A receipt older than this is refused (casework/intake.ts RECEIPT_MAX_AGE_DAYS: likely a mistyped year). */
const RECEIPT_MAX_AGE_MS = 60 * 86_400_000;
/** A receipt time this far ahead of our clock is accepted as clock skew (and counted as now). */
const RECEIPT_SKEW_MS = 5 * 60_000;

/** The report's fields from a work order, with its place checked by parent links; or a 422. */
async function reportInputOf(deps: Deps, wo: WorkOrderInput): Promise<ReportInput> {
  const place = await findRegion(deps.db, wo.placeCode);
  if (!place || (place.level !== 'township' && place.level !== 'village')) throw new ApiError(422, 'invalid', [{ path: '/placeCode', message: 'not a township or village of Jilin' }]);
  const chain = await ancestorsOf(deps.db, place.code);
  const county = chain.find((r) => r.level === 'county');
  const township = chain.find((r) => r.level === 'township');
  if (!county || !township) throw new ApiError(422, 'invalid', [{ path: '/placeCode', message: 'no county or township above this place' }]);
  const reporter = wo.reporter;
  const identity: Identity | null = reporter ? { name: reporter.name.trim(), phone: foldPhone(reporter.phone), email: reporter.email?.trim() ?? '', address: reporter.address?.trim() ?? '' } : null;
  // The form's rule (reports/validate.ts): a number staff can call back, else the reporter is unreachable.
  if (identity && !isCallbackPhone(identity.phone)) throw new ApiError(422, 'invalid', [{ path: '/reporter/phone', message: 'a mainland mobile of 11 digits (optionally after +86) or a landline with its area code, e.g. 0431-88886666' }]);
  if (identity && reporter?.sms) {
    // As the report form's box: texts go to the one contact phone, which must be a mobile.
    const mobile = normaliseMobile(identity.phone);
    if (!isMainlandMobile(mobile)) throw new ApiError(422, 'invalid', [{ path: '/reporter/phone', message: 'texts need a mainland mobile number (1[3-9] and nine digits); leave sms out for a landline' }]);
    identity.mobile = mobile;
    identity.smsLocale = reporter.smsLocale ?? FALLBACK_LOCALE;
  }
  return {
    category: wo.category,
    placeCode: place.code,
    placeOther: place.level === 'village' ? null : (wo.placeText?.trim() || null),
    countyCode: county.code,
    townshipCode: township.code,
    subjectName: wo.subject?.name?.trim() || null,
    subjectPosition: wo.subject?.position ?? null,
    subjectIsHead: wo.subject?.isHead ?? false,
    description: wo.text.replace(/\r\n/g, '\n').trim(),
    happenedAt: null,
    // Only what the partner sent: the person gave their name to the partner (DESIGN.md §4).
    identity,
  };
}

/** Whether the unit is one of the partner's scope units or below one of them. */
async function inScope(deps: Deps, partner: Partner, unit: Unit): Promise<boolean> {
  for (const key of partner.scopes) {
    const scope = await findUnitByKey(deps.db, key);
    if (scope && (await supervisedUnitIds(deps.db, scope.id)).includes(unit.id)) return true;
  }
  return false;
}

async function fileSha256(path: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** JSON with keys sorted at every level: the same work order hashes the same however it was written. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of what was sent: the work order's fields and each attachment's bytes (as cleaned, in order). */
export async function contentHashOf(wo: WorkOrderInput, files: CleanFile[]): Promise<string> {
  const hashes: string[] = [];
  for (const f of files) hashes.push(await fileSha256(f.path));
  return crypto.createHash('sha256').update(canonicalJson({ workOrder: wo, attachments: hashes })).digest('hex');
}

export function statusBody(workOrderNo: string, report: Report): WorkOrderStatusBody {
  // The public life-cycle status only: no staff notes, no identity, no text.
  return { workOrderNo, caseNo: report.caseNo, status: report.status as WorkOrderStatusBody['status'], receivedAt: new Date(report.receivedAt).toISOString(), updatedAt: new Date(report.updatedAt).toISOString() };
}

export interface Submitted {
  created: boolean;
  body: WorkOrderStatusBody;
}

async function audit(deps: Deps, partner: Partner, action: string, object: { type: string; id: number | string }, detail: Record<string, unknown>, result = 'ok') {
  // The partner is a system acting through the API; its id names it (the audit knows no partner actor).
  await record(deps.db, deps.keys['audit-mac'], { actor: { type: 'system' }, action, object, result, detail: { partner: partner.id, ...detail } });
}

/**
 * Files a work order (or finds the one already filed under its number). The temporary files are
 * always consumed: encrypted into the store, or shredded.
 */
export async function submitWorkOrder(deps: Deps, partner: Partner, wo: WorkOrderInput, files: CleanFile[], now = Date.now()): Promise<Submitted> {
  try {
    const receivedAt = Date.parse(wo.receivedAt);
    if (receivedAt > now + RECEIPT_SKEW_MS) throw new ApiError(422, 'invalid', [{ path: '/receivedAt', message: 'in the future' }]);
    if (receivedAt < now - RECEIPT_MAX_AGE_MS) throw new ApiError(422, 'invalid', [{ path: '/receivedAt', message: 'more than 60 days ago' }]);
    const input = await reportInputOf(deps, wo);
    let unit: Unit;
    try {
      unit = await handlingUnitFor(deps, input.countyCode, input);
    } catch {
      throw new ApiError(422, 'invalid', [{ path: '/placeCode', message: 'no handling unit for this place' }]);
    }
    if (!(await inScope(deps, partner, unit))) {
      await audit(deps, partner, 'exchange.work_order.refused', { type: 'work_order', id: wo.workOrderNo }, { reason: 'out_of_scope', unit: unit.id }, 'refused');
      throw new ApiError(403, 'out_of_scope');
    }
    const contentHash = await contentHashOf(wo, files);
    let order = await repo.findWorkOrder(deps.db, partner.id, wo.workOrderNo);
    // The same 工单号 imported from an exchange file (file/import.ts) is the same item: never a
    // second report. Its content is in the file's layout, not comparable here, so the partner is
    // told it exists (409) rather than merged silently.
    if (!order && (await findFileItem(deps.db, partner.key, wo.workOrderNo))) {
      await audit(deps, partner, 'exchange.work_order.conflict', { type: 'work_order', id: wo.workOrderNo }, { workOrderNo: wo.workOrderNo, importedFromFile: true }, 'refused');
      throw new ApiError(409, 'conflict');
    }
    if (!order) {
      await repo.claimWorkOrder(deps.db, { partnerId: partner.id, workOrderNo: wo.workOrderNo, contentHash, createdAt: now });
      order = (await repo.findWorkOrder(deps.db, partner.id, wo.workOrderNo))!;
    }
    if (order.contentHash !== contentHash) {
      await audit(deps, partner, 'exchange.work_order.conflict', { type: 'work_order', id: order.id }, { workOrderNo: wo.workOrderNo, reportId: order.reportId }, 'refused');
      throw new ApiError(409, 'conflict');
    }
    if (order.reportId !== null) {
      const report = (await findReport(deps.db, order.reportId))!;
      return { created: false, body: statusBody(wo.workOrderNo, report) };
    }
    // Derived under the exchange's key: the same for every repeat of this number, unknown outside.
    const nonce = hmacHex(partnerSecretKey(deps.keys), `work-order:${partner.id}:${wo.workOrderNo}`);
    let filed: Awaited<ReturnType<typeof fileReport>>;
    try {
      filed = await fileReport(deps, input, files, { channel: wo.channel, nonce, source: wo.source, sourceRef: wo.workOrderNo, receivedAt: Math.min(receivedAt, now), now });
    } catch (err) {
      await repo.dropUnfiledClaim(deps.db, order.id);
      throw err;
    }
    await repo.setWorkOrderReport(deps.db, order.id, filed.report.id, filed.report.status);
    if (!filed.repeated) await audit(deps, partner, 'exchange.work_order.filed', { type: 'report', id: filed.report.id }, { workOrder: order.id, files: files.length });
    return { created: !filed.repeated, body: statusBody(wo.workOrderNo, filed.report) };
  } finally {
    // Encrypted files are gone already; a repeat's or a refusal's are shredded here.
    discardFiles(files);
  }
}

/** The status of one of the partner's work orders, or null (not its own, or not filed). */
export async function workOrderStatus(deps: Deps, partner: Partner, workOrderNo: string): Promise<WorkOrderStatusBody | null> {
  const order = await repo.findWorkOrder(deps.db, partner.id, workOrderNo);
  if (!order || order.reportId === null) return null;
  const report = await findReport(deps.db, order.reportId);
  return report ? statusBody(workOrderNo, report) : null;
}
