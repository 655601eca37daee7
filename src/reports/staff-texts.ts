// Work texts to staff who chose SMS or both on their page (issue 24): the notice's label (its e-mail
// subject, in the user's e-mail language) and the case number, never content. For the senders of
// staff notices (casework/notify.ts, reminders.ts) to call beside the e-mail: `noticeChannelsOf(user).email`
// says whether the e-mail still goes. A text that fails is logged without the number by the caller.
import type { Deps } from '../shared/deps.js';
import { translate } from '../i18n/translate.js';
import { smsSenderFor, staffSmsText, type SmsSender } from '../sms/index.js';
import { mailLocaleOf, noticeChannelsOf, type User } from '../users/index.js';

/** Texts `user` about a notice of `kind` on case `caseNo` when they chose SMS; false when they did not. */
export async function textStaffNotice(deps: Pick<Deps, 'config'>, user: User, kind: string, caseNo: string | null, sender: SmsSender = smsSenderFor(deps.config)): Promise<boolean> {
  const to = noticeChannelsOf(user).sms;
  if (!to) return false;
  const locale = mailLocaleOf(deps.config, user);
  const what = translate(locale, `mail.${kind}.subject`) || translate(locale, 'mail.generic.subject');
  await sender.send({ to, text: staffSmsText(locale, what, caseNo) });
  return true;
}
