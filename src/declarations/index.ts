import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import profileRoutes from './routes/profile.js';
import removalRoutes from './routes/removals.js';

export { RELATIONS, ASSISTANCE_TYPES, POSITION_CODES, isPosition, type Relation, type Position } from './vocab.js';
export { addRelative, type RelativeInput } from './service.js';
export { requestRelativeRemoval, confirmRelativeRemoval, refuseRelativeRemoval, decidesRemovals } from './removals.js';
export { validateRelative, type RelativeRules, type FieldErrors, type Outcome } from './relative-validation.js';
export { addCheckedRelative, removeDeclaredRelative } from './relatives.js';
export { countIntlIdHashes as declarationIdHashesUnderIntl, oldOnlyIdHashesByTownship as declarationOldIdHashesByTownship } from './repository.js';
export { postedForm, postedRelative, formContext, type FormState } from './form.js';
export { hashIdNumber } from './id-hash.js';
export { recordLeftOffice } from './left-office.js';
export { onDeclarationsChanged, type DeclarationListener, type ChangeContext } from './events.js';
export {
  declarantOfUser,
  relativesOf,
  insertDeclarant,
  updateDeclarant,
  insertRelative,
  updateRelative,
  deleteRelative,
  findDeclarant,
  declarantsLeftBefore,
  deleteDeclarant,
  relativesWithHashes,
  declarantsWithHashes,
  declarantsOfVillages,
  declarantsByIds,
  relativesOfDeclarants,
  relativesByIds,
  declarantInScope,
  declarantsInScope,
  hasNonUserDeclarant,
  declaredPeopleOfUser,
  declaredPeopleOfUsers,
  declarantsNamedInTownship,
  declarantHomeWithinAny,
  declarantIsUser,
  type DeclaredPerson,
  type DeclarantScope,
  type Declarant,
  type DeclaredRelative,
} from './repository.js';

/** Near-relative declarations on a user's own profile (issue 4), extended by supervision (issue 7); removals confirmed by the supervising unit (issue 19). */
export async function declarationRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(profileRoutes, opts);
  await app.register(removalRoutes, opts);
}
