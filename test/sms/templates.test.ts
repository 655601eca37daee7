// Every SMS text fits one UCS-2 message (70 characters) in every locale, rendered with the longest
// case number (JL<year>-<6 digits>), and says nothing but the case number, what happened and "see
// your tracking page" (issue 24).
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/config.js';
import { hasMessage } from '../../src/i18n/translate.js';
import { SMS_KINDS, SMS_MAX_CHARS, smsLength, smsText } from '../../src/sms/index.js';

const LONGEST_CASE_NO = 'JL2026-999999';

describe('SMS templates', () => {
  for (const locale of LOCALES) {
    for (const kind of SMS_KINDS) {
      it(`${locale} ${kind}: within ${SMS_MAX_CHARS} characters, with the case number and the tracking page`, () => {
        expect(hasMessage(`sms.${kind}`, locale)).toBe(true);
        const text = smsText(locale, kind, LONGEST_CASE_NO);
        expect(smsLength(text)).toBeLessThanOrEqual(SMS_MAX_CHARS);
        expect(text).toContain(LONGEST_CASE_NO);
        expect(text).not.toMatch(/\{|https?:|\d{16}/); // no placeholder left, no link, no query code
      });
    }
  }
});
