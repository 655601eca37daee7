// Staff e-mails, per locale, as text and HTML: what to do and a link, never report content or
// identities (issue 4 "E-mail"). Strings live in src/mail/locales.
import Handlebars from 'handlebars';
import type { Locale } from '../config.js';
import { translate } from '../i18n/translate.js';

export type NoticeKind = 'new_report' | 'assigned' | 'reporter_replied' | 'due_soon' | 'overdue' | 'hastened' | 'referral_received' | 'identity_request' | 'identity_decided' | 'reporting_overdue' | 'transfer_received';

export interface Notice {
  subject: string;
  text: string;
  html: string;
}

/** What a notice's strings may name: the case number (also put after the subject), the link, the addressed unit, and a kind's own placeholders. */
export interface NoticeVars {
  caseNo?: string;
  link: string;
  unitName?: string;
  [placeholder: string]: string | number | undefined;
}

/**
 * A notice in the recipient's locale: the recipient user's own choice (users.mailLocaleOf), or the
 * site default for a unit's address. Without a case number (identity requests) the subject has none;
 * a kind may have its own footer (mail.<kind>.footer).
 */
export function staffNotice(locale: Locale, kind: NoticeKind | string, vars: NoticeVars): Notice {
  const key = (part: string) => translate(locale, `mail.${kind}.${part}`, vars) || translate(locale, `mail.generic.${part}`, vars);
  const subject = `${translate(locale, 'mail.prefix')}${key('subject')}${vars.caseNo ? ` ${vars.caseNo}` : ''}`;
  const greeting = vars.unitName ? `${vars.unitName}${translate(locale, 'mail.colon')}` : '';
  const body = key('body');
  const cta = translate(locale, 'mail.open', vars);
  const footer = translate(locale, `mail.${kind}.footer`) || translate(locale, 'mail.footer');
  const e = Handlebars.escapeExpression;
  return {
    subject,
    text: [greeting, body, `${cta} ${vars.link}`, footer].filter(Boolean).join('\n\n'),
    html: `${greeting ? `<p>${e(greeting)}</p>` : ''}<p>${e(body)}</p><p><a href="${e(vars.link)}">${e(cta)}</a></p><p style="color:#555">${e(footer)}</p>`,
  };
}
