import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import publicDisclosureRoutes from './routes/public.js';
import importRoutes from './routes/import.js';
import objectionRoutes from './routes/objections.js';
import { indexVillageNames } from './village-search.js';
import { mayImportRecipients } from './import-scope.js';
import type { StaffContext } from '../plugins/auth.js';
import { civilAffairsUnitsAtLevel } from '../units/index.js';
import { provideObjectionSubjects } from '../reports/index.js';
import { recipientHashesSharing, recipientIdHash } from './repository.js';

export { maskName } from './masking.js';
export { assistanceTypeKey } from './assistance-labels.js';
export { COMPOUND_SURNAMES, HANGUL_COMPOUND_SURNAMES, normalizeName } from './masking.js';
export { villageKey } from './recipient-columns.js';
export { validateIdNumber, idNumberHash, idNumberHashes, idHashesOf, sharesIdHash, type IdHashes } from './id-number.js';
// The roster's reading rules, shared with the cross-checks' declaration lists so both files are
// read the same way (headers, names, ID cells, assistance types, villages).
export { storedType, surnameOf, type StoredType } from './posting-rules.js';
export { headerKey, parseType, parseName, readIdCell, makeVillageMatcher, type Village } from './recipient-columns.js';
export { findHeader, readRecipientFile, type Cell } from './recipient-file.js';
export { MAX_PROBLEMS } from './recipient-import.js';
export { idCheckChar } from './id-number.js';
export { activeRecipientsOfVillages, activeRecipientsWithHashes, recipientIdsWithHashes, recipientsByIds, insertRecipientsIfNew, type Recipient } from './repository.js';
export { importRecipientList } from './import-service.js';
export { indexVillageNames, searchVillagesWithTownship } from './village-search.js';
export { onRosterChanged, type RosterListener, type RosterChangeContext } from './events.js';

/** Postings and rosters: township imports, public lists by region, objections (issue 6). */
export async function disclosureRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  // An objection's report carries its recipient's keyed ID hash, so recusal reaches the declarant of
  // that person (issue 19 item 4). Reports files objections but does not import disclosure (which
  // imports reports), so the lookup is handed over here, as templates hand over theirs; not at
  // module load, where the reports ↔ declarations ↔ disclosure import cycle leaves it undefined.
  // With it, every hash of the roster rows sharing a declared person's hash: the report keeps the
  // row's id_hash, which after a switch of crypto profile may be one the declaration lacks (issue 23).
  provideObjectionSubjects(recipientIdHash, recipientHashesSharing);
  // The menu links the import only where it opens: a township government, or a county civil-affairs
  // bureau (a city or the province imports nothing, importableTownships). Units are written only at
  // start-up, so the county bureaus are read once here; the page context stays synchronous.
  const countyBureaus = new Set((await civilAffairsUnitsAtLevel(opts.deps.db, 'county')).map((u) => u.id));
  const mayImport = (staff: StaffContext) =>
    mayImportRecipients(staff) && (staff.unit.kind === 'township_gov' || countyBureaus.has(staff.unit.id));
  app.addPageContext((request) => (request.staff && mayImport(request.staff) ? { mayImportRecipients: true } : {}));
  const indexed = await indexVillageNames(opts.deps.db);
  if (indexed > 0) app.log.info({ villages: indexed }, 'indexed village names for search');
  await app.register(publicDisclosureRoutes, opts);
  await app.register(importRoutes, opts);
  await app.register(objectionRoutes, opts);
}
export { TEMPLATE_HEADERS, RECIPIENT_TYPE_LABELS, type RecipientType } from './recipient-columns.js';
export { countRecipients, countIntlIdHashes as rosterIdHashesUnderIntl, oldOnlyIdHashesByTownship as rosterOldIdHashesByTownship, recipientHashesSharing } from './repository.js';
// Reporting's live statistics (recipients per region) and the spot checks' signals (stale rosters).
export { recipientCountsByRegion, staleVillagesByTownship, type RecipientCounts } from './statistics-repository.js';
