// A work text alone to a staff user who chose SMS or both (issue 24), for reminders.ts, which still
// decides the e-mail itself. New senders call users' sendStaffNotice, which picks the channel, sends
// the e-mail and the text in the right order and falls back to the e-mail when a lone text fails.
// The text (label and case number, never content) is users' staffTextFor, the one wording for both.
import type { Deps } from '../shared/deps.js';
import { smsSenderFor, type SmsSender } from '../sms/index.js';
import { noticeChannelsOf, staffTextFor, type User } from '../users/index.js';

/** Texts `user` about a notice of `kind` on case `caseNo` when they chose SMS; false when they did not. Throws when the text fails. */
export async function textStaffNotice(deps: Pick<Deps, 'config'>, user: User, kind: string, caseNo: string | null, sender: SmsSender = smsSenderFor(deps.config)): Promise<boolean> {
  const to = noticeChannelsOf(user).sms;
  if (!to) return false;
  await sender.send({ to, text: staffTextFor(deps.config, user, { kind, caseNo }) });
  return true;
}
