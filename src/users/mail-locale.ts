// The language of a staff user's e-mails: their own choice on the profile page, else the site
// default (SUNSHINE_DEFAULT_LOCALE). E-mails to a unit's address always use the site default.
import { record } from '../audit/index.js';
import { LOCALES, type Config, type Locale } from '../config.js';
import { isLocale } from '../i18n/translate.js';
import { withTransaction } from '../db/transaction.js';
import type { Deps } from '../shared/deps.js';
import * as repo from './repository.js';

/** The locale to write to this user in. */
export function mailLocaleOf(config: Pick<Config, 'defaultLocale'>, user: Pick<repo.User, 'locale'>): Locale {
  return isLocale(user.locale) ? user.locale : config.defaultLocale;
}

/** A posted choice: '' is the site default (null), 'zh-CN', 'ko' or 'en' itself, anything else undefined. */
export function parseMailLocale(raw: unknown): Locale | null | undefined {
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '') return null;
  return isLocale(value) ? value : undefined;
}

/** What the e-mail language select (views/partials/mail-language-select) shows for a stored or posted choice. */
export function mailLanguageChoice(config: Pick<Config, 'defaultLocale'>, locale: string | null, error: string | null = null) {
  const known = isLocale(locale) ? locale : null;
  return { defaultLocale: config.defaultLocale, useDefault: known === null, options: LOCALES.map((l) => ({ value: l, selected: l === known })), error };
}

/**
 * Saves the user's e-mail language: 'zh-CN', 'ko' or 'en', or '' for the site default. Anything
 * else is refused ('invalid') and nothing changes. The change is audited.
 */
export async function setMailLocale(deps: Deps, user: repo.User, raw: unknown, now = Date.now()): Promise<'invalid' | null> {
  const locale = parseMailLocale(raw);
  if (locale === undefined) return 'invalid';
  await withTransaction(deps.db, async (tx) => {
    await repo.updateUser(tx, user.id, { locale });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: user.id }, action: 'user.locale_update', object: { type: 'user', id: user.id }, detail: { locale } }, now);
  });
  return null;
}
