// A staff user's own account: change password (required after a generated one); how notices reach them (e-mail, SMS or both, issue 24).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import { isAdminDuty, ROLES } from '../roles.js';
import type { Deps } from '../../shared/deps.js';
import { findUser } from '../repository.js';
import { changePassword } from '../service.js';
import { chooseNoticeChannel, NOTICE_CHANNELS, type NoticeChannelErrors } from '../notice-channel.js';

export default async function profileRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;

  /** Why the user must change the password now, if they must: a generated one, or one past its age. */
  const reason = (request: FastifyRequest) => ({ mustChange: request.staff!.user.mustChangePassword, expired: !request.staff!.user.mustChangePassword && !!request.staff!.passwordExpired, maxAgeDays: deps.config.passwordMaxAgeDays });

  app.get<{ Querystring: { done?: string } }>('/staff/password', { preHandler: requireStaff() }, async (request, reply) =>
    reply.page('users/password', { titleKey: 'staff.password.title', csrfToken: reply.generateCsrf(), ...reason(request), done: request.query.done === '1' }, { layout: 'staff' }),
  );

  app.post<{ Body: { current?: string; next?: string; confirm?: string } }>('/staff/password', { preHandler: requireStaff() }, async (request, reply) => {
    const user = request.staff!.user;
    const next = String(request.body?.next ?? '');
    const problem = next !== String(request.body?.confirm ?? '') ? 'mismatch' : await changePassword(deps, user, String(request.body?.current ?? ''), next);
    if (problem) {
      return reply.page('users/password', { titleKey: 'staff.password.title', csrfToken: reply.generateCsrf(), ...reason(request), error: `staff.password.errors.${problem}` }, { layout: 'staff', status: 400 });
    }
    // A password change ends every other session: a copied cookie stops working (issue 9).
    const now = Date.now();
    await request.session.regenerate();
    request.session.staff = { userId: user.id, lastSeen: now, since: (await findUser(deps.db, user.id))!.passwordChangedAt };
    await request.session.save();
    await app.sessionStore.destroyForUser(user.id, request.session.sessionId);
    return reply.redirect(user.mustChangePassword || request.staff!.passwordExpired ? '/staff' : '/staff/password?done=1', 303);
  });

  // The notice channel is the user's own setting, like the password: every user with a role opens it,
  // administrators included (requireStaff() alone keeps them to their admin pages). Their notices all
  // go by e-mail, so the page tells them the choice does not change them.
  const anyRole = requireStaff(...ROLES);
  const channelPage = (request: FastifyRequest, values: { mobile: string; channel: string }, extra: { errors?: NoticeChannelErrors; done?: boolean } = {}) => ({
    titleKey: 'staff_notice_channel.title',
    adminDuty: request.staff!.roles.some(isAdminDuty),
    values,
    channels: NOTICE_CHANNELS.map((c) => ({ value: c, label: `staff_notice_channel.channels.${c}`, checked: c === values.channel })),
    errors: extra.errors ?? {},
    hasErrors: Object.keys(extra.errors ?? {}).length > 0,
    done: extra.done ?? false,
  });

  app.get<{ Querystring: { done?: string } }>('/staff/notice-channel', { preHandler: anyRole }, async (request, reply) => {
    const user = request.staff!.user;
    const page = channelPage(request, { mobile: user.mobile ?? '', channel: user.noticeChannel }, { done: request.query.done === '1' });
    return reply.page('users/notice-channel', { ...page, csrfToken: reply.generateCsrf() }, { layout: 'staff' });
  });

  app.post<{ Body: { mobile?: string; channel?: string } }>('/staff/notice-channel', { preHandler: anyRole }, async (request, reply) => {
    const form = { mobile: String(request.body?.mobile ?? '').slice(0, 40), channel: String(request.body?.channel ?? 'email').slice(0, 10) };
    const errors = await chooseNoticeChannel(deps, request.staff!.user, form);
    if (Object.keys(errors).length > 0) {
      return reply.page('users/notice-channel', { ...channelPage(request, form, { errors }), csrfToken: reply.generateCsrf() }, { layout: 'staff', status: 400 });
    }
    return reply.redirect('/staff/notice-channel?done=1', 303);
  });
}
