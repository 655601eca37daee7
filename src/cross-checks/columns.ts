// The columns of a near-relative declaration list (one row per relative; a declarant without
// relatives has the relative columns empty) and how each cell is read. Header text is reduced with
// the recipient importer's headerKey(), names read with its parseName(), assistance types with its
// parseType() (src/disclosure/recipient-columns.ts), so both lists accept the same spellings.
import { storedType, type StoredType, headerKey, parseType, type Cell } from '../disclosure/index.js';
import { isPosition, type Position } from '../declarations/index.js';
import { RELATIONS, type Relation } from '../declarations/index.js';

export const DECL_FIELDS = ['declarantName', 'declarantId', 'position', 'village', 'relativeName', 'relation', 'relativeId', 'relativeVillage', 'assistanceType'] as const;
export type DeclField = (typeof DECL_FIELDS)[number];
/** Columns a file must have; 亲属所在村 may be left out (the relative then lives in the declarant's village). */
export const REQUIRED_FIELDS: readonly DeclField[] = ['declarantName', 'declarantId', 'position', 'village', 'relativeName', 'relation', 'relativeId', 'assistanceType'];
export const RELATIVE_FIELDS: readonly DeclField[] = ['relativeName', 'relation', 'relativeId', 'relativeVillage', 'assistanceType'];

export const DECL_HEADERS: Record<DeclField, string> = {
  declarantName: '备案人姓名',
  declarantId: '备案人身份证号',
  position: '职务',
  village: '所在村',
  relativeName: '亲属姓名',
  relation: '关系',
  relativeId: '亲属身份证号',
  relativeVillage: '亲属所在村',
  assistanceType: '救助类型',
};

const HEADER_VARIANTS: Record<DeclField, readonly string[]> = {
  declarantName: ['备案人姓名', '备案人', '本人姓名', '干部姓名', '工作人员姓名', '备案人员姓名'],
  declarantId: ['备案人身份证号', '备案人身份证号码', '备案人公民身份号码', '本人身份证号', '本人身份证号码', '干部身份证号', '干部身份证号码', '备案人员身份证号码'],
  position: ['职务', '职务类别', '岗位', '职位', '备案人职务'],
  village: ['所在村', '备案人所在村', '本人所在村', '家庭住址所在村', '居住村', '所在村社区'],
  relativeName: ['亲属姓名', '近亲属姓名'],
  relation: ['关系', '与备案人关系', '与本人关系', '亲属关系', '与备案人的关系'],
  relativeId: ['亲属身份证号', '亲属身份证号码', '近亲属身份证号', '近亲属身份证号码', '亲属公民身份号码'],
  relativeVillage: ['亲属所在村', '近亲属所在村', '亲属户籍所在村', '亲属所在村社区'],
  assistanceType: ['救助类型', '救助类别', '享受救助类型', '申请或享受救助类型', '申请或享受的救助', '保障类型', '享受救助'],
};

const HEADER_LOOKUP = new Map<string, DeclField>(DECL_FIELDS.flatMap((f) => HEADER_VARIANTS[f].map((v) => [headerKey(v), f] as const)));

export function matchDeclHeader(cell: Cell): DeclField | null {
  return typeof cell === 'string' ? (HEADER_LOOKUP.get(headerKey(cell)) ?? null) : null;
}

const plain = (cell: Cell): string => (typeof cell === 'string' ? cell.normalize('NFKC').replace(/[\s\u200B-\u200D\uFEFF]/gu, '') : '');

/**
 * 职务 as written in local lists, mapped to the subject positions of DESIGN.md §2 (the same codes
 * the profile declaration and reports use). The code itself and the catalogue labels are accepted.
 */
const POSITION_VARIANTS: Record<Position, readonly string[]> = {
  village_cadre: ['村干部', '村两委干部', '村两委成员', '村党支部书记', '村党组织书记', '村支书', '支部书记', '村委会主任', '村民委员会主任', '村主任', '村委会副主任', '村委会委员', '村委委员', '村会计', '村报账员', '村文书', '村妇女主任', '村妇联主席', '村监委会主任', '村务监督委员会主任', '社区书记', '社区主任', '社区干部', '社区工作者', '村（社区）干部'],
  group_leader: ['村民小组长', '小组长', '村民组长', '屯长'],
  township_assistant: ['乡镇民政助理', '民政助理', '民政助理员', '低保经办人员', '低保经办人', '社会救助经办人员', '民政所工作人员', '民政办工作人员', '社会事务办工作人员'],
  township_official: ['乡镇干部', '乡镇工作人员', '街道干部', '街道工作人员', '包村干部', '乡镇领导'],
  county_bureau_staff: ['县民政局工作人员', '民政局工作人员', '县区民政局工作人员', '社会救助局工作人员'],
  county_bureau_head: ['县民政局负责人', '民政局负责人', '民政局局长', '民政局副局长'],
  county_leader: ['县级领导'],
  city_bureau_staff: ['市民政局工作人员', '市州民政局工作人员', '市(州)民政局工作人员'],
  province_staff: ['省民政厅工作人员', '民政厅工作人员'],
  other_official: ['其他公职人员', '公职人员'],
  other: ['其他', '其他人员'],
};
const POSITION_LOOKUP = new Map<string, Position>(
  (Object.keys(POSITION_VARIANTS) as Position[]).flatMap((p) => [[p, p] as const, ...POSITION_VARIANTS[p].map((v) => [plain(v), p] as const)]),
);

export function parsePosition(cell: Cell): Position | null {
  const text = plain(cell);
  if (isPosition(text)) return text;
  return POSITION_LOOKUP.get(text) ?? null;
}

/**
 * Close relatives (近亲属: 配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女) by the words
 * lists use; in-laws, which some counties ask to declare too, count as 其他近亲属.
 */
const RELATION_VARIANTS: Record<Relation, readonly string[]> = {
  spouse: ['配偶', '夫妻', '丈夫', '妻子', '夫', '妻', '爱人', '老伴'],
  parent: ['父母', '父亲', '母亲', '父', '母', '爸爸', '妈妈'],
  child: ['子女', '儿子', '女儿', '子', '女', '长子', '次子', '长女', '次女'],
  sibling: ['兄弟姐妹', '兄弟', '姐妹', '哥哥', '弟弟', '姐姐', '妹妹', '兄', '弟', '姐', '妹'],
  grandparent: ['祖父母', '祖父', '祖母', '爷爷', '奶奶'],
  maternal_grandparent: ['外祖父母', '外祖父', '外祖母', '姥爷', '姥姥', '外公', '外婆'],
  grandchild: ['孙子女', '孙子', '孙女'],
  maternal_grandchild: ['外孙子女', '外孙', '外孙女'],
  other: ['其他近亲属', '其他', '儿媳', '女婿', '公公', '婆婆', '岳父', '岳母', '兄嫂', '弟媳', '姐夫', '妹夫'],
};
const RELATION_LOOKUP = new Map<string, Relation>(RELATIONS.flatMap((r) => [[r, r] as const, ...RELATION_VARIANTS[r].map((v) => [plain(v), r] as const)]));

export function parseRelation(cell: Cell): Relation | null {
  return RELATION_LOOKUP.get(plain(cell)) ?? null;
}

/** 救助类型 as the recipient lists write it (低保, 特困, 临时救助 and their variants), stored as the roster stores it. */
export function parseAssistanceType(cell: Cell): StoredType | null {
  const type = parseType(cell);
  return type ? storedType(type) : null;
}
