// The one way a notice reaches a staff user (issue 24): by the channel the user chose on their own
// page (noticeChannelsOf) — an e-mail, a text message (SMS), or both. Every feature that tells a
// staff user something (casework, deadline sweeps, the ledger, statistical reporting, identity
// requests, referrals, transfers) calls this instead of deciding the channel itself. A unit's own
// address (units.email) is not a user and stays a plain e-mail, sent by the caller.
//
// The text is short and says only what to do: the notice's label (its e-mail subject, with the
// kind's placeholders such as a ledger item's number), the case number where there is one, and
// "sign in to the portal" (sms.staff) — never the report's content or anyone's identity.
import type { Locale } from '../config.js';
import { staffNotice, type NoticeVars } from '../mail/index.js';
import { translate } from '../i18n/translate.js';
import type { OutgoingMail } from '../plugins/mail.js';
import type { Deps } from '../shared/deps.js';
import { smsSenderFor, staffSmsText, type SmsSender } from '../sms/index.js';
import { mailLocaleOf } from './mail-locale.js';
import { noticeChannelsOf } from './notice-channel.js';
import type { Executor } from '../db/executor.js';
import { usersOfUnits, type User } from './repository.js';
import { parseRoles, WORK_ROLES } from './roles.js';

/** What a text names: the notice's kind (mail.<kind>.subject is its label), that label's placeholders, the case number. */
export interface StaffText {
  kind: string;
  caseNo?: string | null;
  /** Placeholders of the label, e.g. { itemId } for the ledger's kinds; never report content. */
  vars?: Record<string, string | number>;
}

export interface StaffNoticeParts {
  /** The e-mail, built by the caller in the user's e-mail language (mailLocaleOf). */
  mail: OutgoingMail;
  text: StaffText;
}

export interface StaffNoticeOptions {
  /**
   * Not awaited (a notice beside a user's action: assignment, a referral, an identity request): the
   * e-mail goes through mailer.sendLater, which logs a failure; nothing is retried. Without it the
   * send is awaited and throws only when nothing reached the user, for claimed sends (sweeps) to
   * give their claim back and try again.
   */
  later?: boolean;
  /** The SMS sender; by default the configured one (smsSenderFor). */
  sender?: SmsSender;
}

/**
 * The usual parts of a notice to `user`: the e-mail of `kind` in the user's e-mail language, and the
 * text of the same kind naming `caseNo` (if any). One kind for both, so the two cannot drift apart.
 */
export function staffNoticeParts(config: Deps['config'], user: User, kind: string, vars: NoticeVars, caseNo?: string | null): StaffNoticeParts {
  return { mail: { to: user.email, ...staffNotice(mailLocaleOf(config, user), kind, vars) }, text: { kind, caseNo } };
}

/** What went out: the e-mail or not, and the text ('failed' when it was tried and did not go; 'queued' when not awaited). */
export interface StaffNoticeSent {
  email: boolean;
  text: 'sent' | 'queued' | 'failed' | 'none';
}

/** The text of a staff notice in `locale`: at most 70 characters (the label is shortened with "…"). */
export function staffTextIn(locale: Locale, text: StaffText): string {
  const vars = text.vars ?? {};
  const what = translate(locale, `mail.${text.kind}.subject`, vars) || translate(locale, 'mail.generic.subject');
  return staffSmsText(locale, what, text.caseNo ?? null);
}

/** The text of a staff notice to `user`, in the user's e-mail language. */
export function staffTextFor(config: Deps['config'], user: Pick<User, 'locale'>, text: StaffText): string {
  return staffTextIn(mailLocaleOf(config, user), text);
}

/**
 * Sends `parts` to `user` by their chosen channel. With SMS chosen and a number given, the text; with
 * e-mail (or SMS without a number), the e-mail; with both, both.
 *
 * Delivery, the same whether awaited or `later`:
 * - the e-mail goes first; awaited, its failure throws before any text is sent, so a claimed send
 *   that gives its claim back and tries again sends nothing twice;
 * - a text that fails beside an e-mail that went is not tried again (a retry would send the e-mail
 *   again); it is reported as 'failed';
 * - a text that fails where it was the only channel becomes the e-mail instead: a notice is never
 *   lost to the choice (a number the gateway refuses would otherwise fail every sweep for ever).
 *   Awaited, only that e-mail's failure throws.
 */
export async function sendStaffNotice(deps: Pick<Deps, 'config' | 'mailer'>, user: User, parts: StaffNoticeParts, opts: StaffNoticeOptions = {}): Promise<StaffNoticeSent> {
  const channels = noticeChannelsOf(user);
  const mailNow = async (): Promise<void> => {
    if (opts.later) deps.mailer.sendLater(parts.mail);
    else await deps.mailer.send(parts.mail);
  };
  if (channels.email) await mailNow();
  if (!channels.sms) return { email: channels.email, text: 'none' };
  const to = channels.sms;
  const sender = opts.sender ?? smsSenderFor(deps.config);
  const text = async (): Promise<StaffNoticeSent> => {
    try {
      await sender.send({ to, text: staffTextFor(deps.config, user, parts.text) });
      return { email: channels.email, text: 'sent' };
    } catch {
      // The gateway's error names its status only; the number is not logged anywhere.
      if (channels.email) return { email: true, text: 'failed' };
      await mailNow();
      return { email: true, text: 'failed' };
    }
  };
  if (!opts.later) return text();
  // Like sendLater: the caller does not wait for the gateway (it retries with growing waits).
  text().catch(() => {});
  return { email: channels.email, text: 'queued' };
}

/**
 * The enabled users of a unit holding a work role (an administrator's account is not a unit's
 * worker): whom to tell, beside the unit's own address, of work sent to the whole unit (a transfer
 * to a department, whose every user may confirm and answer it).
 */
export async function workUsersOfUnit(db: Executor, unitId: number): Promise<User[]> {
  return (await usersOfUnits(db, [unitId])).filter((u) => !u.disabled && parseRoles(u.roles).some((r) => (WORK_ROLES as readonly string[]).includes(r)));
}
