// Staff accounts: creation, sign-in with lockout, second factor, password changes (issue 4).
import { record, type Actor } from '../audit/index.js';
import { withTransaction } from '../db/transaction.js';
import type { Deps } from '../shared/deps.js';
import type { Locale } from '../config.js';
import { seal, unseal } from '../shared/crypto.js';
import { dummyHash, generatePassword, hashPassword, passwordProblem, verifyPassword, type PasswordProblem } from './passwords.js';
import * as repo from './repository.js';
import { parseRoles, type Role } from './roles.js';
import { checkTotp, isRecoveryCode, newRecoveryCodes, newTotpSecret, recoveryDigest } from './totp.js';

/** Failures in a row before the account must wait between tries. */
export const DELAY_AFTER_FAILURES = 5;
/** The longest wait: anyone who can guess user names can keep an account waiting, but never longer (issue 16 defect 7). */
export const MAX_DELAY_MS = 15 * 60_000;
/**
 * A growing delay instead of a hard lock: after the 5th failure in a row 30 s, then 1, 2, 4, 8 min,
 * capped at 15 min. Tries during the delay are refused unchecked and not counted, so a guesser
 * cannot push it further out; a success ends it. The per-address limit (routes/sign-in) is the other half.
 */
export function throttleDelayMs(failures: number): number {
  if (failures < DELAY_AFTER_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, 30_000 * 2 ** (failures - DELAY_AFTER_FAILURES));
}

export interface NewAccount {
  username: string;
  displayName: string;
  unitId: number;
  roles: Role[];
  email: string;
  homeVillageCode?: string | null;
  /** The language of the user's e-mails; null or absent: the site default. */
  locale?: Locale | null;
}

export async function createUser(deps: Deps, account: NewAccount, actor: Actor, now = Date.now()): Promise<{ user: repo.User; password: string }> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await withTransaction(deps.db, async (tx) => {
    const row = await repo.insertUser(tx, {
      username: account.username,
      displayName: account.displayName,
      unitId: account.unitId,
      roles: account.roles.join(','),
      email: account.email,
      homeVillageCode: account.homeVillageCode ?? null,
      locale: account.locale ?? null,
      passwordHash,
      passwordChangedAt: now,
      mustChangePassword: true,
      createdAt: now,
    });
    await record(tx, deps.keys['audit-mac'], { actor, action: 'user.create', object: { type: 'user', id: row.id }, detail: { unit: account.unitId, roles: account.roles } }, now);
    return row;
  });
  return { user, password };
}

export type SignInResult =
  | { ok: true; user: repo.User }
  | { ok: false; reason: 'invalid' | 'locked'; lockedUntil?: number };

/** Checks user name and password. Unknown names cost the same work and get the same answer as a wrong password. */
export async function checkPassword(deps: Deps, username: string, password: string, now = Date.now()): Promise<SignInResult> {
  const user = await repo.findUserByName(deps.db, username.trim());
  if (!user || user.disabled) {
    await verifyPassword(password, await dummyHash());
    return { ok: false, reason: 'invalid' };
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    await verifyPassword(password, await dummyHash());
    return { ok: false, reason: 'locked', lockedUntil: user.lockedUntil };
  }
  if (!(await verifyPassword(password, user.passwordHash))) {
    await registerFailure(deps, user, 'bad_password', now);
    return { ok: false, reason: 'invalid' };
  }
  return { ok: true, user };
}

/**
 * Second factor: a TOTP code or an unused recovery code. On success the sign-in is complete.
 * Only an enrolled factor counts (a secret waiting for its first code is not one), and only a
 * string shaped like a generated recovery code is looked up: nothing else stands in for one.
 */
export async function checkSecondFactor(deps: Deps, user: repo.User, code: string, now = Date.now()): Promise<boolean> {
  // Waiting after failures: refused unchecked and not counted (throttleDelayMs).
  if (user.lockedUntil && user.lockedUntil > now) return false;
  const secret = user.totpEnabled ? totpSecret(deps, user) : null;
  if (!secret) {
    await registerFailure(deps, user, 'bad_second_factor', now);
    return false;
  }
  const step = await checkTotp(secret, code.replace(/\s/g, ''), user.totpLastStep);
  let usedRecovery = false;
  let recovery: string[] = user.recoveryCodes ? (JSON.parse(user.recoveryCodes) as string[]) : [];
  if (step === null) {
    const digest = isRecoveryCode(code) ? recoveryDigest(deps.keys['id-hash'], code) : null;
    if (!digest || !recovery.includes(digest)) {
      await registerFailure(deps, user, 'bad_second_factor', now);
      return false;
    }
    recovery = recovery.filter((d) => d !== digest);
    usedRecovery = true;
  }
  await withTransaction(deps.db, async (tx) => {
    await repo.updateUser(tx, user.id, { failedLogins: 0, lockedUntil: null, lastLoginAt: now, totpLastStep: step ?? user.totpLastStep, recoveryCodes: JSON.stringify(recovery) });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: user.id }, action: 'user.sign_in', object: { type: 'user', id: user.id }, detail: usedRecovery ? { recoveryCode: true } : undefined }, now);
  });
  return true;
}

