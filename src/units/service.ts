import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { regionsAtLevel } from '../regions/index.js';
import * as repo from './repository.js';
import { unitSeeds } from './seed.js';

/** Seeds the unit for every region once, after the regions are installed. */
export async function installUnits(db: Db): Promise<number> {
  if ((await repo.countUnits(db)) > 0) return 0;
  const [province] = await regionsAtLevel(db, 'province');
  if (!province) throw new Error('regions must be installed before units');
  const seeds = unitSeeds(province, await regionsAtLevel(db, 'prefecture'), await regionsAtLevel(db, 'county'), await regionsAtLevel(db, 'township'));
  await repo.insertUnitSeeds(db, seeds);
  return seeds.length;
}

/** The civil-affairs unit of a county-level region: the handling unit of reports placed there (DESIGN.md §3). */
export async function civilAffairsUnitOf(db: Executor, regionCode: string) {
  return repo.unitOfKind(db, 'civil_affairs', regionCode);
}
