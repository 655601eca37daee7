// The fixed vocabularies of a near-relative declaration (近亲属备案, DESIGN.md §2). Labels live in
// src/declarations/locales under declaration.relations / declaration.assistance, and (shared with
// the reports, whose subjects hold the same positions) src/reports/locales under report.positions.

/**
 * The positions of declared staff and cadres (DESIGN.md §2). A report's subject is named by the same
 * codes: the reports feature maps each to its management level for routing.
 */
export const POSITION_CODES = [
  'village_cadre', // 村干部
  'group_leader', // 村民小组长
  'township_assistant', // 乡镇民政助理
  'township_official', // 乡镇干部
  'county_bureau_staff', // 县民政局工作人员
  'county_bureau_head', // 县民政局负责人
  'county_leader', // 县级领导
  'city_bureau_staff', // 市民政局工作人员
  'province_staff', // 民政厅工作人员
  'other_official', // 其他公职人员
  'other', // 其他
] as const;
export type Position = (typeof POSITION_CODES)[number];

export function isPosition(v: unknown): v is Position {
  return typeof v === 'string' && (POSITION_CODES as readonly string[]).includes(v);
}

/** Close relatives (近亲属) as the declaration form lists them. */
export const RELATIONS = [
  'spouse', // 配偶
  'parent', // 父母
  'child', // 子女
  'sibling', // 兄弟姐妹
  'grandparent', // 祖父母
  'maternal_grandparent', // 外祖父母
  'grandchild', // 孙子女
  'maternal_grandchild', // 外孙子女
  'other', // 其他近亲属
] as const;
export type Relation = (typeof RELATIONS)[number];

/** The assistance a relative applies for or receives: 农村低保, 特困供养, 临时救助. */
export const ASSISTANCE_TYPES = ['dibao', 'extreme', 'temporary'] as const;
export type AssistanceType = (typeof ASSISTANCE_TYPES)[number];

export function isRelation(v: unknown): v is Relation {
  return typeof v === 'string' && (RELATIONS as readonly string[]).includes(v);
}

export function isAssistanceType(v: unknown): v is AssistanceType {
  return typeof v === 'string' && (ASSISTANCE_TYPES as readonly string[]).includes(v);
}
