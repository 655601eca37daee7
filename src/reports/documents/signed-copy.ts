// The signed copy of a written notice (issue 23: documents that leave the system carry the portal's
// SM2 signature). A notice leaves as paper (the print page) or as a Word file; the Word file is
// written afresh on each download (its package holds the moment it was made), so a manifest
// downloaded on its own could not name its bytes. The signed copy is therefore one ZIP made in one
// go: the Word file, a manifest SHA256SUMS naming it by SHA-256 (and SM3) with the 文号, the case
// number and the dates, the manifest's SM2 signature SHA256SUMS.sig, and VERIFY.txt (验证方法). A recipient
// checks it with the key the site publishes at /.well-known/sunshine-sm2.pem:
//   openssl pkeyutl -verify -pubin -inkey sunshine-sm2.pem -rawin -digest sm3 \
//     -pkeyopt distid:1234567812345678 -in SHA256SUMS -sigfile SHA256SUMS.sig
//   sha256sum -c SHA256SUMS          (or: openssl dgst -sm3 <file>, against the SM3 line)
// The manifest holds nothing the document does not (DESIGN.md §4): no reporter name, even in the
// reporter's own copy, whose Word file is addressed to them.
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { signManifest } from '../../shared/crypto/index.js';
import type { Deps } from '../../shared/deps.js';
import { toDocx } from './document.js';
import type { IssuedDocument } from './service.js';

export const MANIFEST_NAME = 'SHA256SUMS';
export const SIGNATURE_NAME = 'SHA256SUMS.sig';
/** ASCII, so every unzip tool shows the name; the text inside is Chinese. */
export const HOWTO_NAME = 'VERIFY.txt';
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** 2026-03-05T10:04:05+08:00: an instant in China time, to the second. */
const chinaTime = (ms: number) => `${new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;

/** The Word file's name inside the copy: ASCII (case number and kind), as the .docx download's fallback name. */
export const docxName = (caseNo: string, issued: IssuedDocument) => `${caseNo}-${issued.doc.kind}.docx`;

function copyLabel(issued: IssuedDocument): string {
  if (issued.doc.kind === 'referral') return '移送函（发纪检监察机关）';
  if (issued.forReporter) return '信访人本人的文书';
  return issued.nameLeftOut ? '工作人员存档件（未显示信访人姓名）' : '工作人员存档件';
}

/**
 * The manifest: `sha256sum -c` reads its one digest line and skips the `#` lines, which say what the
 * file is; the signature covers all of it. Fixed order, UTF-8, LF line ends.
 */
export function documentManifest(issued: IssuedDocument, docx: Buffer, fileName: string, madeAt: number): Buffer {
  const { doc } = issued;
  const sha256 = crypto.createHash('sha256').update(docx).digest('hex');
  const sm3 = crypto.createHash('sm3').update(docx).digest('hex');
  const lines = [
    '# 阳光救助监督平台 文书签名清单 (Sunshine signed document manifest, v1)',
    `# 文书: ${doc.title}`,
    `# 文号: ${doc.number}`,
    `# 编号: ${doc.caseNo}`,
    `# 发文机关: ${doc.unitName}`,
    `# 成文日期: ${issued.isoDate}`,
    `# 文号编定时间: ${chinaTime(issued.numberIssuedAt)}`,
    `# 本件生成时间: ${chinaTime(madeAt)}`,
    `# 副本: ${copyLabel(issued)}`,
    '# 签名: SM2 (GB/T 32918.2, SM3, ID 1234567812345678), 公钥 /.well-known/sunshine-sm2.pem',
    `# SM3: ${sm3}  ${fileName}`,
    `${sha256}  ${fileName}`,
  ];
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

/** VERIFY.txt (验证方法): the commands, in the recipient's order; the key from the portal's own site. */
function howTo(baseUrl: string, fileName: string): string {
  const keyUrl = `${baseUrl.replace(/\/$/, '')}/.well-known/sunshine-sm2.pem`;
  return [
    '本文件包由阳光救助监督平台生成，用国密 SM2 签名。核对方法：',
    '',
    `1. 从平台网站下载公钥：${keyUrl}（保存为 sunshine-sm2.pem）。`,
    '2. 核对签名清单确由平台签发（结果应为 Signature Verified Successfully）：',
    '   openssl pkeyutl -verify -pubin -inkey sunshine-sm2.pem -rawin -digest sm3 -pkeyopt distid:1234567812345678 -in SHA256SUMS -sigfile SHA256SUMS.sig',
    '3. 核对文书文件未被改动（结果应为 OK）：',
    '   sha256sum -c SHA256SUMS',
    `   或者：openssl dgst -sm3 ${fileName}，与清单中 SM3 一行对照。`,
    '',
    '清单中的文号、编号、成文日期与文书一致。纸质文书请向发文机关核对文号。',
    '',
  ].join('\n');
}

/** The signed copy of an issued document as a ZIP stream (the Word file, the manifest, its signature, how to check). */
export async function signedCopy(deps: Pick<Deps, 'keys' | 'config'>, issued: IssuedDocument, caseNo: string, now = Date.now()): Promise<Readable> {
  const docx = await toDocx(issued.doc);
  const fileName = docxName(caseNo, issued);
  const manifest = documentManifest(issued, docx, fileName, now);
  // Loaded on first use, as for the referral packet (bench/findings.md).
  const { default: archiver } = await import('archiver');
  const zip = archiver('zip', { zlib: { level: 6 } });
  zip.append(docx, { name: fileName });
  zip.append(manifest, { name: MANIFEST_NAME });
  zip.append(signManifest(deps.keys['manifest-signing'], manifest), { name: SIGNATURE_NAME });
  zip.append(howTo(deps.config.baseUrl, fileName), { name: HOWTO_NAME });
  void zip.finalize();
  return zip;
}
