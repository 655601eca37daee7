import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/config.js';
import { catalogKeys, hasMessage, translate } from '../../src/i18n/translate.js';

function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? templates(full) : e.name.endsWith('.hbs') ? [full] : [];
  });
}

describe('i18n', () => {
  it('falls back to Chinese for a string missing in another locale, never to the key', () => {
    const fake = {
      'zh-CN': new Map([['a.b', '中文 {n}']]),
      ko: new Map<string, string>(),
      en: new Map([['a.b', 'English {n}']]),
    };
    expect(translate('ko', 'a.b', { n: 1 }, fake)).toBe('中文 1');
    expect(translate('en', 'a.b', { n: 2 }, fake)).toBe('English 2');
    expect(translate('en', 'missing.key', {}, fake)).not.toContain('missing');
  });

  it('every Korean and English string has a Chinese original', () => {
    const zh = new Set(catalogKeys('zh-CN'));
    for (const locale of LOCALES) {
      const extra = catalogKeys(locale).filter((k) => !zh.has(k));
      expect(extra, `${locale} keys without Chinese`).toEqual([]);
    }
  });

  it('every literal key used in a template exists in Chinese', () => {
    const missing: string[] = [];
    for (const file of templates(path.resolve('views'))) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/\{\{\s*t\s+"([^"]+)"/g)) {
        if (!hasMessage(match[1]!)) missing.push(`${path.relative('views', file)}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
