// The format description (docs/exchange-format*.md) as an HTML page for staff, so the file page links
// to a URL rather than naming a repository path, in the staff member's language: Chinese
// (docs/exchange-format.zh-CN.md), Korean (.ko.md) or English (docs/exchange-format.md, the text the
// others translate); any other locale, or a copy not shipped, falls back to Chinese. Column names,
// codes and examples stay as they are in the file. The column list is the one of format.ts: a test
// checks that every copy's table names exactly its COLUMNS, in order. The Markdown is the
// repository's own text (no user input), rendered once per language with marked. Its tables and the
// JSON example are wider than a phone: each is put in a box of its own that scrolls sideways (as the
// other staff tables are), or the whole page would scroll at 375 px.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';
import type { Locale } from '../../config.js';
import { isLocale, translate } from '../../i18n/translate.js';

// src/exchange/file and dist/exchange/file are both three levels below the repository root.
const DOCS = new URL('../../../docs/', import.meta.url);

/** The Markdown file of each language. */
export const FORMAT_DOC_FILES: Record<string, string> = {
  'zh-CN': fileURLToPath(new URL('exchange-format.zh-CN.md', DOCS)),
  ko: fileURLToPath(new URL('exchange-format.ko.md', DOCS)),
  en: fileURLToPath(new URL('exchange-format.md', DOCS)),
};
const FALLBACK: Locale = 'zh-CN';

const rendered = new Map<string, string | null>();

const attribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Each table and preformatted block of `html` in a sideways-scrolling box named in `locale`. */
function scrollBoxes(html: string, locale: Locale): string {
  const box = (key: string) => `<div class="table-wrap" tabindex="0" role="region" aria-label="${attribute(translate(locale, key))}">`;
  return html
    .replace(/<table>/g, `${box('site.scroll_table')}<table>`)
    .replace(/<\/table>/g, '</table></div>')
    .replace(/<pre>/g, `${box('exchange.file.format_doc.scroll_example')}<pre>`)
    .replace(/<\/pre>/g, '</pre></div>');
}

function render(locale: string): string | null {
  if (!rendered.has(locale)) {
    const file = FORMAT_DOC_FILES[locale];
    const html = file && fs.existsSync(file) ? (new Marked({ gfm: true, async: false }).parse(fs.readFileSync(file, 'utf8')) as string) : null;
    rendered.set(locale, html === null ? null : scrollBoxes(html, isLocale(locale) ? locale : FALLBACK));
  }
  return rendered.get(locale)!;
}

/** The format description as HTML in `locale` (else Chinese, else English); null when no copy is shipped. */
export function formatDocHtml(locale: Locale | string = FALLBACK): string | null {
  return render(locale) ?? render(FALLBACK) ?? render('en');
}
