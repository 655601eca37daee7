import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FALLBACK_LOCALE, flatten, type Messages } from '../../src/i18n/translate.js';
import { LOCALES } from '../../src/config.js';

// Every feature's Korean and English catalogues carry every Chinese key (a missing one silently
// falls back to Chinese at run time), and every string keeps the placeholders of its Chinese original.

const SRC = path.resolve('src');
const OTHER_LOCALES = LOCALES.filter((l) => l !== FALLBACK_LOCALE);

/**
 * Keys whose placeholders legitimately differ from the Chinese ones, as Chinese placeholder → the
 * one the other locales use. cases.quarter_label: Chinese writes the quarter as a Chinese numeral
 * (第{qzh}季度), the others as a digit ({q}); src/cases/view-model.ts passes both.
 */
const PLACEHOLDER_SUBSTITUTES: Record<string, Record<string, string>> = {
  'cases.quarter_label': { '{qzh}': '{q}' },
};

function read(file: string): Map<string, string> {
  return flatten(JSON.parse(fs.readFileSync(file, 'utf8')) as Messages);
}

/** The sorted, de-duplicated `{name}` and `{{ name }}` placeholders of a string. */
function placeholders(text: string): string[] {
  return [...new Set(text.match(/\{\{\s*[^{}]+?\s*\}\}|\{\w+\}/g) ?? [])].sort();
}

// A feature's folder, or a part of one (src/reports/casework), that keeps its own strings.
const features = fs
  .readdirSync(SRC, { withFileTypes: true, recursive: true })
  .filter((e) => e.isDirectory() && e.name === 'locales' && fs.existsSync(path.join(e.parentPath, 'locales', `${FALLBACK_LOCALE}.json`)))
  .map((e) => path.relative(SRC, e.parentPath).split(path.sep).join('/'))
  .sort();

describe('locale completeness', () => {
  it('finds the feature catalogues', () => {
    expect(features).toContain('i18n');
    expect(features.length).toBeGreaterThan(5);
  });

  describe.each(features)('src/%s/locales', (feature) => {
    const dir = path.join(SRC, feature, 'locales');
    const zh = read(path.join(dir, `${FALLBACK_LOCALE}.json`));

    it.each(OTHER_LOCALES)('%s.json has exactly the Chinese keys', (locale) => {
      const file = path.join(dir, `${locale}.json`);
      expect(fs.existsSync(file), `${path.relative('.', file)} is missing`).toBe(true);
      const other = read(file);
      const missing = [...zh.keys()].filter((k) => !other.has(k));
      const extra = [...other.keys()].filter((k) => !zh.has(k));
      expect(missing, `${path.relative('.', file)}: ${missing.length} key(s) missing: ${missing.join(', ')}`).toEqual([]);
      expect(extra, `${path.relative('.', file)}: key(s) without a Chinese original: ${extra.join(', ')}`).toEqual([]);
    });

    it.each(OTHER_LOCALES)('%s.json keeps the placeholders of every Chinese string', (locale) => {
      const file = path.join(dir, `${locale}.json`);
      if (!fs.existsSync(file)) return; // reported by the key test
      const other = read(file);
      const wrong: string[] = [];
      for (const [key, source] of zh) {
        const text = other.get(key);
        if (text === undefined) continue; // reported by the key test
        const substitutes = PLACEHOLDER_SUBSTITUTES[key] ?? {};
        const expected = [...new Set(placeholders(source).map((p) => substitutes[p] ?? p))].sort();
        const actual = placeholders(text);
        if (expected.join(' ') !== actual.join(' ')) wrong.push(`${key}: expected ${expected.join(' ') || '(none)'}, got ${actual.join(' ') || '(none)'}`);
      }
      expect(wrong, `${path.relative('.', file)}: placeholders differ from Chinese:\n${wrong.join('\n')}`).toEqual([]);
    });
  });

  it('placeholders() reads single and double braces', () => {
    expect(placeholders('共 {total} 项，{{ name }} 与 {total}')).toEqual(['{total}', '{{ name }}']);
    expect(placeholders('没有占位符')).toEqual([]);
  });
});
