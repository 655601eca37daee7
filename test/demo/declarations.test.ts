// The demo declarations carry an ID number's keyed hash under both crypto profiles (issue 23), as a
// real declaration or roster import stores it: the demo's lists are never "still under old hashes".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import { declarationIdHashesUnderIntl } from '../../src/declarations/index.js';
import { declarants, declaredRelatives } from '../../src/declarations/tables.js';
import { DEMO_DECLARATION_VILLAGES, seedDemoDeclarations } from '../../src/demo/cross-checks.js';
import { rosterIdHashesUnderIntl } from '../../src/disclosure/index.js';
import { recipients } from '../../src/disclosure/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

/** One hash under each profile: HMAC-SM3 (`sm3:` …) and HMAC-SHA256 (64 hex digits, no prefix). */
function underBothProfiles(row: { idHash: string; idHashAlt: string | null }): boolean {
  const both = [row.idHash, row.idHashAlt ?? ''];
  return both.filter((h) => /^sm3:[0-9a-f]{64}$/.test(h)).length === 1 && both.filter((h) => /^[0-9a-f]{64}$/.test(h)).length === 1;
}

describe('seedDemoDeclarations under the active profile', () => {
  it('stores every declarant, relative and added recipient with id_hash and id_hash_alt', async () => {
    const summary = await seedDemoDeclarations(t.app.deps);
    expect(summary!.declarants).toBe(12);
    expect(summary!.recipientsAdded).toBeGreaterThan(0);

    const people = await t.app.db.select({ idHash: declarants.idHash, idHashAlt: declarants.idHashAlt }).from(declarants).all();
    const relatives = await t.app.db.select({ idHash: declaredRelatives.idHash, idHashAlt: declaredRelatives.idHashAlt }).from(declaredRelatives).all();
    const roster = await t.app.db.select({ idHash: recipients.idHash, idHashAlt: recipients.idHashAlt }).from(recipients).where(inArray(recipients.villageCode, [...DEMO_DECLARATION_VILLAGES])).all();
    expect(people).toHaveLength(12);
    expect(relatives.length).toBeGreaterThan(0);
    expect(roster.length).toBeGreaterThan(0);
    for (const row of [...people, ...relatives, ...roster]) expect(underBothProfiles(row), JSON.stringify(row)).toBe(true);

    // So the staff's list of lists "still under old hashes" (issue 23) names none of the demo's.
    expect(await declarationIdHashesUnderIntl(t.app.db)).toBe(0);
    expect(await rosterIdHashesUnderIntl(t.app.db)).toBe(0);
    // And the flags still come: the alt hashes did not stop the matching.
    expect(Object.values(summary!.flags).every((n) => n >= 1)).toBe(true);
  });
});
