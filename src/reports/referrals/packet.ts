// The referral packet (issue 5): subject, category, facts, the handler's findings and opinion,
// the timeline, and a manifest of the evidence with the SHA-256 of each file as stored (after
// metadata removal), so an inspector can verify a downloaded file. Staff investigation material
// (issue 19 item 3) names third parties: only the files a handler marked 可移送 go in, named
// `staff-<id>` beside the reporter's `evidence-<id>`.
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { signManifest } from '../../shared/crypto/index.js';
import { decryptFromStore, evidenceOf } from '../../evidence/index.js';
import { placeChain, placeLabel } from '../../regions/index.js';
import * as repo from '../repository.js';
import type { Deps } from '../../shared/deps.js';
import { findUnit } from '../../units/index.js';
import { translate } from '../../i18n/translate.js';
import type { Referral } from './service.js';
import { releasedStaffFiles } from '../casework/staff-files.js';

/**
 * What the body may still read of the case: everything while it holds the referral; once it concluded,
 * the case as it stood then (issue 19 item 11) — the handler's later work, the reporter's later files
 * and the answer are no longer its business, as the report page is not.
 */
function asOfConclusion<T>(referral: Referral, rows: T[], at: (row: T) => number): T[] {
  return referral.status === 'concluded' && referral.concludedAt !== null ? rows.filter((r) => at(r) <= referral.concludedAt!) : rows;
}

async function filesOf(deps: Deps, referral: Referral) {
  const own = (await evidenceOf(deps.db, 'report', referral.reportId)).map((f) => ({ ...f, prefix: 'evidence' }));
  const staff = (await releasedStaffFiles(deps, referral.reportId)).map((f) => ({ ...f, prefix: 'staff' }));
  return asOfConclusion(referral, [...own, ...staff], (f) => f.createdAt);
}

export async function packetContext(deps: Deps, referral: Referral) {
  const report = (await repo.findReport(deps.db, referral.reportId))!;
  const files = await filesOf(deps, referral);
  return {
    referral,
    report: { caseNo: report.caseNo, category: report.category, subjectName: report.subjectName, subjectPosition: report.subjectPosition, subjectIsHead: report.subjectIsHead, description: report.description, happenedAt: report.happenedAt, receivedAt: report.receivedAt, finding: report.finding, status: report.status },
    place: placeLabel(await placeChain(deps.db, report.placeCode)) + (report.placeOther ? ` ${report.placeOther}` : ''),
    body: (await findUnit(deps.db, referral.bodyUnitId))?.name,
    handlingUnit: (await findUnit(deps.db, report.handlingUnitId))?.name,
    events: asOfConclusion(referral, await repo.eventsOf(deps.db, report.id), (e) => e.at).map((e) => ({ type: e.type, at: e.at, body: e.body })),
    /** The links into the report itself (identity request) open only while the body holds the referral. */
    open: referral.status === 'pending' || referral.status === 'accepted',
    manifest: files.map((f, i) => ({ n: i + 1, id: f.id, name: `${f.prefix}-${f.id}.${f.ext}`, mime: f.mime, size: f.size, sha256: f.sha256, cleaned: f.cleaned })),
  };
}

/** A plain-text packet summary for the ZIP (the print view is the formal document). */
function packetText(ctx: Awaited<ReturnType<typeof packetContext>>): string {
  const t = (key: string) => translate('zh-CN', key);
  const lines = [
    `${t('referrals.packet.title')} ${ctx.report.caseNo}`,
    `${t('referrals.packet.body')}：${ctx.body}`,
    `${t('casework.inbox.category')}：${t(`report.categories.${ctx.report.category}`)}`,
    `${t('casework.inbox.place')}：${ctx.place}`,
    `${t('casework.report.subject')}：${ctx.report.subjectName ?? '—'} ${ctx.report.subjectPosition ? t(`report.positions.${ctx.report.subjectPosition}`) : ''}`,
    '',
    `${t('casework.report.description')}：`,
    ctx.report.description,
    '',
    `${t('referrals.packet.opinion')}：`,
    ctx.referral.opinion,
    '',
    `${t('referrals.packet.manifest')}（SHA-256）：`,
    ...ctx.manifest.map((m) => `${m.n}. ${m.name}  ${m.mime}  ${m.size} B  ${m.sha256}`),
  ];
  return lines.join('\n') + '\n';
}

const sha256Of = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** A ZIP of the packet summary, the signed manifest and the decrypted evidence, streamed. */
export async function packetArchive(deps: Deps, referral: Referral, printHtml: string): Promise<Readable> {
  const ctx = await packetContext(deps, referral);
  // Loaded on first use: only inspectors downloading a packet need it (bench/findings.md).
  const { default: archiver } = await import('archiver');
  const zip = archiver('zip', { zlib: { level: 6 } });
  const text = packetText(ctx);
  zip.append(text, { name: 'packet.txt' });
  zip.append(printHtml, { name: 'packet.html' });
  // The manifest names every file of the packet with its SHA-256 (`sha256sum -c SHA256SUMS` checks
  // them) and is signed with the portal's SM2 key (issue 23: documents that leave the system), so a
  // body can prove it is the portal's: `openssl pkeyutl -verify -pubin -inkey sunshine-sm2.pem
  // -rawin -digest sm3 -pkeyopt distid:1234567812345678 -in SHA256SUMS -sigfile SHA256SUMS.sig`, with
  // the key from /.well-known/sunshine-sm2.pem.
  const sums = Buffer.from(
    [`${sha256Of(text)}  packet.txt`, `${sha256Of(printHtml)}  packet.html`, ...ctx.manifest.map((m) => `${m.sha256}  evidence/${m.name}`)].join('\n') + '\n',
  );
  zip.append(sums, { name: 'SHA256SUMS' });
  zip.append(signManifest(deps.keys['manifest-signing'], sums), { name: 'SHA256SUMS.sig' });
  const files = await filesOf(deps, referral);
  for (const f of files.filter((x) => !x.erasedAt)) zip.append(decryptFromStore(deps.dirs, deps.keys.files, f.storedName), { name: `evidence/${f.prefix}-${f.id}.${f.ext}` });
  void zip.finalize();
  return zip;
}

