import type { Db } from '../db/connection.js';
import { hotlinesAbove } from './repository.js';

export { insertHotlines, hotlinesIn, hotlineCount, type Hotline } from './repository.js';

/** The hotlines a reporter in this county can call: the county's own first, then the city's and the province's. */
export async function hotlinesFor(db: Db, countyCode: string) {
  return await hotlinesAbove(db, countyCode);
}
export { hotlineRoutes } from './routes.js';
