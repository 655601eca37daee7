// Place names for lists: "县 乡镇 村" for many villages in one query (the closure gives each
// village's ancestors), instead of one placeChain() per row.
import { and, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { regionAncestors, regions } from '../regions/index.js';

export function villageLabels(db: Executor, codes: readonly string[]): Map<string, string> {
  const unique = [...new Set(codes)];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 500) {
    const rows = db
      .select({ code: regionAncestors.regionCode, name: regions.name })
      .from(regionAncestors)
      .innerJoin(regions, sql`${regions.code} = ${regionAncestors.ancestorCode}`)
      .where(and(inArray(regionAncestors.regionCode, unique.slice(i, i + 500)), inArray(regions.level, ['county', 'township', 'village'])))
      .orderBy(regionAncestors.regionCode, sql`${regionAncestors.depth} desc`)
      .all();
    for (const r of rows) out.set(r.code, out.has(r.code) ? `${out.get(r.code)} ${r.name}` : r.name);
  }
  return out;
}
