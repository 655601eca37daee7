// How notices reach a staff user (issue 24): e-mail, text messages (SMS) or both, chosen by the user
// on their own page. SMS needs a mainland mobile number; without one, notices stay by e-mail.
// Senders call sendStaffNotice (staff-notice.ts), which reads the choice (reports/reminders.ts still
// reads it itself, for the deadline sweeps).
import { record } from '../audit/index.js';
import { withTransaction } from '../db/transaction.js';
import type { Deps } from '../shared/deps.js';
import { isMainlandMobile, normaliseMobile } from '../sms/index.js';
import { setNoticeChannel } from './notice-channel-repository.js';
import type { User } from './repository.js';

export const NOTICE_CHANNELS = ['email', 'sms', 'both'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

/** Where a notice to `user` goes: by e-mail or not, and the number to text or null. */
export function noticeChannelsOf(user: Pick<User, 'mobile' | 'noticeChannel'>): { email: boolean; sms: string | null } {
  const channel = (NOTICE_CHANNELS as readonly string[]).includes(user.noticeChannel) ? (user.noticeChannel as NoticeChannel) : 'email';
  const sms = channel !== 'email' && user.mobile ? user.mobile : null;
  // Without a number to text, e-mail stays on whatever was chosen: a notice is never lost to the choice.
  return { email: channel !== 'sms' || sms === null, sms };
}

export type NoticeChannelErrors = Partial<Record<'mobile' | 'channel', string>>;

/** Checks and saves the user's choice (audited, without the number); the field errors otherwise. */
export async function chooseNoticeChannel(deps: Deps, user: User, form: { mobile?: string; channel?: string }, now = Date.now()): Promise<NoticeChannelErrors> {
  const errors: NoticeChannelErrors = {};
  const mobile = normaliseMobile(String(form.mobile ?? '').trim().slice(0, 40));
  const channel = String(form.channel ?? 'email');
  if (mobile && !isMainlandMobile(mobile)) errors.mobile = 'staff_notice_channel.errors.mobile';
  if (!(NOTICE_CHANNELS as readonly string[]).includes(channel)) errors.channel = 'staff_notice_channel.errors.channel';
  else if (channel !== 'email' && !mobile && !errors.mobile) errors.mobile = 'staff_notice_channel.errors.mobile_needed';
  if (Object.keys(errors).length > 0) return errors;
  await withTransaction(deps.db, async (tx) => {
    await setNoticeChannel(tx, user.id, { mobile: mobile || null, noticeChannel: channel });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: user.id }, action: 'user.notice_channel', object: { type: 'user', id: user.id }, detail: { channel, mobile: mobile !== '' } }, now);
  });
  return {};
}
