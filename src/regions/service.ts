import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { ancestorPairs, readRegionRows } from './load.js';
import * as repo from './repository.js';

/** Loads the region tree once, on a database that has none yet. Returns the number of rows. */
export async function installRegions(db: Db): Promise<number> {
  if ((await repo.countRegions(db)) > 0) return 0;
  const rows = readRegionRows();
  await repo.insertRegions(db, rows, ancestorPairs(rows));
  return rows.length;
}

export interface PlaceChain {
  prefecture?: repo.Region;
  county?: repo.Region;
  township?: repo.Region;
  village?: repo.Region;
}

/** The named levels above (and including) a region, for display and routing. */
export async function placeChain(db: Executor, code: string): Promise<PlaceChain> {
  const chain: PlaceChain = {};
  for (const region of await repo.ancestorsOf(db, code)) {
    if (region.level !== 'province') chain[region.level as keyof PlaceChain] = region;
  }
  return chain;
}

export function placeLabel(chain: PlaceChain): string {
  return [chain.prefecture, chain.county, chain.township, chain.village].filter(Boolean).map((r) => r!.name).join(' ');
}