async function registerFailure(deps: Deps, user: repo.User, result: string, now: number): Promise<void> {
  const failures = user.failedLogins + 1;
  const delay = throttleDelayMs(failures);
  await withTransaction(deps.db, async (tx) => {
    await repo.updateUser(tx, user.id, { failedLogins: failures, lockedUntil: delay > 0 ? now + delay : null });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'system' }, action: 'user.sign_in', object: { type: 'user', id: user.id }, result, ...(delay > 0 ? { detail: { waitSeconds: delay / 1000 } } : {}) }, now);
  });
}

export function totpSecret(deps: Deps, user: repo.User): string | null {
  return user.totpSealed ? unseal(deps.keys.identity, user.totpSealed, `totp:${user.id}`).toString('utf8') : null;
}

/** Starts enrolment: a new secret, stored but not yet enabled until a code confirms it. */
export async function beginTotpEnrolment(deps: Deps, user: repo.User): Promise<string> {
  const secret = newTotpSecret();
  await repo.updateUser(deps.db, user.id, { totpSealed: seal(deps.keys.identity, secret, `totp:${user.id}`), totpEnabled: false });
  return secret;
}

/** Confirms enrolment with a first code; returns the recovery codes to show once. */
export async function confirmTotpEnrolment(deps: Deps, user: repo.User, code: string, now = Date.now()): Promise<string[] | null> {
  const secret = totpSecret(deps, user);
  const step = secret ? await checkTotp(secret, code.replace(/\s/g, ''), null) : null;
  if (step === null) return null;
  const codes = newRecoveryCodes();
  await withTransaction(deps.db, async (tx) => {
    await repo.updateUser(tx, user.id, { totpEnabled: true, totpLastStep: step, recoveryCodes: JSON.stringify(codes.map((c) => recoveryDigest(deps.keys['id-hash'], c))), failedLogins: 0, lastLoginAt: now });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: user.id }, action: 'user.totp_enrolled', object: { type: 'user', id: user.id } }, now);
  });
  return codes;
}

/** How many earlier passwords a new one may not repeat (the current one and four before it make five). */
export const PASSWORD_HISTORY = 5;

/** The hashes a new password is checked against: the current one first, then the kept history. */
function recentHashes(user: repo.User): string[] {
  const history = user.passwordHistory ? (JSON.parse(user.passwordHistory) as string[]) : [];
  return [user.passwordHash, ...history].slice(0, PASSWORD_HISTORY);
}

export async function changePassword(deps: Deps, user: repo.User, current: string, next: string, now = Date.now()): Promise<PasswordProblem | 'wrong_current' | null> {
  if (!(await verifyPassword(current, user.passwordHash))) return 'wrong_current';
  const problem = passwordProblem(next, user.username);
  if (problem) return problem;
  const recent = recentHashes(user);
  for (const old of recent) if (await verifyPassword(next, old)) return 'reused';
  const passwordHash = await hashPassword(next);
  await withTransaction(deps.db, async (tx) => {
    await repo.updateUser(tx, user.id, { passwordHash, passwordChangedAt: now, mustChangePassword: false, passwordHistory: JSON.stringify(recent.slice(0, PASSWORD_HISTORY - 1)) });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: user.id }, action: 'user.password_changed', object: { type: 'user', id: user.id } }, now);
  });
  return null;
}

export function userRoles(user: repo.User): Role[] {
  return parseRoles(user.roles);
}

/**
 * Whether the password is older than the configured maximum age (等保 level 3: periodic change);
 * the user is then sent to change it before any work, like after a generated password.
 */
export function passwordExpired(user: Pick<repo.User, 'passwordChangedAt'>, maxAgeDays: number, now = Date.now()): boolean {
  return maxAgeDays > 0 && now - user.passwordChangedAt > maxAgeDays * 86_400_000;
}
