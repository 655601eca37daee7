// Reading a village cell of a declaration list. A county's list names villages of many townships,
// and some names repeat across townships (农安县 has seven such), so a cell may be: the village
// name (matched as the recipient importer does, src/disclosure/recipient-columns.ts); the township
// and the village ("靠山镇靠山村", "靠山镇/靠山村"); or the 12-digit village code.
import type { Executor } from '../db/executor.js';
import { makeVillageMatcher, type Village, type Cell } from '../disclosure/index.js';
import { findRegion, regionsWithin } from '../regions/index.js';

export type VillageResult = Village | 'unknown' | 'ambiguous' | 'outside';

/**
 * A reader for the villages within `regionCode`. With `anywhere`, a 12-digit code of a village
 * outside the region is accepted too (a relative may live in another county).
 */
export async function villageReader(db: Executor, regionCode: string): Promise<(cell: Cell, anywhere?: boolean) => Promise<VillageResult>> {
  const places = await regionsWithin(db, regionCode);
  const villages = places.filter((p) => p.level === 'village');
  const inside = new Map(villages.map((v) => [v.code, v]));
  const matchAll = makeVillageMatcher(villages);
  const townships = places.filter((p) => p.level === 'township').sort((a, b) => b.name.length - a.name.length);
  const byTownship = new Map(townships.map((t) => [t.code, makeVillageMatcher(villages.filter((v) => v.parentCode === t.code))]));

  return async (cell, anywhere = false) => {
    if (cell === null) return 'unknown';
    const text = String(cell).normalize('NFKC').replace(/\s/gu, '');
    if (/^\d{12}$/.test(text)) {
      const own = inside.get(text);
      if (own) return { code: own.code, name: own.name };
      const other = await findRegion(db, text);
      return other?.level === 'village' ? (anywhere ? { code: other.code, name: other.name } : 'outside') : 'unknown';
    }
    const direct = matchAll(text);
    if (typeof direct === 'object') return direct;
    // "乡镇 + 村": the longest township name the cell starts with, then the rest within it.
    for (const t of townships) {
      if (!text.startsWith(t.name) || text.length === t.name.length) continue;
      const rest = text.slice(t.name.length).replace(/^[/／\\\-－—·,，、]+/u, '');
      const found = byTownship.get(t.code)!(rest);
      if (typeof found === 'object') return found;
    }
    return direct;
  };
}
