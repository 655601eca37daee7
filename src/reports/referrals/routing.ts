// Which discipline-inspection body a referral goes to: the one with authority over the subject's
// cadre level (干部管理权限, issue 18 item 9), not one level above the unit. Village and township
// cadres, county-bureau staff and bureau heads (科级, managed by the county party committee) → the
// county commission; county leaders (处级) and city-bureau staff → the prefecture's; staff of the
// provincial department → the group stationed there (驻厅纪检监察组), its head → the provincial
// commission. "Head of the unit" moves civil-affairs *handling* up (信访工作条例 art. 30: no report
// goes to the unit reported) but not the discipline body, except at the top: a 村书记 with the head
// flag went to 长春市纪委监委, a body with no users, and sat there for ever.
import { POSITIONS, type Position, type SubjectLevel } from '../catalog.js';

export type BodyLevel = 'county' | 'prefecture' | 'stationed' | 'province';

/** The routing table; operators override entries with SUNSHINE_REFERRAL_ROUTING (JSON, validated at start in config.ts). */
export const DEFAULT_REFERRAL_ROUTING: Record<SubjectLevel, BodyLevel> = {
  village: 'county',
  township: 'county',
  county_bureau: 'county',
  county_leadership: 'prefecture',
  city_bureau: 'prefecture',
  province: 'stationed',
  other: 'county',
};

/**
 * The body for a subject. The head flag matters only for the department's own head, whom the
 * stationed group does not oversee; `overrides` is the operator's table (config.referralRouting).
 */
export function bodyLevelFor(position: Position | null, isHead: boolean, overrides: Partial<Record<SubjectLevel, BodyLevel>> | null = null): BodyLevel {
  const level = { ...DEFAULT_REFERRAL_ROUTING, ...overrides }[position ? POSITIONS[position] : 'other'];
  return isHead && level === 'stationed' ? 'province' : level;
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
