// The text of each SMS, per locale (src/sms/locales): the case number, what happened (its status)
// and where to look: the site's host + /track, named as the site names that page (查询办理进度,
// 진행상황 조회), so a reporter can find it from the text alone — never the report's content, the reporter's name or a link with a
// secret in it (a text message is read on a shared phone and kept by the carrier). 70 characters at
// most, the length of one UCS-2 message, so a Chinese or Korean text is never split or cut.
import type { Locale } from '../config.js';
import { translate } from '../i18n/translate.js';

export const SMS_KINDS = ['accepted', 'extended', 'answered', 'review_due'] as const;
export type SmsKind = (typeof SMS_KINDS)[number];

/** One UCS-2 SMS segment. */
export const SMS_MAX_CHARS = 70;

/** The tracking page's path, under the host the texts name. */
export const TRACK_PATH = '/track';

/**
 * The message of `kind` about case `caseNo` in `locale`. `host` is the portal's host (config.baseUrl's,
 * without scheme: a bare address is not turned into a link a phone would open blindly); without it the
 * text says "this site" instead of an address.
 */
export function smsText(locale: Locale, kind: SmsKind, caseNo: string, host?: string): string {
  const page = host ? `${host}${TRACK_PATH}` : translate(locale, 'sms.page_without_host');
  return translate(locale, `sms.${kind}`, { caseNo, page });
}

/** Characters as a phone counts them (code points). */
export function smsLength(text: string): number {
  return [...text].length;
}

/**
 * A work text to a staff user (issue 24): what there is to do (`what`, the notice's short label,
 * e.g. its e-mail subject) and the case number, then "sign in to the portal" — shortened with "…"
 * where the label would take the text past SMS_MAX_CHARS. No content, no link.
 */
export function staffSmsText(locale: Locale, what: string, caseNo: string | null): string {
  const render = (label: string) => translate(locale, 'sms.staff', { what: label, caseNo: caseNo ? ` ${caseNo}` : '' });
  const room = SMS_MAX_CHARS - smsLength(render(''));
  const chars = [...what.trim()];
  return render(chars.length <= room ? chars.join('') : `${chars.slice(0, Math.max(0, room - 1)).join('')}…`);
}
