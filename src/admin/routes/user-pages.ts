// Page data for the user pages: the option lists, a user's detail page, the shown-once password.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { findUser, mailLanguageChoice, parseRoles, pendingSecondFactorReset, pendingSecondFactorResets, ROLES, type User } from '../../users/index.js';
import type { StaffContext } from '../../plugins/auth.js';
import { mayDecide } from '../security-service.js';
import { findUnit } from '../../units/index.js';
import { adminScope, unitOptions, userInScope, type AdminScope } from '../scope.js';
import { errorList, type AccountValues, type FieldErrors } from '../user-form.js';
import { handOverTargets, OPEN_WORK_STATUSES } from '../user-service.js';
import { reportsAssignedTo } from '../../reports/index.js';
import { rowIdOf } from '../../db/dialect.js';

function roleOptions(selected: readonly string[]) {
  return ROLES.map((value) => ({ value, checked: selected.includes(value) }));
}

export async function unitSelect(deps: Deps, request: FastifyRequest, scope: AdminScope, selectedId: string | number | null) {
  const options = await unitOptions(deps.db, request.staff!.unit.id, scope.unitIds);
  return options.map((o) => ({ ...o, selected: String(o.id) === String(selectedId ?? '') }));
}

/** The choices of the account fields (views/admin/partials/account-fields), with the values shown selected. */
export async function accountFieldChoices(deps: Deps, request: FastifyRequest, scope: AdminScope, values: AccountValues, errors: FieldErrors) {
  return {
    unitOptions: await unitSelect(deps, request, scope, values.unitId),
    mailLanguage: mailLanguageChoice(deps.config, values.mailLocale || null, errors.mailLocale ?? null),
  };
}

/** What a page may show of an account: never its hashes, sealed secrets or recovery codes. */
function shown(user: User) {
  return { id: user.id, username: user.username, displayName: user.displayName, disabled: user.disabled, totpEnabled: user.totpEnabled, createdAt: user.createdAt, lastLoginAt: user.lastLoginAt };
}

/** The status flags a row or detail page shows. */
export function statusOf(user: User, now = Date.now()) {
  return { disabled: user.disabled, locked: !!user.lockedUntil && user.lockedUntil > now, mustChangePassword: user.mustChangePassword, totpEnabled: user.totpEnabled };
}

/** The user of `:id` when the administrator manages them; otherwise 404, as for no user at all. */
export async function managedUser(deps: Deps, request: FastifyRequest<{ Params: { id: string } }>): Promise<{ user: User; scope: AdminScope }> {
  const scope = await adminScope(deps.db, request.staff!);
  const id = rowIdOf(request.params.id);
  const user = id === undefined ? undefined : await findUser(deps.db, id);
  if (!user || !userInScope(scope, user)) throw notFound();
  return { user, scope };
}

export function valuesOf(user: User): AccountValues {
  return { username: user.username, displayName: user.displayName, unitId: String(user.unitId), roles: parseRoles(user.roles), email: user.email, homeVillageCode: user.homeVillageCode ?? '', mailLocale: user.locale ?? '' };
}

export interface DetailExtras {
  values?: AccountValues;
  errors?: FieldErrors;
  doneKey?: string | null;
  moved?: number;
  actionError?: string;
  kept?: number;
  handoverTo?: number;
  /** Roles ticked on a refused roles form, shown as they were posted. */
  roles?: string[];
}

/** Pending second-factor resets in scope that this administrator may decide (on the users list). */
export async function pendingResetRows(deps: Deps, staff: StaffContext, scope: AdminScope) {
  if (!staff.has('security_admin') && !staff.has('system_admin')) return [];
  const rows = [];
  for (const request of await pendingSecondFactorResets(deps.db)) {
    if (!(await mayDecide(deps, staff, request))) continue;
    const user = await findUser(deps.db, request.userId);
    if (!user || !userInScope(scope, user)) continue;
    const requestedBy = (await findUser(deps.db, request.requestedBy))?.displayName ?? '';
    rows.push({ id: user.id, username: user.username, displayName: user.displayName, requestedAt: request.requestedAt, requestedBy });
  }
  return rows;
}

export async function renderUser(deps: Deps, request: FastifyRequest, reply: FastifyReply, user: User, scope: AdminScope, extra: DetailExtras = {}, status = 200) {
  const values = extra.values ?? valuesOf(user);
  const unit = await findUnit(deps.db, user.unitId);
  const openWork = (await reportsAssignedTo(deps.db, user.id, OPEN_WORK_STATUSES)).map((r) => ({ id: r.id, caseNo: r.caseNo, status: r.status }));
  const staff = request.staff!;
  const pending = await pendingSecondFactorReset(deps.db, user.id);
  const targets = openWork.length ? (await handOverTargets(deps, user)).map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, selected: u.id === extra.handoverTo })) : [];
  return reply.page(
    'admin/user',
    {
      title: user.displayName,
      csrfToken: reply.generateCsrf(),
      user: shown(user),
      unitName: unit?.name ?? '',
      roles: parseRoles(user.roles),
      status: statusOf(user),
      values,
      errors: extra.errors ?? {},
      errorList: errorList(extra.errors ?? {}),
      ...(await accountFieldChoices(deps, request, scope, values, extra.errors ?? {})),
      // Each duty sees its own forms (issue 15): details and access for the system administrator,
      // roles and credentials for the security administrator; neither on the own account.
      system: staff.has('system_admin'),
      security: staff.has('security_admin') && user.id !== staff.user.id,
      roleOptions: roleOptions(extra.roles ?? parseRoles(user.roles)),
      pendingReset: pending
        ? { id: pending.id, requestedAt: pending.requestedAt, reason: pending.reason, requestedBy: (await findUser(deps.db, pending.requestedBy))?.displayName ?? '', mayDecide: await mayDecide(deps, staff, pending) }
        : null,
      openWork,
      handoverTargets: targets,
      doneKey: extra.doneKey ?? null,
      moved: extra.moved ?? 0,
      actionError: extra.actionError ?? null,
      kept: extra.kept ?? 0,
    },
    { layout: 'staff', status },
  );
}

/** The generated password, shown once: never cached, never redirected to (it is not stored). */
export function renderPassword(reply: FastifyReply, user: User, password: string, reset: boolean) {
  reply.header('Cache-Control', 'no-store');
  return reply.page('admin/password', { titleKey: reset ? 'admin.password.reset_title' : 'admin.password.created_title', user: shown(user), password, reset }, { layout: 'staff' });
}
