// Staff accounts: creation, sign-in with lockout, second factor, password changes (issue 4).
import { record, type Actor } from '../audit/index.js';
import { withTransaction } from '../db/transaction.js';
import type { Deps } from '../shared/deps.js';
import type { Locale } from '../config.js';
import { seal, unseal } from '../shared/crypto.js';
import { dummyHash, generatePassword, hashPassword, passwordProblem, verifyPassword, type PasswordProblem } from './passwords.js';
import { passwordHashNeedsRehash } from '../shared/crypto/index.js';
import * as repo from './repository.js';
import { parseRoles, type Role } from './roles.js';
import { checkTotp, isRecoveryCode, newRecoveryCodes, newTotpSecret, recoveryDigest, recoveryDigests } from './totp.js';

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
  const claimed = await claimTry(deps, user.id, now);
  if (!claimed.ok) {
    await verifyPassword(password, await dummyHash());
    return { ok: false, reason: 'locked', lockedUntil: claimed.lockedUntil };
  }
  if (!(await verifyPassword(password, claimed.user.passwordHash))) {
    await auditFailure(deps, user.id, 'bad_password', claimed.delay, now);
    return { ok: false, reason: 'invalid' };
  }
  // The try was counted as a failure before the check: a right password clears the count again.
  // The password is in hand only now: a hash of the other crypto profile (scrypt after a switch to
  // sm) or of a lower cost is written again in today's scheme (issue 23), not left until the next change.
  const rehashed = passwordHashNeedsRehash(claimed.user.passwordHash) ? { passwordHash: await hashPassword(password) } : {};
  await repo.updateUser(deps.db, user.id, { failedLogins: 0, lockedUntil: null, ...rehashed });
  return { ok: true, user: { ...claimed.user, failedLogins: 0, lockedUntil: null, ...rehashed } };
}

/**
 * Second factor: a TOTP code or an unused recovery code. On success the sign-in is complete.
 * Only an enrolled factor counts (a secret waiting for its first code is not one), and only a
 * string shaped like a generated recovery code is looked up: nothing else stands in for one.
 * `user` may be as read at the request's start: the try is counted, and the code consumed, against
 * the account as it is when the try's turn comes.
 */
export async function checkSecondFactor(deps: Deps, user: repo.User, code: string, now = Date.now()): Promise<boolean> {
  const claimed = await claimTry(deps, user.id, now);
  // Waiting after failures: refused unchecked and not counted (throttleDelayMs).
  if (!claimed.ok) return false;
  const fresh = claimed.user;
  const secret = fresh.totpEnabled ? totpSecret(deps, fresh) : null;
  const step = secret ? await checkTotp(secret, code.replace(/\s/g, ''), fresh.totpLastStep) : null;
  // A code issued before a switch of crypto profile is stored under the other profile's MAC.
  const digests = secret && step === null && isRecoveryCode(code) ? recoveryDigests(deps.keys['id-hash'], code) : null;
  // The code is consumed where it is checked once more against the account as it is now: the same
  // TOTP code or recovery code sent twice at once passes only once.
  const accepted = (step !== null || digests !== null) && (await withTransaction(deps.db, async (tx) => {
    const current = await repo.findUser(tx, user.id);
    if (!current) return false;
    let recovery: string[] = current.recoveryCodes ? (JSON.parse(current.recoveryCodes) as string[]) : [];
    if (step !== null) {
      if (current.totpLastStep !== null && step <= current.totpLastStep) return false;
    } else {
      const stored = recovery.find((d) => digests!.includes(d));
      if (stored === undefined) return false;
      recovery = recovery.filter((d) => d !== stored);
    }
    await repo.updateUser(tx, user.id, { failedLogins: 0, lockedUntil: null, lastLoginAt: now, totpLastStep: step ?? current.totpLastStep, recoveryCodes: JSON.stringify(recovery) });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: user.id }, action: 'user.sign_in', object: { type: 'user', id: user.id }, detail: step === null ? { recoveryCode: true } : undefined }, now);
    return true;
  }));
  if (!accepted) await auditFailure(deps, user.id, 'bad_second_factor', claimed.delay, now);
  return accepted;
}

type ClaimedTry = { ok: true; user: repo.User; delay: number } | { ok: false; lockedUntil?: number };

/**
 * Counts a sign-in try as failed before it is checked, unless the account is waiting (then nothing
 * is counted). One write transaction reads the account afresh and writes the new count, and write
 * transactions run one at a time (SQLite's one writer; PostgreSQL's write lock, db/transaction.ts),
 * so tries sent together are counted one by one and those after the fifth find the wait. Counting
 * after the check instead let each concurrent request write back "the count I read + 1".
 */
async function claimTry(deps: Deps, userId: number, now: number): Promise<ClaimedTry> {
  return withTransaction(deps.db, async (tx): Promise<ClaimedTry> => {
    const user = await repo.findUser(tx, userId);
    if (!user || user.disabled) return { ok: false };
    if (user.lockedUntil && user.lockedUntil > now) return { ok: false, lockedUntil: user.lockedUntil };
    const failures = user.failedLogins + 1;
    const delay = throttleDelayMs(failures);
    const lockedUntil = delay > 0 ? now + delay : null;
    await repo.updateUser(tx, userId, { failedLogins: failures, lockedUntil });
    return { ok: true, user, delay };
  });
}

/** The audit entry of a failed try (already counted by claimTry), with the wait it started. */
async function auditFailure(deps: Deps, userId: number, result: string, delay: number, now: number): Promise<void> {
  await record(deps.db, deps.keys['audit-mac'], { actor: { type: 'system' }, action: 'user.sign_in', object: { type: 'user', id: userId }, result, ...(delay > 0 ? { detail: { waitSeconds: delay / 1000 } } : {}) }, now);
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
