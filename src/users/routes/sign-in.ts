// Staff sign-in: password, then TOTP (enrolled at first sign-in), then a forced password change
// for generated passwords. New session id at each step; a new sign-in ends the account's other
// sessions when configured (issue 4).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../shared/deps.js';
import { RateLimiter } from '../../shared/rate-limit.js';
import { safeLocalPath } from '../../plugins/views.js';
import { rotateCsrfSecret } from '../../plugins/security.js';
import { findUser } from '../repository.js';
import * as accounts from '../service.js';
import { totpUri } from '../totp.js';
import { record } from '../../audit/index.js';

export default async function signInRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  // Failed steps per address, counted across app nodes (src/shared/rate-limit.ts): successes do not
  // count, so an office of ten behind one NAT address does not lock itself out (issue 19 item 6).
  const attempts = new RateLimiter(app.counters, 'sign-in', 20 * deps.config.rateLimitFactor, 15 * 60_000);


  const page = (reply: FastifyReply, template: string, data: Record<string, unknown>, status = 200) =>
    reply.page(`users/${template}`, { csrfToken: reply.generateCsrf(), ...data }, { layout: 'staff', status });

  async function pending(request: FastifyRequest) {
    const s = request.session.staff;
    return s?.mfaPending ? await findUser(deps.db, s.userId) : undefined;
  }

  app.get<{ Querystring: { next?: string } }>('/staff/login', async (request, reply) => {
    if (request.staff) return reply.redirect('/staff', 303);
    return page(reply, 'login', { titleKey: 'staff.login.title', next: safeLocalPath(request.query.next, '/staff') });
  });

  app.post<{ Body: { username?: string; password?: string; next?: string } }>('/staff/login', async (request, reply) => {
    const next = safeLocalPath(request.body?.next, '/staff');
    const username = String(request.body?.username ?? '').slice(0, 100);
    // Counted before the check and given back on success (RateLimiter.take): a burst meets the limit.
    const limit = await attempts.take(request.ip);
    if (!limit.allowed) {
      reply.header('Retry-After', String(limit.retryAfterSeconds));
      return page(reply, 'login', { titleKey: 'staff.login.title', next, username, error: 'staff.login.too_many' }, 429);
    }
    const result = await accounts.checkPassword(deps, username, String(request.body?.password ?? ''));
    if (!result.ok) {
      // One message for an unknown name, a wrong password and a locked account: none tells a
      // guesser that a user name exists (issue 9).
      return page(reply, 'login', { titleKey: 'staff.login.title', next, username, error: 'staff.login.invalid' }, 401);
    }
    await attempts.giveBack(request.ip);
    // A first sign-in starts TOTP enrolment here, so that the GET of the enrolment page only reads.
    if (!result.user.totpEnabled && !result.user.totpSealed) await accounts.beginTotpEnrolment(deps, result.user);
    await request.session.regenerate();
    request.session.staff = { userId: result.user.id, lastSeen: Date.now(), since: Date.now(), mfaPending: true };
    request.session.set('next' as never, next as never);
    return reply.redirect(result.user.totpEnabled ? '/staff/login/code' : '/staff/login/enrol', 303);
  });

  app.get('/staff/login/code', async (request, reply) => {
    if (!(await pending(request))) return reply.redirect('/staff/login', 303);
    return page(reply, 'second-factor', { titleKey: 'staff.login.code_title' });
  });

  /**
   * Ends the pending step: a fresh session id for the signed-in session and a fresh CSRF secret (a
   * token seen before sign-in, e.g. on a shared computer, is worth nothing after it); returns where to go next.
   */
  async function complete(request: FastifyRequest, reply: FastifyReply, userId: number): Promise<string> {
    rotateCsrfSecret(request, reply, deps.config.baseUrl);
    const next = safeLocalPath(request.session.get('next' as never), '/staff');
    await request.session.regenerate();
    const now = Date.now();
    request.session.staff = { userId, lastSeen: now, since: now };
    await request.session.save();
    if (deps.config.singleStaffSession) await app.sessionStore.destroyForUser(userId, request.session.sessionId);
    return next;
  }

  app.post<{ Body: { code?: string } }>('/staff/login/code', async (request, reply) => {
    const user = await pending(request);
    if (!user) return reply.redirect('/staff/login', 303);
    if (!(await attempts.take(request.ip)).allowed) return page(reply, 'second-factor', { titleKey: 'staff.login.code_title', error: 'staff.login.too_many' }, 429);
    if (user.lockedUntil && user.lockedUntil > Date.now()) {
      // The account's own wait, not a failure of this address: not counted against it.
      await attempts.giveBack(request.ip);
      delete request.session.staff;
      return page(reply, 'login', { titleKey: 'staff.login.title', next: '/staff', error: 'staff.login.locked' }, 401);
    }
    if (!(await accounts.checkSecondFactor(deps, user, String(request.body?.code ?? '')))) {
      return page(reply, 'second-factor', { titleKey: 'staff.login.code_title', error: 'staff.login.bad_code' }, 401);
    }
    await attempts.giveBack(request.ip);
    return reply.redirect(await complete(request, reply, user.id), 303);
  });

  app.get<{ Querystring: { error?: string } }>('/staff/login/enrol', async (request, reply) => {
    const user = await pending(request);
    if (!user || user.totpEnabled) return reply.redirect('/staff/login', 303);
    const secret = accounts.totpSecret(deps, user);
    if (!secret) return reply.redirect('/staff/login', 303);
    const uri = totpUri(secret, user.username);
    // qrcode is loaded at the first enrolment, not at start: a few staff enrol once each.
    const { default: QRCode } = await import('qrcode');
    const qr = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    const error = request.query.error ? 'staff.login.bad_code' : null;
    return page(reply, 'enrol', { titleKey: 'staff.login.enrol_title', secret: secret.replace(/(.{4})/g, '$1 ').trim(), uri, qr, error }, error ? 400 : 200);
  });

  app.post<{ Body: { code?: string } }>('/staff/login/enrol', async (request, reply) => {
    const user = await pending(request);
    if (!user || user.totpEnabled) return reply.redirect('/staff/login', 303);
    const codes = await accounts.confirmTotpEnrolment(deps, user, String(request.body?.code ?? ''));
    if (!codes) return reply.redirect('/staff/login/enrol?error=1', 303);
    const next = await complete(request, reply, user.id);
    return page(reply, 'recovery-codes', { titleKey: 'staff.login.recovery_title', codes, next });
  });

  // Only a session signed in with both factors (request.staff) signs out as the user, or ends the
  // user's other sessions: a password alone, waiting at the code page, may end itself and no more,
  // with nothing recorded in the user's name.
  app.post('/staff/logout', async (request, reply) => {
    const userId = request.staff?.user.id;
    if (userId) await record(deps.db, deps.keys['audit-mac'], { actor: { type: 'staff', id: userId }, action: 'user.sign_out', object: { type: 'user', id: userId } });
    await request.session.destroy();
    return reply.redirect('/staff/login', 303);
  });

  app.post('/staff/logout-everywhere', async (request, reply) => {
    const userId = request.staff?.user.id;
    if (userId) {
      await app.sessionStore.destroyForUser(userId);
      await record(deps.db, deps.keys['audit-mac'], { actor: { type: 'staff', id: userId }, action: 'user.sign_out_everywhere', object: { type: 'user', id: userId } });
    }
    await request.session.destroy();
    return reply.redirect('/staff/login', 303);
  });
}
