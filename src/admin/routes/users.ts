// /staff/admin/users: the list of users in the administrator's scope (system and security
// administrators), creating a user and editing unit and details (the system administrator's: a
// new account has no role until the security administrator grants one, issue 15).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { listUnits } from '../../units/index.js';
import { parseRoles, usersPage } from '../../users/index.js';
import { adminScope } from '../scope.js';
import { errorList, readAccount, validateAccount, type AccountValues, type Body, type FieldErrors } from '../user-form.js';
import { createAccount, updateAccount } from '../user-service.js';
import { accountFieldChoices, managedUser, pendingResetRows, renderPassword, renderUser, statusOf, unitSelect } from './user-pages.js';
import { rowIdOf } from '../../db/dialect.js';

const PAGE_SIZE = 100;
const DONE = ['updated', 'moved', 'unchanged', 'disabled', 'enabled', 'handover', 'roles', 'unlocked', 'second_factor_requested', 'second_factor_reset', 'second_factor_refused'] as const;

export default async function userAdminRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;
  /** Both account duties see the list and a user's page; each acts only on its own forms. */
  const admin = { preHandler: requireStaff('system_admin', 'security_admin') };
  const system = { preHandler: requireStaff('system_admin') };

  app.get<{ Querystring: Record<string, string | undefined> }>('/staff/admin/users', admin, async (request, reply) => {
    const scope = await adminScope(db, request.staff!);
    const q = (request.query.q ?? '').trim().slice(0, 50);
    const unit = request.query.unit && scope.unitIds.includes(Number(request.query.unit)) ? Number(request.query.unit) : null;
    const status = request.query.status === 'active' || request.query.status === 'disabled' ? request.query.status : undefined;
    const after = rowIdOf(request.query.after);
    const page = await usersPage(db, { unitIds: unit ? [unit] : scope.unitIds, q: q || undefined, status, afterId: after, limit: PAGE_SIZE });
    const unitNames = new Map((await listUnits(db)).map((u) => [u.id, u.name]));
    const rows = page.rows.map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, lastLoginAt: u.lastLoginAt, ...statusOf(u), unitName: unitNames.get(u.unitId) ?? '', roles: parseRoles(u.roles) }));
    const last = page.rows[page.rows.length - 1];
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    if (unit) params.set('unit', String(unit));
    if (status) params.set('status', status);
    if (page.more && last) params.set('after', String(last.id));
    return reply.page(
      'admin/users',
      {
        titleKey: 'admin.users.title',
        unitName: request.staff!.unit.name,
        filter: { q, status: status ?? '' },
        unitOptions: await unitSelect(deps, request, scope, unit),
        rows,
        mayCreate: request.staff!.has('system_admin'),
        pendingResets: await pendingResetRows(deps, request.staff!, scope),
        nextHref: page.more ? `/staff/admin/users?${params.toString()}` : null,
      },
      { layout: 'staff' },
    );
  });

  async function renderNew(request: FastifyRequest, reply: FastifyReply, values: AccountValues, errors: FieldErrors = {}, status = 200) {
    const scope = await adminScope(db, request.staff!);
    return reply.page(
      'admin/user-new',
      {
        titleKey: 'admin.users.new',
        csrfToken: reply.generateCsrf(),
        values,
        errors,
        errorList: errorList(errors),
        ...(await accountFieldChoices(deps, request, scope, values, errors)),
      },
      { layout: 'staff', status },
    );
  }

  app.get('/staff/admin/users/new', system, async (request, reply) =>
    renderNew(request, reply, { username: '', displayName: '', unitId: String(request.staff!.unit.id), roles: [], email: '', homeVillageCode: '', mailLocale: '' }),
  );

  app.post<{ Body: Body }>('/staff/admin/users', system, async (request, reply) => {
    const scope = await adminScope(db, request.staff!);
    const values = readAccount(request.body ?? {});
    const checked = await validateAccount(db, values, scope.unitIds, true);
    if (!checked.ok) return renderNew(request, reply, values, checked.errors, 400);
    try {
      const { user, password } = await createAccount(deps, request.staff!, checked.account);
      return renderPassword(reply, user, password, false);
    } catch (err) {
      // Two administrators creating the same name at once: the unique index decides.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return renderNew(request, reply, values, { username: 'admin.errors.username_taken' }, 400);
      throw err;
    }
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string; moved?: string; kept?: string } }>('/staff/admin/users/:id', admin, async (request, reply) => {
    const { user, scope } = await managedUser(deps, request);
    const done = (DONE as readonly string[]).includes(request.query.done ?? '') ? request.query.done! : null;
    const count = (v: string | undefined) => (v && /^\d{1,6}$/.test(v) ? Number(v) : 0);
    return renderUser(deps, request, reply, user, scope, { doneKey: done ? `admin.user.done.${done}` : null, moved: count(request.query.moved), kept: count(request.query.kept) });
  });

  app.post<{ Params: { id: string }; Body: Body }>('/staff/admin/users/:id', system, async (request, reply) => {
    const { user, scope } = await managedUser(deps, request);
    const values = { ...readAccount(request.body ?? {}), username: user.username };
    // A form opened before the e-mail language field existed does not reset the user's choice.
    if (request.body?.mail_locale === undefined) values.mailLocale = user.locale ?? '';
    const checked = await validateAccount(db, values, scope.unitIds, false);
    if (!checked.ok) return renderUser(deps, request, reply, user, scope, { values, errors: checked.errors }, 400);
    try {
      const { username: _username, ...changes } = checked.account;
      // The roles shown on the form are the security administrator's: never read from this post.
      const { actions, rolesRemoved } = await updateAccount(deps, request.staff!, user, changes);
      const done = rolesRemoved.length > 0 ? 'moved' : actions.length > 0 ? 'updated' : 'unchanged';
      return reply.redirect(`/staff/admin/users/${user.id}?done=${done}`, 303);
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) return renderUser(deps, request, reply, user, scope, { values, actionError: err.messageKey }, 409);
      throw err;
    }
  });
}
