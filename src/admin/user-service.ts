// What the system administrator does to accounts (issue 4, issue 15): create them without roles,
// disable and enable, change unit and details, and hand a leaving user's open work over. Roles,
// passwords and second factors are the security administrator's (security-service.ts). Each
// change and its audit entry are written in one transaction.
import { record, type Actor } from '../audit/index.js';
import { isRecused } from '../reports/index.js';
import type { StaffContext } from '../plugins/auth.js';
import type { Deps } from '../shared/deps.js';
import { withTransaction } from '../db/transaction.js';
import { AppError } from '../shared/errors.js';
import { insertEvent } from '../reports/index.js';
import { activeHandlersOf, activeUsersWithRole, createUser, findUser, isAdminDuty, parseRoles, updateUser, type Role, type User } from '../users/index.js';
import type { ValidAccount } from './user-form.js';
import { reassignReport, reportsAssignedTo, type Report } from '../reports/index.js';

/** A refused action, shown on the page it came from. */
export class AdminActionError extends AppError {
  constructor(code: string) {
    super(409, code, `admin.errors.${code}`);
  }
}

/**
 * The states in which a report is someone's open work: everything that is not an end state
 * (DESIGN.md §3). Besides received … under_review this includes rectifying, referred and
 * transferred: the handler still signs off the ledger or writes the answer from the body's outcome.
 */
export const OPEN_WORK_STATUSES = ['received', 'accepted', 'assigned', 'investigating', 'referred', 'transferred', 'concluded', 'rectifying', 'under_review'] as const;

/** Ends every session of a user; the routes pass the session store's method. */
export type EndSessions = (userId: number) => Promise<void>;

const actorOf = (staff: StaffContext): Actor => ({ type: 'staff', id: staff.user.id });

/** A new account has no role: the security administrator grants them (三权分立). */
export async function createAccount(deps: Deps, staff: StaffContext, account: Omit<ValidAccount, 'roles'>) {
  return createUser(deps, { ...account, roles: [] }, actorOf(staff));
}

/**
 * Refuses a change that would leave a duty (system, security, audit administrator) with no active
 * holder: the province would be locked out of that duty until someone edits the database.
 */
export async function assertNotLastHolder(deps: Deps, user: User, remaining: readonly Role[]): Promise<void> {
  if (user.disabled) return;
  for (const duty of parseRoles(user.roles).filter(isAdminDuty)) {
    if (remaining.includes(duty)) continue;
    if ((await activeUsersWithRole(deps.db, duty)).every((u) => u.id === user.id)) throw new AdminActionError('last_holder');
  }
}

export async function setDisabled(deps: Deps, staff: StaffContext, user: User, disabled: boolean, endSessions: EndSessions, now = Date.now()): Promise<void> {
  if (disabled && user.id === staff.user.id) throw new AdminActionError('self_disable');
  if (user.disabled === disabled) return;
  if (disabled) await assertNotLastHolder(deps, user, []);
  await withTransaction(deps.db, async (tx) => {
    await updateUser(tx, user.id, disabled ? { disabled: true } : { disabled: false, failedLogins: 0, lockedUntil: null });
    await record(tx, deps.keys['audit-mac'], { actor: actorOf(staff), action: disabled ? 'user.disable' : 'user.enable', object: { type: 'user', id: user.id } }, now);
  });
  if (disabled) await endSessions(user.id);
}

export type AccountChanges = Omit<ValidAccount, 'username' | 'roles'>;

/**
 * Unit and details. Returns which audit actions were written (none when nothing changed). A move to
 * another unit takes the user's work roles away (an administrator duty stays): scope follows the
 * unit, so keeping them would let the system administrator alone decide who sees which reports;
 * the security administrator grants them again for the new unit (三权分立).
 */
