// Whole numbers in the reader's language, from a formatter kept per locale (src/i18n/number.ts).
import { describe, expect, it } from 'vitest';
import { localNumber } from '../../src/i18n/number.js';

describe('localNumber', () => {
  it('groups thousands as each of the portal languages writes them, the same from the kept formatter as from a new one', () => {
    for (const locale of ['zh-CN', 'ko', 'en']) {
      expect(localNumber(locale, 1000)).toBe('1,000');
      expect(localNumber(locale, 50000)).toBe('50,000');
      // Asked again: the kept formatter answers the same.
      expect(localNumber(locale, 1234567)).toBe(new Intl.NumberFormat(locale).format(1234567));
      expect(localNumber(locale, 7)).toBe('7');
    }
  });

  it('keeps one formatter per locale: a number in another language is not written with the first one', () => {
    expect(localNumber('de', 1000)).toBe('1.000');
    expect(localNumber('en', 1000)).toBe('1,000');
  });
});
