// Published typical cases (典型案例) drawn from closed, substantiated reports, indexed for search as
// src/cases/service.ts indexes them (type 'case', title and body); and the rectification ledger
// (问题清单和整改台账) topped up to its total with items from the other sources, as
// src/ledger/service.ts createItem() writes them, each with its audit entries.
import { DAY, addDays, chinaDate, int, personName, pick } from './common.js';
import { staffOf, type StaffDirectory } from './staff.js';
import { inTransaction, type World } from './world.js';

const CASE_TITLES: Record<string, string> = {
  favouritism: '违规为亲属办理低保',
  connections: '违规办理人情保',
  wrong_grant: '审核把关不严致错保',
  bribery: '在低保审核中吃拿卡要',
  embezzlement: '截留挪用救助资金',
  false_claims: '代领截留、虚报套取低保金',
  impersonation: '冒领低保金',
  bankbook_custody: '违规扣押代管群众存折、社保卡',
  undeclared_relatives: '近亲属享受低保未备案',
};
const SANCTIONS = ['受到党内严重警告处分', '受到政务记过处分', '被免去村党支部书记职务', '受到诫勉谈话', '受到撤销党内职务处分'];

function quarterOf(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

export function generateCases(w: World, total: number, staff: StaffDirectory): number {
  const r = w.random;
  const names = new Map([...w.townships, ...w.counties, ...w.prefectures].map((x) => [x.code, x.name]));
  const candidates = w.sqlite
    .prepare(`SELECT id, township_code AS township, county_code AS county, category, handling_unit_id AS unit, concluded_at AS concluded FROM reports
      WHERE status = 'closed' AND finding IN ('substantiated', 'partly') AND category IN (${Object.keys(CASE_TITLES).map((c) => `'${c}'`).join(', ')}) AND concluded_at < ?
      ORDER BY id`)
    .all(w.now - 45 * DAY) as { id: number; township: string; county: string; category: string; unit: number; concluded: number }[];
  const step = Math.max(1, Math.floor(candidates.length / total));
  const chosen = candidates.filter((_, i) => i % step === 0).slice(0, total);
  const insert = w.sqlite.prepare(`INSERT INTO typical_cases (report_id, referral_id, unit_id, region_code, category, quarter, title, body, status, signed_off_by, signed_off_at, approved_by, published_at, created_by, created_at, updated_at)
    VALUES (?, NULL, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?, ?, ?)`);
  inTransaction(w, () => {
    for (const c of chosen) {
      const prefecture = w.counties.find((x) => x.code === c.county)?.prefecture ?? '';
      const place = `${names.get(prefecture) ?? ''}${names.get(c.county) ?? ''}${names.get(c.township) ?? ''}`;
      const who = `${personName(r).slice(0, 1)}某`;
      const title = `${place}某村村干部${who}${CASE_TITLES[c.category]}问题`;
      const households = int(r, 2, 9);
      const body = `${new Date(c.concluded - 200 * DAY).getUTCFullYear()}年以来，${who}利用职务便利，${CASE_TITLES[c.category]}，涉及${households}户，违规金额共计${(int(r, 8, 90) / 10).toFixed(1)}万元。\n\n${who}${pick(r, SANCTIONS)}。违规资金已全部追回，${households}户已停保，${names.get(c.township) ?? ''}重新组织了低保民主评议。`;
      const author = staffOf(staff, c.unit, ['handler'], r) ?? 0;
      const approver = staffOf(staff, c.unit, ['lead', 'supervisor'], r) ?? author;
      const created = c.concluded + int(r, 5, 20) * DAY;
      const signed = created + int(r, 1, 10) * DAY;
      const published = Math.min(signed + int(r, 1, 15) * DAY, w.now - DAY);
      const id = Number(insert.run(c.id, c.unit, c.township, c.category, quarterOf(published), title, body, approver, signed, approver, published, author, created, published).lastInsertRowid);
      w.search.index('case', id, [title, body]);
      w.audit.append(created, { type: 'staff', id: author }, 'case.created', { type: 'typical_case', id }, { report: c.id });
      w.audit.append(published, { type: 'staff', id: approver }, 'case.published', { type: 'typical_case', id }, { to: 'published' });
    }
  });
  return chosen.length;
}

const SOURCES = ['special_governance', 'special_governance', 'inspection_tour', 'assessment', 'spot_check'];
const PROBLEMS = [
  ['低保对象动态管理不及时，部分不符合条件对象未及时退出', '开展全面排查，对不符合条件的对象按程序停保'],
  ['村级公示内容不完整，未公示家庭人口和保障金额', '规范公示内容和期限，建立公示照片存档制度'],
  ['特困供养人员照料服务协议未签订', '逐户签订照料服务协议，落实照料护理补贴'],
  ['临时救助审批时限超期', '简化审批流程，落实乡镇临时救助备用金制度'],
  ['村干部近亲属享受低保未备案', '全面开展备案核查，未备案的限期补备并重新评议'],
];

export function generateLedger(w: World, total: number, staff: StaffDirectory, already: number): number {
  const r = w.random;
  const count = Math.max(0, total - already);
  const insert = w.sqlite.prepare(`INSERT INTO rectification_items (report_id, source, region_code, problem, measures, unit_id, responsible_person, deadline, status, progress, signed_off_by, signed_off_at, created_by, created_at, updated_at)
    VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  inTransaction(w, () => {
    for (let i = 0; i < count; i++) {
      const county = pick(r, w.counties);
      const township = r() < 0.4 ? pick(r, w.townships.filter((t) => t.county === county.code)) : undefined;
      const region = township?.code ?? county.code;
      const unit = (township ? w.townshipGov.get(township.code) : undefined) ?? w.civilAffairs.get(county.code)!;
      const creator = staffOf(staff, w.civilAffairs.get(county.code)!, ['lead', 'supervisor', 'handler'], r) ?? 0;
      const created = w.now - int(r, 1, 360) * DAY - int(r, 0, DAY - 1);
      const deadline = addDays(chinaDate(created), int(r, 30, 120));
      const [problem, measures] = pick(r, PROBLEMS);
      const source = pick(r, SOURCES);
      const age = (w.now - created) / DAY;
      const status = age > 150 ? (r() < 0.9 ? 'signed_off' : 'in_progress') : age > 60 ? pick(r, ['in_progress', 'awaiting_signoff', 'signed_off']) : pick(r, ['not_started', 'in_progress']);
      const updated = status === 'not_started' ? created : Math.min(w.now - 3600_000, created + int(r, 5, 100) * DAY);
      const signedBy = status === 'signed_off' ? creator : null;
      const id = Number(insert.run(source, region, problem!, measures!, unit, personName(r), deadline, status, status === 'not_started' ? null : '已完成入户核查，正在按程序整改。', signedBy, signedBy ? updated : null, creator, created, updated).lastInsertRowid);
      w.audit.append(created, { type: 'staff', id: creator }, 'ledger.created', { type: 'ledger_item', id }, { source, unit, deadline });
      if (status !== 'not_started') w.audit.append(updated, { type: 'staff', id: creator }, 'ledger.progress', { type: 'ledger_item', id }, { from: 'not_started', to: status, files: 0 });
    }
  });
  return count;
}
