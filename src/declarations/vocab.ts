// The fixed vocabularies of a near-relative declaration (近亲属备案, DESIGN.md §2). Labels live in
// src/declarations/locales under declaration.relations / declaration.assistance.

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
