// Place labels on the cross-checks' pages: "县 乡镇 村" for a village, from the regions' closure.
import type { Executor } from '../db/executor.js';
import { ancestorsOfMany } from '../regions/index.js';

const LABEL_LEVELS = new Set(['county', 'township', 'village']);

/** "县 乡镇 村" for many villages at once (the regions feature reads 500 codes per query). */
export async function villageLabels(db: Executor, codes: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of await ancestorsOfMany(db, codes)) {
    if (!LABEL_LEVELS.has(r.level)) continue;
    out.set(r.code, out.has(r.code) ? `${out.get(r.code)} ${r.name}` : r.name);
  }
  return out;
}
