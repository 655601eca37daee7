// The language of a staff user's e-mails: their own choice on the profile page, else the site
// default (SUNSHINE_DEFAULT_LOCALE). E-mails to a unit's address always use the site default.
import { record } from '../audit/index.js';
import type { Config, Locale } from '../config.js';
import { isLocale } from '../i18n/translate.js';
import type { Deps } from '../shared/deps.js';
import * as repo from './repository.js';

/** The locale to write to this user in. */
export function mailLocaleOf(config: Pick<Config, 'defaultLocale'>, user: Pick<repo.User, 'locale'>): Locale {
  return isLocale(user.locale) ? user.locale : config.defaultLocale;
}

/**
 * Saves the user's e-mail language: 'zh-CN', 'ko' or 'en', or '' for the site default. Anything
 * else is refused ('invalid') and nothing changes. The change is audited.
 */
export function setMailLocale(deps: Deps, user: repo.User, raw: unknown, now = Date.now()): 'invalid' | null {
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value !== '' && !isLocale(value)) return 'invalid';
  const locale = value === '' ? null : value;
  deps.db.transaction((tx) => {
    repo.updateUser(tx, user.id, { locale });
    record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: user.id }, action: 'user.locale_update', object: { type: 'user', id: user.id }, detail: { locale } }, now);
  });
  return null;
}
