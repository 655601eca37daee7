import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import signInRoutes from './routes/sign-in.js';
import profileRoutes from './routes/profile.js';

export { users } from './tables.js';
export { createUser, checkPassword, checkSecondFactor, beginTotpEnrolment, confirmTotpEnrolment, totpSecret, type NewAccount } from './service.js';
export { findUser, findUserByName, usersWithRole, userCount, updateUser, type User } from './repository.js';
export { mailLanguageChoice, mailLocaleOf, parseMailLocale, setMailLocale } from './mail-locale.js';
export { ROLES, parseRoles, isRole, type Role } from './roles.js';
export { hashPassword, generatePassword } from './passwords.js';

export async function userRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(signInRoutes, opts);
  await app.register(profileRoutes, opts);
}
