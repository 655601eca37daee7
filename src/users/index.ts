import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
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
