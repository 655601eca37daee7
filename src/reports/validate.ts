// Validation of a report at the boundary: each problem is a field and a message key, so the form
// comes back with the message beside the field and everything typed kept.
import type { Db } from '../db/connection.js';
import type { Locale } from '../config.js';
import { findRegion } from '../regions/index.js';
import { isCategory, isPosition, type Category, type Position } from './catalog.js';
import { foldPhone, isMainlandMobile, normaliseMobile } from '../sms/index.js';

export const DESCRIPTION_MIN = 15;
export const DESCRIPTION_MAX = 5000;

export interface Identity {
  name: string;
  phone: string;
  email: string;
  address: string;
  /**
   * The mainland mobile number texts go to (issue 24); absent when the reporter wants none. Now the
   * contact phone, normalised, when its box was ticked; in reports filed before, a separate number.
   * Sealed with the rest.
   */
  mobile?: string;
  /** The language the reporter filed in, for their text messages. */
  smsLocale?: Locale;
}

export interface ReportInput {
  category: Category;
  placeCode: string;
  placeOther: string | null;
  countyCode: string;
  townshipCode: string;
  subjectName: string | null;
  subjectPosition: Position | null;
  subjectIsHead: boolean;
  description: string;
  happenedAt: string | null;
  identity: Identity | null;
}

export type FieldErrors = Record<string, string>;

const trim = (v: unknown, max = 10_000) => (typeof v === 'string' ? v.replace(/\r\n/g, '\n').trim().slice(0, max) : '');

/** The place chain must hold by parent links: village → township → county → prefecture. */
async function checkPlace(db: Db, f: Record<string, string>, errors: FieldErrors) {
  const prefecture = f.prefecture ? await findRegion(db, f.prefecture) : undefined;
  const county = f.county ? await findRegion(db, f.county) : undefined;
  const township = f.township ? await findRegion(db, f.township) : undefined;
  const village = f.village && f.village !== 'other' ? await findRegion(db, f.village) : undefined;
  if (!prefecture || prefecture.level !== 'prefecture') errors.prefecture = 'report.errors.prefecture';
  else if (!county || county.level !== 'county' || county.parentCode !== prefecture.code) errors.county = 'report.errors.county';
  else if (!township || township.level !== 'township' || township.parentCode !== county.code) errors.township = 'report.errors.township';
  else if (f.village && f.village !== 'other' && (!village || village.parentCode !== township.code)) errors.village = 'report.errors.village';
  else if (!village && trim(f.place_other).length < 2) errors.village = 'report.errors.village_or_other';
  return { county, township, village };
}

export async function validateReport(db: Db, f: Record<string, string>, hasAudio: boolean): Promise<{ input?: ReportInput; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  if (!isCategory(f.category)) errors.category = 'report.errors.category';
  const { county, township, village } = await checkPlace(db, f, errors);
  const subjectName = trim(f.subject_name, 200);
  if (subjectName.length > 40) errors.subject_name = 'report.errors.subject_name';
  if (f.subject_position && !isPosition(f.subject_position)) errors.subject_position = 'report.errors.subject_position';
  const description = trim(f.description, DESCRIPTION_MAX + 1000);
  if (description.length > DESCRIPTION_MAX) errors.description = 'report.errors.description_long';
  else if (description.length < DESCRIPTION_MIN && !(hasAudio && description.length === 0)) {
    errors.description = hasAudio ? 'report.errors.description_short' : 'report.errors.description_required';
  }
  const happenedAt = trim(f.happened_at, 200);
  if (happenedAt.length > 50) errors.happened_at = 'report.errors.happened_at';
  let identity: Identity | null = null;
  if (f.identity_mode === 'real_name') {
    const checked = validateIdentity(f);
    Object.assign(errors, checked.errors);
    identity = checked.identity;
  } else if (f.identity_mode !== 'anonymous') {
    errors.identity_mode = 'report.errors.identity_mode';
  }
  if (Object.keys(errors).length > 0 || !county || !township) return { errors };
  return {
    errors,
    input: {
      category: f.category as Category,
      placeCode: village?.code ?? township.code,
      placeOther: village ? null : trim(f.place_other, 200),
      countyCode: county.code,
      townshipCode: township.code,
      subjectName: subjectName || null,
      subjectPosition: isPosition(f.subject_position) ? f.subject_position : null,
      subjectIsHead: ticked(f.subject_is_head),
      description,
      happenedAt: happenedAt || null,
      identity,
    },
  };
}

