// Every SMS text fits one UCS-2 message (70 characters) in every locale, rendered with the longest
// case number (JL<year>-<6 digits>) and a realistic portal host, and says nothing but the case number,
// what happened and where to look: the host's /track, named as the site names it (issue 24).
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/config.js';
import { hasMessage } from '../../src/i18n/translate.js';
import { SMS_KINDS, SMS_MAX_CHARS, smsLength, smsText, staffSmsText } from '../../src/sms/index.js';

const LONGEST_CASE_NO = 'JL2026-999999';
/** A county civil-affairs host as deployed (the longest the texts are sized for). */
const HOST = 'jzjd.mz.jl.gov.cn';
/** How each locale names the tracking page (its title in src/reports/locales, or the words the site uses). */
const PAGE_NAME: Record<string, RegExp> = { 'zh-CN': /查询办理进度/, ko: /진행상황 조회/, en: /jzjd|Follow a report/ };

describe('SMS templates', () => {
  for (const locale of LOCALES) {
    for (const kind of SMS_KINDS) {
      it(`${locale} ${kind}: within ${SMS_MAX_CHARS} characters, with the case number and the tracking page's address`, () => {
        expect(hasMessage(`sms.${kind}`, locale)).toBe(true);
        const text = smsText(locale, kind, LONGEST_CASE_NO, HOST);
        expect(smsLength(text)).toBeLessThanOrEqual(SMS_MAX_CHARS);
        expect(text).toContain(LONGEST_CASE_NO);
        expect(text).toContain(`${HOST}/track`);
        expect(text).toMatch(PAGE_NAME[locale]!);
        expect(text).not.toMatch(/\{|https?:|\d{16}|跟踪页面|추적 페이지|사건/); // no placeholder, no scheme, no query code, not the old words
      });

      it(`${locale} ${kind}: without a host, names the page on "this site", no address left empty`, () => {
        const text = smsText(locale, kind, LONGEST_CASE_NO);
        expect(smsLength(text)).toBeLessThanOrEqual(SMS_MAX_CHARS);
        expect(text).not.toMatch(/\{|\/track|  /);
        expect(text).toMatch(PAGE_NAME[locale] ?? /./);
      });
    }
  }
});

describe('staff SMS text', () => {
  for (const locale of LOCALES) {
    it(`${locale}: a long label is cut to fit ${SMS_MAX_CHARS} characters`, () => {
      const text = staffSmsText(locale, '举报'.repeat(60), LONGEST_CASE_NO);
      expect(smsLength(text)).toBeLessThanOrEqual(SMS_MAX_CHARS);
      expect(text).toContain(LONGEST_CASE_NO);
    });
  }
});
