// The people's words for the coded columns (channel, category, source, status): the labels reports
// already shows on its pages, in every locale. An import accepts a label where a code belongs (a
// clerk types 来信, not letter), and an error lists each code with its label in the reader's language.
import { LOCALES, type Locale } from '../../config.js';
import { hasMessage, translate } from '../../i18n/translate.js';
import { CATEGORIES, CHANNELS, STATUSES } from '../../reports/index.js';
import { SOURCES, type Column } from './format.js';

/** The coded columns and the i18n prefix of their labels (reports' own catalogs). */
const LABELLED: Partial<Record<Column, { codes: readonly string[]; prefix: string }>> = {
  channel: { codes: CHANNELS, prefix: 'casework.channels' },
  category: { codes: CATEGORIES, prefix: 'report.categories' },
  source: { codes: SOURCES, prefix: 'casework.sources' },
  status: { codes: STATUSES, prefix: 'track.status' },
};

function labelOf(locale: Locale, column: Column, code: string): string | null {
  const spec = LABELLED[column];
  if (!spec) return null;
  const key = `${spec.prefix}.${code}`;
  return hasMessage(key, locale) || hasMessage(key) ? translate(locale, key) : null;
}

/** "left_out（漏保、应保未保）, …" for an error message; null for a column without labels. */
export function allowedWithLabels(locale: Locale, column: Column): string | null {
  const spec = LABELLED[column];
  if (!spec) return null;
  const open = locale === 'zh-CN' ? '（' : ' (';
  const close = locale === 'zh-CN' ? '）' : ')';
  return spec.codes
    .map((code) => {
      const label = labelOf(locale, column, code);
      return label ? `${code}${open}${label}${close}` : code;
    })
    .join(locale === 'zh-CN' ? '、' : ', ');
}

/** Label → code for every coded column, in every locale; a label two codes share is left out (ambiguous). */
export function codesByLabel(): Partial<Record<Column, Map<string, string>>> {
  const out: Partial<Record<Column, Map<string, string>>> = {};
  for (const [column, spec] of Object.entries(LABELLED) as [Column, { codes: readonly string[] }][]) {
    const map = new Map<string, string>();
    const ambiguous = new Set<string>();
    for (const code of spec.codes) {
      for (const locale of LOCALES) {
        const label = labelOf(locale, column, code)?.trim().toLowerCase();
        if (!label || label === code) continue;
        if (map.has(label) && map.get(label) !== code) ambiguous.add(label);
        else map.set(label, code);
      }
    }
    for (const label of ambiguous) map.delete(label);
    out[column] = map;
  }
  return out;
}
