import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import { withTransaction } from '../db/transaction.js';
import { sealedProfile, sealVersion, sealWith, unseal, type CryptoProfileName } from '../shared/crypto/index.js';
import * as usersRepo from './repository.js';
import signInRoutes from './routes/sign-in.js';
import profileRoutes from './routes/profile.js';

export { passwordExpired, PASSWORD_HISTORY } from './service.js';
export { createUser, checkPassword, checkSecondFactor, beginTotpEnrolment, confirmTotpEnrolment, totpSecret, type NewAccount } from './service.js';
export { findUser, findUserByName, usersWithRole, userCount, updateUser, activeUsersWithRole, type User } from './repository.js';
export { insertSecondFactorReset, findSecondFactorReset, pendingSecondFactorReset, pendingSecondFactorResets, decideSecondFactorReset, type SecondFactorReset } from './repository.js';
export { mailLanguageChoice, mailLocaleOf, parseMailLocale, setMailLocale } from './mail-locale.js';
export { ROLES, ADMIN_DUTIES, WORK_ROLES, parseRoles, isRole, isAdminDuty, roleCombinationProblem, type Role, type AdminDuty } from './roles.js';
export { hashPassword, generatePassword, passwordProblem, characterClasses } from './passwords.js';

export async function userRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(signInRoutes, opts);
  await app.register(profileRoutes, opts);
}
export { firstUserOfUnit, userNames } from './repository.js';
export { newRecoveryCodes, newTotpSecret, recoveryDigest } from './totp.js';
export { firstUser } from './repository.js';
export { findUsers, usersPage, userIdsMatching, activeHandlersOf, type UserPageFilter } from './repository.js';
export { userDisplayNameOf, userUnitIdOf, userInUnits } from './repository.js';

/**
 * Key rotation (issue 23, `npm run keys:rotate`): re-seals into `to` the TOTP secrets of up to
 * `limit` users after `afterId` still sealed under another profile, in one transaction that re-reads
 * each row (a secret re-enrolled or already re-sealed meanwhile is left alone). The context stays
 * `totp:<id>`. `next` is the id to continue after, null once no such row is left after `afterId`.
 */
export async function resealTotpSecrets(deps: Pick<Deps, 'db' | 'keys'>, to: CryptoProfileName, afterId: number, limit: number): Promise<{ resealed: number; failed: number[]; next: number | null }> {
  const ids = await usersRepo.idsWithTotpNotSealedAs(deps.db, sealVersion(to), afterId, limit);
  const failed: number[] = [];
  let resealed = 0;
  if (ids.length) {
    await withTransaction(deps.db, async (tx) => {
      for (const id of ids) {
        const old = (await usersRepo.findUser(tx, id))?.totpSealed;
        if (!old || sealedProfile(old) === to) continue;
        let next: Buffer;
        try {
          next = sealWith(to, deps.keys.identity, unseal(deps.keys.identity, old, `totp:${id}`), `totp:${id}`);
        } catch {
          failed.push(id); // altered, or sealed under another master key: left as it is and reported
          continue;
        }
        if (await usersRepo.replaceSealedTotp(tx, id, old, next)) resealed++;
      }
    });
  }
  return { resealed, failed, next: ids.length === limit ? ids.at(-1)! : null };
}

/** How many TOTP secrets are still sealed under a profile other than `to`. */
export async function totpSecretsToReseal(deps: Pick<Deps, 'db'>, to: CryptoProfileName): Promise<number> {
  return usersRepo.countTotpNotSealedAs(deps.db, sealVersion(to));
}

/** A sealed value's first byte under each profile (its format version). */
export { noticeChannelsOf, chooseNoticeChannel, NOTICE_CHANNELS, type NoticeChannel } from './notice-channel.js';
export { sendStaffNotice, staffNoticeParts, staffTextFor, staffTextIn, workUsersOfUnit, type StaffNoticeParts, type StaffNoticeOptions, type StaffNoticeSent, type StaffText } from './staff-notice.js';