/** Whether a checkbox was ticked: "on" from the form, "1" from a client that posts it so. */
function ticked(value: string | undefined): boolean {
  return value === 'on' || value === '1';
}

/** A landline with its area code: 010 and 02x take 8 digits, the 4-digit codes (0431, 0433 …) 7 or 8. */
const LANDLINE = /^0(?:(?:10|2\d)[1-9]\d{7}|[3-9]\d{2}[1-9]\d{6,7})$/;

/**
 * Whether staff can call a reporter back on this (folded) number. A mainland mobile — it starts with
 * 1, after an optional +86, 0086 or 86 — must have exactly 11 digits: one digit short or over is a
 * number nobody answers, and the old check (6 to 20 digits of anything) let it through. A landline
 * needs its area code, as the handling unit may be in another city. A number abroad (family working
 * in Korea) is taken in international form, + or 00 then at most 15 digits (ITU-T E.164).
 */
export function isCallbackPhone(folded: string): boolean {
  if (folded.length > 30 || !/^\+?[\d(][\d\s()-]*$/.test(folded)) return false;
  const digits = folded.replace(/[\s()-]/g, '');
  const china = /^(?:\+86|0086)(\d+)$/.exec(digits)?.[1] ?? /^86(1\d*)$/.exec(digits)?.[1];
  const national = china ?? digits;
  if (national.startsWith('1')) return isMainlandMobile(national);
  // In international form the area code loses its 0 (+86 431 …); some write it anyway.
  if (china !== undefined) return LANDLINE.test(national.startsWith('0') ? national : `0${national}`);
  if (/^0[1-9]/.test(digits)) return LANDLINE.test(digits);
  // +1 (North America) is always 10 digits more: a mainland mobile typed after a stray + is not taken
  // as one when a digit is missing.
  if (/^(?:\+|00)1/.test(digits)) return /^(?:\+|00)1\d{10}$/.test(digits);
  return /^(?:\+|00)[2-9]\d{6,14}$/.test(digits);
}

/**
 * A reporter's identity: name and phone required; e-mail and address optional. Texts go to the
 * contact phone when the box is ticked and the phone is a mainland mobile (a landline with the box
 * ticked is an error beside the box, not a silent "no texts"). The stored shape is unchanged: the
 * number for texts is `mobile`, as in identities sealed before, so the sender and the staff view
 * read old and new reports alike. `reporter_mobile`, the separate field of forms rendered before
 * this change (a page left open over an upgrade), is still honoured so nothing typed is lost.
 */
export function validateIdentity(f: Record<string, string | undefined>): { identity: Identity | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const identity = { name: trim(f.reporter_name, 100), phone: foldPhone(trim(f.reporter_phone, 100)), email: trim(f.reporter_email, 300), address: trim(f.reporter_address, 400) };
  if (identity.name.length < 2 || identity.name.length > 40) errors.reporter_name = 'report.errors.reporter_name';
  if (!isCallbackPhone(identity.phone)) errors.reporter_phone = 'report.errors.reporter_phone';
  if (identity.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(identity.email)) errors.reporter_email = 'report.errors.reporter_email';
  if (identity.address.length > 200) errors.reporter_address = 'report.errors.reporter_address';
  let mobile = normaliseMobile(trim(f.reporter_mobile, 40));
  if (mobile) {
    if (!isMainlandMobile(mobile)) errors.reporter_mobile = 'report.errors.reporter_mobile';
  } else if (ticked(f.reporter_sms) && !errors.reporter_phone) {
    // "Use this number for text messages" (issue 24 review): one phone field for a villager, not a
    // second "mobile for texts" field they would leave empty or fill twice.
    // A bad phone already has its message; a second one on the box would only confuse.
    mobile = normaliseMobile(identity.phone);
    if (!isMainlandMobile(mobile)) errors.reporter_sms = 'report.errors.reporter_sms';
  }
  return { identity: Object.keys(errors).length ? null : { ...identity, ...(mobile ? { mobile } : {}) }, errors };
}