export async function updateAccount(deps: Deps, staff: StaffContext, user: User, next: AccountChanges, now = Date.now()): Promise<{ actions: string[]; rolesRemoved: Role[] }> {
  const unitChanged = user.unitId !== next.unitId;
  const roles = parseRoles(user.roles);
  const rolesRemoved = unitChanged ? roles.filter((r) => !isAdminDuty(r)) : [];
  const changedFields = [
    user.displayName !== next.displayName && 'displayName',
    user.email !== next.email && 'email',
    (user.homeVillageCode ?? null) !== next.homeVillageCode && 'homeVillage',
    (user.locale ?? null) !== next.locale && 'mailLocale',
  ].filter(Boolean);
  if (user.id === staff.user.id && unitChanged) throw new AdminActionError('self_unit');
  // Reports assigned to the user belong to their unit: hand them over before a move.
  if (unitChanged && (await reportsAssignedTo(deps.db, user.id, OPEN_WORK_STATUSES)).length > 0) throw new AdminActionError('open_work');
  const actions: string[] = [];
  await withTransaction(deps.db, async (tx) => {
    const key = deps.keys['audit-mac'];
    const object = { type: 'user', id: user.id };
    await updateUser(tx, user.id, {
      unitId: next.unitId,
      displayName: next.displayName,
      email: next.email,
      homeVillageCode: next.homeVillageCode,
      locale: next.locale,
      ...(rolesRemoved.length > 0 ? { roles: roles.filter((r) => isAdminDuty(r)).join(',') } : {}),
    });
    if (unitChanged) {
      await record(tx, key, { actor: actorOf(staff), action: 'user.unit', object, detail: { from: user.unitId, to: next.unitId, rolesRemoved } }, now);
      actions.push('user.unit');
    }
    if (changedFields.length > 0) {
      // Which fields changed, not their values: the home village says where a staff member lives.
      await record(tx, key, { actor: actorOf(staff), action: 'user.update', object, detail: { fields: changedFields } }, now);
      actions.push('user.update');
    }
  });
  return { actions, rolesRemoved };
}

export interface HandOverResult {
  moved: Report[];
  /** Reports the chosen handler is recused from (DESIGN.md §4): they stay; choose someone else for them. */
  kept: Report[];
  to: User;
}

/** Candidates for a hand-over: the active handlers of the leaving user's unit, except the user. */
export async function handOverTargets(deps: Deps, from: User): Promise<User[]> {
  return (await activeHandlersOf(deps.db, [from.unitId])).filter((u) => u.id !== from.id);
}

/**
 * Moves every open report assigned to `from` to `toUserId`, an active handler of the same unit:
 * per report a timeline event (internal) and an audit entry, all in one transaction.
 */
export async function handOver(deps: Deps, staff: StaffContext, from: User, toUserId: number, now = Date.now()): Promise<HandOverResult> {
  const to = (await handOverTargets(deps, from)).find((u) => u.id === toUserId);
  if (!to) throw new AdminActionError('handover_target');
  const open = await reportsAssignedTo(deps.db, from.id, OPEN_WORK_STATUSES);
  const kept: Report[] = [];
  for (const r of open) if (await isRecused(deps.db, to, r)) kept.push(r);
  const movable = open.filter((r) => !kept.includes(r));
  const moved: Report[] = [];
  await withTransaction(deps.db, async (tx) => {
    const key = deps.keys['audit-mac'];
    for (const report of movable) {
      if (!(await reassignReport(tx, report.id, from.id, to.id, now))) continue;
      await insertEvent(tx, { reportId: report.id, at: now, type: 'handed_over', actorType: 'staff', actorId: staff.user.id, visibleToReporter: false, body: null, data: JSON.stringify({ from: from.id, to: to.id }) });
      await record(tx, key, { actor: actorOf(staff), action: 'report.handed_over', object: { type: 'report', id: report.id }, detail: { from: from.id, to: to.id } }, now);
      moved.push(report);
    }
    await record(tx, key, { actor: actorOf(staff), action: 'user.handover', object: { type: 'user', id: from.id }, detail: { to: to.id, moved: moved.length, kept: kept.length } }, now);
  });
  return { moved, kept, to };
}

export async function reload(deps: Deps, id: number): Promise<User> {
  return (await findUser(deps.db, id))!;
}
