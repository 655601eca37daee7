// Which discipline-inspection body a referral goes to (issue 5): by the management level of the
// subject's position (DESIGN.md §2). Village, township and county-bureau staff → the county
// commission; county leadership and city-bureau staff → the prefecture's; provincial department
// staff → the stationed group (驻厅纪检监察组). The head of a unit moves one level up.
import { POSITIONS, type Position, type SubjectLevel } from '../reports/catalog.js';

export type BodyLevel = 'county' | 'prefecture' | 'stationed' | 'province';

/** The routing table; operators can override entries with SUNSHINE_REFERRAL_ROUTING (JSON). */
export const DEFAULT_REFERRAL_ROUTING: Record<SubjectLevel, BodyLevel> = {
  village: 'county',
  township: 'county',
  county_bureau: 'county',
  county_leadership: 'prefecture',
  city_bureau: 'prefecture',
  province: 'stationed',
  other: 'county',
};

const ONE_UP: Record<BodyLevel, BodyLevel> = { county: 'prefecture', prefecture: 'province', stationed: 'province', province: 'province' };

export function bodyLevelFor(position: Position | null, isHead: boolean, table: Record<SubjectLevel, BodyLevel> = DEFAULT_REFERRAL_ROUTING): BodyLevel {
  const level = table[position ? POSITIONS[position] : 'other'];
  return isHead ? ONE_UP[level] : level;
}

/** The unit key of the body at that level for a report placed in `chain` (county and prefecture region codes). */
export function bodyUnitKey(level: BodyLevel, countyCode: string, prefectureCode: string): string {
  switch (level) {
    case 'county':
      return `dic:${countyCode}`;
    case 'prefecture':
      return `dic:${prefectureCode}`;
    case 'stationed':
      return 'dic:220000:stationed';
    case 'province':
      return 'dic:220000';
  }
}
