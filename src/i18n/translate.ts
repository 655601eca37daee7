// One i18n layer for every UI string (DESIGN.md §6). Chinese is the reference locale: a string
// missing in Korean or English falls back to Chinese, never to the raw key.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LOCALES, type Locale } from '../config.js';

export type Messages = { [key: string]: string | Messages };

const SRC_DIR = fileURLToPath(new URL('..', import.meta.url));
export const FALLBACK_LOCALE: Locale = 'zh-CN';

/** Nested messages as one map of dotted keys. */
export function flatten(messages: Messages, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(messages)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else flatten(value, full, out);
  }
  return out;
}

/** Every `locales` folder under src/, in a stable order. */
export function localeFolders(srcDir = SRC_DIR): string[] {
  return fs
    .readdirSync(srcDir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isDirectory() && e.name === 'locales')
    .map((e) => `${e.parentPath}/locales`)
    .sort();
}

/** Strings live beside their feature or sub-domain: src/<feature>[/<part>]/locales/<locale>.json (shared ones in src/i18n). */
export function loadCatalogs(srcDir = SRC_DIR): Record<Locale, Map<string, string>> {
  const catalogs = {} as Record<Locale, Map<string, string>>;
  const folders = localeFolders(srcDir);
  for (const locale of LOCALES) {
    const map = new Map<string, string>();
    for (const folder of folders) {
      const file = `${folder}/${locale}.json`;
      if (fs.existsSync(file)) flatten(JSON.parse(fs.readFileSync(file, 'utf8')) as Messages, '', map);
    }
    catalogs[locale] = map;
  }
  return catalogs;
}

const catalogs = loadCatalogs();

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function hasMessage(key: string, locale: Locale = FALLBACK_LOCALE): boolean {
  return catalogs[locale].has(key);
}

/** Translates `key`, replacing `{name}` placeholders from params. */
export function translate(locale: Locale, key: string, params: Record<string, unknown> = {}, from = catalogs): string {
  const template = from[locale]?.get(key) ?? from[FALLBACK_LOCALE].get(key);
  if (template === undefined) {
    // A programming error caught by test/i18n; show something neutral rather than a key.
    return '';
  }
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function catalogKeys(locale: Locale): string[] {
  return [...catalogs[locale].keys()];
}

/** The value of the HTML lang attribute for a locale. */
export function htmlLang(locale: Locale): string {
  return locale;
}
