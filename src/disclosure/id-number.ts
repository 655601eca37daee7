// Resident ID numbers (公民身份号码, GB 11643-1999). They are never published (DESIGN.md §5) nor
// kept in clear: callers keep only idNumberHash() for cross-checks (declarations, duplicates).
// Nothing here logs the number or puts it into a result other than `normalized`, and errors carry
// only a reason code.
import { hmacHex } from '../shared/crypto.js';
import { macCandidates } from '../shared/crypto/index.js';

export type IdNumberReason = 'length' | 'format' | 'region' | 'birthdate' | 'checksum';

export type IdNumberResult =
  | { ok: true; normalized: string; /** true when a 15-digit legacy number was converted */ legacy15: boolean }
  | { ok: false; reason: IdNumberReason };

export interface IdNumberOptions {
  /** "Today" for the not-in-the-future check (tests); defaults to the clock. */
  now?: Date;
  /**
   * Accept 15-digit first-generation numbers (issued 1984–2004, void since 2013 but still found in
   * old village ledgers) by converting them to 18 digits: "19" goes before the 6-digit birth date
   * and the check character is computed. The result is the number the holder got on conversion,
   * so both forms hash alike and cross-checks find the person. Default true.
   */
  allowLegacy15?: boolean;
}

/** GB 11643-1999 §8.2: ISO 7064 MOD 11-2 weights for positions 1–17 and check characters. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/**
 * Province-level codes of GB/T 2260 (first two digits of the address code), plus 81 and 82 (Hong
 * Kong, Macao) and 83 (Taiwan), which residence permits for those residents carry with the same
 * layout. Numbers starting with 9 (foreigners' permanent residence cards since 2023) are refused:
 * they do not belong on a rural assistance list.
 */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/**
 * Input clean-up before validation: NFKC turns full-width digits and Ｘ into ASCII; spaces (also
 * U+3000 and zero-width ones) that staff type to group digits go; a leading apostrophe, which
 * people type to keep Excel from turning the number into a float, goes; x becomes X.
 */
export function normalizeIdInput(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s\u200B-\u200D\uFEFF]+/gu, '')
    .replace(/^['‘’`]/u, '')
    .toUpperCase();
}

/** The check character for the first 17 digits (GB 11643-1999 §8.2). */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new TypeError('idCheckChar expects 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Today's date as YYYYMMDD in China (UTC+8, no daylight saving), where births are registered. */
function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

function validBirthDate(yyyymmdd: string, now: Date): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  // Day 0 of the next month is the last day of this one (handles leap years).
  if (d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return false;
  return yyyymmdd <= chinaToday(now);
}

/** Validates an 18-digit (or, if allowed, 15-digit) resident ID number. */
export function validateIdNumber(raw: string, options: IdNumberOptions = {}): IdNumberResult {
  const now = options.now ?? new Date();
  const allow15 = options.allowLegacy15 ?? true;
  const value = typeof raw === 'string' ? normalizeIdInput(raw) : '';
  if (value.length === 15 && allow15) {
    if (!/^\d{15}$/.test(value)) return { ok: false, reason: 'format' };
    const first17 = `${value.slice(0, 6)}19${value.slice(6)}`;
    const problem = checkBody(first17, now);
    if (problem) return { ok: false, reason: problem };
    return { ok: true, normalized: first17 + idCheckChar(first17), legacy15: true };
  }
  if (value.length !== 18) return { ok: false, reason: 'length' };
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, reason: 'format' };
  const first17 = value.slice(0, 17);
  const problem = checkBody(first17, now);
  if (problem) return { ok: false, reason: problem };
  if (idCheckChar(first17) !== value[17]) return { ok: false, reason: 'checksum' };
  return { ok: true, normalized: value, legacy15: false };
}

function checkBody(first17: string, now: Date): IdNumberReason | null {
  if (!PROVINCES.has(first17.slice(0, 2))) return 'region';
  if (!validBirthDate(first17.slice(6, 14), now)) return 'birthdate';
  return null;
}

/**
 * Keyed hash of a normalized number: HMAC-SHA256 under the derived key the caller passes
 * (app.keys['id-hash']). The input is prefixed so that the same key's other uses (recovery codes
 * are hashed under it too) can never collide with an ID number. Every cross-check must use this
 * one function so that hashes from different features compare equal.
 */
export function idNumberHash(key: Buffer, normalized: string): string {
  if (!Buffer.isBuffer(key) || key.length < 16) throw new TypeError('idNumberHash needs a derived key of at least 16 bytes');
  // The message names the expectation, never the value.
  if (!/^\d{17}[\dX]$/.test(normalized)) throw new TypeError('idNumberHash expects a normalized 18-character ID number');
  return hmacHex(key, `id-number:${normalized}`);
}

/**
 * An ID number's keyed hashes under both crypto profiles (issue 23): `idHash` under the active one
 * (what id_hash has always held), `idHashAlt` under the other. Both are kept on every row made from
 * now on, under either profile, so that a switch of profile needs no re-import: an intl row made
 * today already carries the SM hash, and an SM row the HMAC-SHA256 one that the rows made before
 * (id_hash_alt null) carry alone. Rows match when any hash of one equals any hash of the other
 * (`sharesIdHash`, and the repositories' `…WithHashes`).
 */
export interface IdHashes {
  idHash: string;
  idHashAlt: string | null;
}

export function idNumberHashes(key: Buffer, normalized: string): { idHash: string; idHashAlt: string } {
  const idHash = idNumberHash(key, normalized);
  const [active, other] = macCandidates(key, `id-number:${normalized}`);
  // idNumberHash is mac(…) under the active profile, the first candidate: the two must agree.
  if (active !== idHash || !other) throw new Error('idNumberHashes: the active candidate differs from idNumberHash');
  return { idHash, idHashAlt: other };
}

/** Every keyed hash a row carries (one for rows made before both were kept). */
export function idHashesOf(row: IdHashes): string[] {
  return row.idHashAlt && row.idHashAlt !== row.idHash ? [row.idHash, row.idHashAlt] : [row.idHash];
}

/** Whether two rows are the same person: any hash of one equals any hash of the other. */
export function sharesIdHash(a: IdHashes, b: IdHashes): boolean {
  const mine = idHashesOf(a);
  return idHashesOf(b).some((h) => mine.includes(h));
}
