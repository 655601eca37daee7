// Who the staff user of a request is, from the server-side session. A session stops working when
// the user is disabled, changes password, signs out everywhere, or stays idle too long.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ADMIN_DUTIES, findUser, isAdminDuty, parseRoles, passwordExpired, type Role, type User } from '../users/index.js';
import { findUnit, type Unit } from '../units/index.js';
import { AppError } from '../shared/errors.js';
import { noteStaffTerminal, trackStaffTerminals } from '../audit/index.js';

export interface StaffContext {
  user: User;
  unit: Unit;
  roles: Role[];
  has(role: Role): boolean;
  /** The password is older than SUNSHINE_PASSWORD_MAX_AGE_DAYS: it is changed before any work. */
  passwordExpired?: boolean;
}

/** The acting staff user, as services take it (also used by tools and demo seeding). */
export function staffContext(user: User, unit: Unit): StaffContext {
  const roles = parseRoles(user.roles);
  return { user, unit, roles, has: (role) => roles.includes(role) };
}

declare module 'fastify' {
  interface FastifyRequest {
    staff: StaffContext | null;
  }
}

export default fp(
  async (app, opts: { config: Config }) => {
    const idleMs = opts.config.staffIdleMinutes * 60_000;
    app.decorateRequest('staff', null);
    trackStaffTerminals(app);
    app.addHook('preHandler', async (request) => {
      const s = request.session?.staff;
      if (!s || s.mfaPending) return;
      const now = Date.now();
      const user = await findUser(app.db, s.userId);
      const stale = now - s.lastSeen > idleMs;
      const revoked = !user || user.disabled || user.passwordChangedAt > s.since;
      if (stale || revoked || !user) {
        delete request.session.staff;
        return;
      }
      const unit = await findUnit(app.db, user.unitId);
      if (!unit) return;
      // Touch the session at most once a minute: each change is a durable commit (bench/findings.md).
      if (now - s.lastSeen > 60_000) request.session.staff = { ...s, lastSeen: now };
      request.staff = { ...staffContext(user, unit), passwordExpired: passwordExpired(user, opts.config.passwordMaxAgeDays, now) };
      noteStaffTerminal(request);
    });
    // The staff header: who is signed in (the sign-out form's CSRF token comes with every staff page).
    // Links that depend on a feature's own permission rule are added by that feature (mayEditPolicy…).
    app.addPageContext((request) =>
      request.staff ? { staffUser: { name: request.staff.user.displayName, unit: request.staff.unit.name, unitKind: request.staff.unit.kind, roles: request.staff.roles, adminDuty: request.staff.roles.some(isAdminDuty) } } : {},
    );
  },
  { name: 'auth', dependencies: ['session', 'db', 'views'] },
);

/** Pages about the user's own account, open to every signed-in user whatever their roles. */
const OWN_ACCOUNT = /^\/staff\/(password|profile|logout)(\/|\?|$)/;

/** Where an administrator's work starts: the first page of their duty. */
export const ADMIN_HOME: Record<(typeof ADMIN_DUTIES)[number], string> = { system_admin: '/staff/admin/users', security_admin: '/staff/admin/users', audit_admin: '/staff/admin/audit' };

/**
 * preHandler for staff pages: signed in (else to the sign-in page) and, when given, holding one of
 * `roles`. A page open to "any staff" (no roles given) is casework: it needs a work role, so an
 * administrator duty (no case content, 三权分立, issue 15) and an account not yet given a role are
 * refused there — checked here on the server, whatever the menu shows.
 */
export function requireStaff(...roles: Role[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.staff) {
      if (request.method === 'GET') return reply.redirect(`/staff/login?next=${encodeURIComponent(request.url)}`, 303);
      throw new AppError(403, 'SIGNED_OUT', 'staff.errors.signed_out');
    }
    // A generated or reset password, or one past its maximum age, is changed before any work is done with it.
    if ((request.staff.user.mustChangePassword || request.staff.passwordExpired) && !request.url.startsWith('/staff/password')) {
      if (request.method === 'GET') return reply.redirect('/staff/password', 303);
      throw new AppError(403, 'PASSWORD_CHANGE_REQUIRED', request.staff.user.mustChangePassword ? 'staff.errors.password_change_required' : 'staff.errors.password_expired');
    }
    if (roles.length > 0) {
      if (!roles.some((r) => request.staff!.has(r))) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
      return;
    }
    if (OWN_ACCOUNT.test(request.url)) return;
    const duty = request.staff.roles.find(isAdminDuty);
    if (duty) {
      if (request.method === 'GET' && (request.url === '/staff' || request.url.startsWith('/staff?'))) return reply.redirect(ADMIN_HOME[duty], 303);
      throw new AppError(403, 'FORBIDDEN', 'staff.errors.admin_no_cases');
    }
    if (request.staff.roles.length === 0) throw new AppError(403, 'NO_ROLE', 'staff.errors.no_role');
  };
}
