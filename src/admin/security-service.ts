// What the security administrator does (issue 15, 等保 2.0 level 3 三权分立): grants and removes
// roles, clears lockouts, resets passwords, and resets a second factor only with a second person's
// approval. Never to their own account; no account ends up holding two administrator duties; the
// last active holder of a duty keeps it. Each change and its audit entry share one transaction.
import { record, type Actor } from '../audit/index.js';
import type { StaffContext } from '../plugins/auth.js';
import type { Deps } from '../shared/deps.js';
import { withTransaction } from '../db/transaction.js';
import {
  activeUsersWithRole,
  decideSecondFactorReset,
  findSecondFactorReset,
  findUser,
  generatePassword,
  hashPassword,
  insertSecondFactorReset,
  parseRoles,
  pendingSecondFactorReset,
  PASSWORD_HISTORY,
  roleCombinationProblem,
  updateUser,
  type Role,
  type SecondFactorReset,
  type User,
} from '../users/index.js';
import { AdminActionError, assertNotLastHolder, type EndSessions } from './user-service.js';

const actorOf = (staff: StaffContext): Actor => ({ type: 'staff', id: staff.user.id });

function notSelf(staff: StaffContext, user: User, code: string): void {
  if (user.id === staff.user.id) throw new AdminActionError(code);
}

/** Sets a user's roles; returns whether anything changed. */
export async function setRoles(deps: Deps, staff: StaffContext, user: User, roles: Role[], now = Date.now()): Promise<boolean> {
  notSelf(staff, user, 'self_roles');
  const combination = roleCombinationProblem(roles);
  if (combination) throw new AdminActionError(combination);
  const before = parseRoles(user.roles);
  if (before.join(',') === roles.join(',')) return false;
  await assertNotLastHolder(deps, user, roles);
  await withTransaction(deps.db, async (tx) => {
    await updateUser(tx, user.id, { roles: roles.join(',') });
    await record(tx, deps.keys['audit-mac'], { actor: actorOf(staff), action: 'user.roles', object: { type: 'user', id: user.id }, detail: { from: before, to: roles } }, now);
  });
  return true;
}

/**
 * A new generated password (shown once) that must be changed at the next sign-in; the second
 * factor stays (resetting it needs a second person: requestSecondFactorReset). The old password
 * joins the history, so the user cannot go back to it. Every session of the user ends.
 */
export async function resetPassword(deps: Deps, staff: StaffContext, user: User, endSessions: EndSessions, now = Date.now()): Promise<string> {
  notSelf(staff, user, 'self_reset');
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const history = [user.passwordHash, ...(user.passwordHistory ? (JSON.parse(user.passwordHistory) as string[]) : [])].slice(0, PASSWORD_HISTORY - 1);
  await withTransaction(deps.db, async (tx) => {
    await updateUser(tx, user.id, { passwordHash, passwordHistory: JSON.stringify(history), passwordChangedAt: now, mustChangePassword: true, failedLogins: 0, lockedUntil: null });
    await record(tx, deps.keys['audit-mac'], { actor: actorOf(staff), action: 'user.reset', object: { type: 'user', id: user.id } }, now);
  });
  await endSessions(user.id);
  return password;
}

/** Clears a lockout after failed sign-ins. */
export async function unlock(deps: Deps, staff: StaffContext, user: User, now = Date.now()): Promise<void> {
  notSelf(staff, user, 'self_unlock');
  await withTransaction(deps.db, async (tx) => {
    await updateUser(tx, user.id, { failedLogins: 0, lockedUntil: null });
    await record(tx, deps.keys['audit-mac'], { actor: actorOf(staff), action: 'user.unlock', object: { type: 'user', id: user.id } }, now);
  });
}

export async function requestSecondFactorReset(deps: Deps, staff: StaffContext, user: User, reason: string, now = Date.now()): Promise<SecondFactorReset> {
  notSelf(staff, user, 'self_second_factor');
  if (!user.totpEnabled && !user.totpSealed) throw new AdminActionError('second_factor_none');
  if (await pendingSecondFactorReset(deps.db, user.id)) throw new AdminActionError('second_factor_pending');
  return withTransaction(deps.db, async (tx) => {
    const row = await insertSecondFactorReset(tx, { userId: user.id, requestedBy: staff.user.id, requestedAt: now, reason, status: 'pending' });
    await record(tx, deps.keys['audit-mac'], { actor: actorOf(staff), action: 'user.second_factor_reset_requested', object: { type: 'user', id: user.id }, detail: { request: row.id } }, now);
    return row;
  });
}

/**
 * Who may decide a pending request: another active security administrator — neither the requester
 * nor the account concerned — or, where the requester is the only one, a system administrator.
 */
export async function mayDecide(deps: Deps, staff: StaffContext, request: SecondFactorReset): Promise<boolean> {
  if (request.status !== 'pending' || staff.user.id === request.requestedBy || staff.user.id === request.userId) return false;
  if (staff.has('security_admin')) return true;
  if (!staff.has('system_admin')) return false;
  const others = (await activeUsersWithRole(deps.db, 'security_admin')).filter((u) => u.id !== request.requestedBy && u.id !== request.userId);
  return others.length === 0;
}

/** Approves (the second factor is cleared, the user enrols again at the next sign-in) or refuses. */
export async function decideSecondFactor(deps: Deps, staff: StaffContext, requestId: number, approve: boolean, endSessions: EndSessions, now = Date.now()): Promise<SecondFactorReset> {
  const request = await findSecondFactorReset(deps.db, requestId);
  if (!request || request.status !== 'pending') throw new AdminActionError('second_factor_gone');
  if (!(await mayDecide(deps, staff, request))) throw new AdminActionError('second_factor_not_yours');
  const user = await findUser(deps.db, request.userId);
  if (!user) throw new AdminActionError('second_factor_gone');
  await withTransaction(deps.db, async (tx) => {
    if (!(await decideSecondFactorReset(tx, request.id, approve ? 'approved' : 'refused', staff.user.id, now))) throw new AdminActionError('second_factor_gone');
    if (approve) await updateUser(tx, user.id, { totpSealed: null, totpEnabled: false, totpLastStep: null, recoveryCodes: null });
    await record(tx, deps.keys['audit-mac'], { actor: actorOf(staff), action: approve ? 'user.second_factor_reset' : 'user.second_factor_reset_refused', object: { type: 'user', id: user.id }, detail: { request: request.id, requestedBy: request.requestedBy } }, now);
  });
  if (approve) await endSessions(user.id);
  return { ...request, status: approve ? 'approved' : 'refused', decidedBy: staff.user.id, decidedAt: now };
}
