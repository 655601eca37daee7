// Recipients put straight into the roster (the recipient import is another feature's), and
// declarations straight into their tables, with ID numbers hashed under the app's key. Rows put in
// here carry id_hash alone, as rows made before both crypto profiles' hashes were kept (issue 23).
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { recipients } from '../../src/disclosure/tables.js';
import { idNumberHash, idNumberHashes } from '../../src/disclosure/id-number.js';
import { maskName } from '../../src/disclosure/masking.js';
import { surnameOf } from '../../src/disclosure/posting-rules.js';
import { insertDeclarant, insertRelative } from '../../src/declarations/repository.js';
import { placeChain } from '../../src/regions/index.js';

export function hashOf(app: FastifyInstance, id: string): string {
  return idNumberHash(app.keys['id-hash'], id);
}

/** The hash under the active crypto profile and the other's, as the app stores them now (issue 23). */
export function hashesOf(app: FastifyInstance, id: string): { idHash: string; idHashAlt: string } {
  return idNumberHashes(app.keys['id-hash'], id);
}

export async function addRecipient(app: FastifyInstance, villageCode: string, name: string, id: string, type = 'dibao') {
  const chain = await placeChain(app.db, villageCode);
  return app.db
    .insert(recipients)
    .values({
      villageCode, townshipCode: chain.township!.code, countyCode: chain.county!.code, idHash: hashOf(app, id),
      maskedName: maskName(name), surname: surnameOf(name), householdSize: 2, monthlyAmountFen: 45000, type,
      status: 'active', sinceOn: '2026-01-01', updatedAt: Date.now(),
    })
    .returning()
    .get();
}

export async function addDeclarant(app: FastifyInstance, d: { name: string; id: string; village: string; position?: string; userId?: number | null }, relatives: { name: string; id: string; village?: string; relation?: string }[] = []) {
  const row = await insertDeclarant(app.db, { userId: d.userId ?? null, name: d.name, position: d.position ?? 'village_cadre', idHash: hashOf(app, d.id), homeVillageCode: d.village, unitId: null, updatedAt: Date.now() });
  const rels = [];
  for (const r of relatives) rels.push(await insertRelative(app.db, { declarantId: row.id, name: r.name, relation: r.relation ?? 'sibling', idHash: hashOf(app, r.id), villageCode: r.village ?? d.village, assistanceType: 'dibao' }));
  return { declarant: row, relatives: rels };
}

/** Every text value of every row of a table, for "no clear ID number stored" checks. */
export async function dumpTable(app: FastifyInstance, table: string): Promise<string> {
  return JSON.stringify(await app.db.all(sql.raw(`select * from ${table}`)));
}
