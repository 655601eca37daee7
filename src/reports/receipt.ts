// The query code (查询码): 16 digits from a CSPRNG, shown once, looked up by HMAC (DESIGN.md §4).
import crypto from 'node:crypto';
import { hmacHex } from '../shared/crypto.js';
import { macCandidates } from '../shared/crypto/index.js';

export function newQueryCode(): string {
  let code = '';
  for (let i = 0; i < 16; i++) code += crypto.randomInt(0, 10).toString();
  return code;
}

/** Accepts what people type: spaces, dashes, full-width digits. Returns 16 ASCII digits or null. */
export function normalizeQueryCode(input: unknown): string | null {
  const ascii = foldQueryCode(input);
  return isQueryCode(ascii) ? ascii : null;
}

/** Whether a folded code (foldQueryCode) has a query code's shape: 16 ASCII digits. */
export function isQueryCode(folded: string): boolean {
  return /^\d{16}$/.test(folded);
}

/** A typed query code in ASCII: full-width digits folded, spaces, dashes, dots and underscores out. */
export function foldQueryCode(input: unknown): string {
  if (typeof input !== 'string') return '';
  return input.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[\s\-－—_.]/g, '');
}

export function groupQueryCode(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function queryCodeDigest(lookupKey: Buffer, code: string): string {
  return hmacHex(lookupKey, `query-code:${code}`);
}

/** The digests a stored code may have: under the active crypto profile, then under the other. */
export function queryCodeDigests(lookupKey: Buffer, code: string): string[] {
  return macCandidates(lookupKey, `query-code:${code}`);
}
