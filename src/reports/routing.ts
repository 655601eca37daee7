// Which unit handles a report (DESIGN.md §3): the civil-affairs unit of the county (zone, 长白山 area)
// where it happened; a subject at county-bureau level or above, or the head of the county bureau,
// moves it to the supervising level, because no report goes to the person or unit reported
// (信访工作条例 art. 30).
import { POSITIONS, type Position } from './catalog.js';

export type HandlingLevel = 'county' | 'prefecture' | 'province';

export function handlingLevel(position: Position | null, isHead: boolean): HandlingLevel {
  if (!position) return 'county';
  const level = POSITIONS[position];
  switch (level) {
    case 'county_bureau':
    case 'county_leadership':
      return 'prefecture';
    case 'city_bureau':
      // The head of a city bureau is as much the city as its staff: the province handles both.
      return 'province';
    case 'province':
      return 'province';
    default:
      // The head of a village committee or township government is still below the county bureau:
      // the county handles it, and the township never sees it (enforced by scope, not routing).
      void isHead;
      return 'county';
  }
}
