// What each state-changing staff route on a report allows, written out from DESIGN.md §3–4 and
// issue 16 independently of the code's own table (src/reports/casework/permissions.ts), so the matrix
// checks the code against the rules rather than against itself.
//
// Every route on /staff/reports/:id/…, /staff/referrals/:id/… and /staff/transfers/:id/… that
// changes state needs an entry here: the matrix enumerates the route table and fails on a route
// (or an action of a /:action route) without one.
import type { Role } from '../../../src/users/index.js';
import { todayInChina } from '../../../src/clocks/index.js';
import { addDays } from '../../../src/clocks/index.js';
import { ANSWER, type Fixture, type Fixtures, type Preset, type RelationName } from './fixtures.js';
import type { FileField } from '../../helpers/forms.js';
import { pdfFile } from '../../evidence/media/builders.js';

type Allowed = (relation: RelationName, role: Role) => boolean;

export interface Rule {
  preset: Preset;
  allowed: Allowed;
  body: (fx: Fixture, f: Fixtures) => Record<string, string>;
  /** The id that fills :id: the report's, its referral's or its transfer's. */
  target?: 'report' | 'referral' | 'transfer';
  /** A multipart form with these files (the CSRF token then in the query string, as the page sends it). */
  files?: () => FileField[];
}

const is =
  (relations: RelationName[], roles: Role[]): Allowed =>
  (relation, role) =>
    relations.includes(relation) && roles.includes(role);
const or =
  (...rules: Allowed[]): Allowed =>
  (relation, role) =>
    rules.some((r) => r(relation, role));

/** The handling unit: the county, or the city once it took the report over (提级). */
const HANDLING: RelationName[] = ['own', 'takeover'];
const CASEWORK: Role[] = ['intake', 'handler', 'lead', 'supervisor'];
/** The responsible person acts as one with the handler role they were assigned with. */
const ASSIGNEE = is(['assignee'], ['handler']);
/** The township the report is assigned to: the responsible person and the other users there. */
const ASSIGNED: RelationName[] = ['assignee', 'assigned_unit'];
const none = () => ({});

const intake = is(HANDLING, ['intake', 'lead', 'supervisor']);
const assigneeOrLead = or(ASSIGNEE, is(HANDLING, ['lead']));
const handOver = or(ASSIGNEE, is(HANDLING, ['intake', 'lead']));

/** POST /staff/reports/:id/:action, by action. */
export const REPORT_ACTION_RULES: Record<string, Rule> = {
  accept: { preset: 'received', allowed: intake, body: none },
  reject: { preset: 'received', allowed: intake, body: () => ({ reason: '重复反映，已经答复过了。' }) },
  merge: { preset: 'received', allowed: intake, body: (_fx, f) => ({ into: f.mergeTarget!.caseNo }) },
  assign: { preset: 'accepted', allowed: intake, body: (fx, f) => ({ unit_id: String(f.units.township.id), assignee_id: String(f.someone.id), due: fx.report.handlingDue! }) },
  return: { preset: 'assigned', allowed: is(ASSIGNED, CASEWORK), body: () => ({ reason: '不属于本乡镇职责范围。' }) },
  start: { preset: 'assigned', allowed: ASSIGNEE, body: none },
  extension: { preset: 'investigating', allowed: assigneeOrLead, body: () => ({ days: '10', reason: '需要入户核查的家庭较多。' }) },
  extension_decision: { preset: 'extension_requested', allowed: is(HANDLING, ['lead']), body: () => ({ decision: 'approve' }) },
  // Issue 19 item 2: the responsible person asks the assigning (handling) unit for a later 交办期限;
  // that unit's intake or lead decides — not a supervisor, not the township, not the city above.
  assignment_extension: { preset: 'investigating', allowed: ASSIGNEE, body: (_fx, f) => ({ assignment_due: addDays(f.assignmentDue, 10), assignment_reason: '需要再走访三户低保家庭。' }) },
  assignment_extension_decision: { preset: 'assignment_extension_requested', allowed: is(HANDLING, ['intake', 'lead']), body: () => ({ decision: 'approve' }) },
  conclude: { preset: 'investigating', allowed: assigneeOrLead, body: () => ({ finding: 'partly', answer: ANSWER }) },
  // Seen in issue 16: a city lead approved a county handler's answer, which went to the reporter.
  approve_conclusion: { preset: 'drafted', allowed: is(HANDLING, ['lead']), body: () => ({ decision: 'approve' }) },
  close: { preset: 'concluded', allowed: is(HANDLING, ['handler', 'lead', 'supervisor']), body: none },
  rectify: { preset: 'concluded', allowed: is(HANDLING, ['handler', 'lead', 'supervisor']), body: (fx) => ({ problem_0: '评议程序不规范', measures_0: '重新评议并公示', person_0: '王某', deadline_0: fx.report.handlingDue! }) },
  review_answer: { preset: 'under_review', allowed: is(['reviewer'], ['supervisor', 'lead']), body: () => ({ outcome: 'upheld', answer: ANSWER }) },
  // 第三十六条第二款: the re-review unit records a hearing (its days not counted).
  hearing: { preset: 'under_rereview', allowed: is(['reviewer'], ['supervisor', 'lead']), body: () => ({ step: 'start', note: '定于本月20日在县民政局会议室举行听证。' }) },
  // The city reviewing a county's report is also the unit above it.
  hasten: { preset: 'investigating', allowed: is(['supervising', 'reviewer'], ['supervisor']), body: () => ({ note: '请加快办理。' }) },
  take_over: { preset: 'investigating', allowed: is(['supervising', 'reviewer'], ['supervisor']), body: none },
  acknowledge: { preset: 'hastened', allowed: or(ASSIGNEE, is(HANDLING, CASEWORK)), body: none },
  // Seen in issue 16: county police and an inspector posted messages the reporter sees.
  message: { preset: 'investigating', allowed: or(is(HANDLING, CASEWORK), is(ASSIGNED, CASEWORK), is(['reviewer'], ['supervisor', 'lead'])), body: () => ({ body: '请补充一下相关材料。' }) },
};

/** POST /staff/referrals/:id/:action: the addressed body's inspectors, while the referral is open. */
export const REFERRAL_ACTION_RULES: Record<string, Rule> = {
  accept: { preset: 'referred', allowed: is(['dic_open'], ['inspector']), body: none, target: 'referral' },
  return: { preset: 'referred', allowed: is(['dic_open'], ['inspector']), body: () => ({ reason: '不属本机关管辖，请移送。' }), target: 'referral' },
  disposition: { preset: 'referral_accepted', allowed: is(['dic_open'], ['inspector']), body: () => ({ disposition: 'preliminary' }), target: 'referral' },
  // Issue 19 item 11: the decision date lies between the body's acceptance and today; several
  // results may be recorded, and the body concludes (办结) by its own step after at least one.
  result: { preset: 'referral_accepted', allowed: is(['dic_open'], ['inspector']), body: () => ({ detail_kind: 'party:warning', on: todayInChina(), text: '给予党内警告处分。' }), target: 'referral' },
  conclude: { preset: 'referral_resulted', allowed: is(['dic_open'], ['inspector']), body: none, target: 'referral' },
  // Issue 18 item 6: the body's notices to the (real-name) reporter of the fixture report.
  acceptance_notice: { preset: 'referral_accepted', allowed: is(['dic_open'], ['inspector']), body: none, target: 'referral' },
  result_notice: { preset: 'referral_concluded', allowed: is(['dic_open'], ['inspector']), body: () => ({ notice_text: '经查属实，已给予其党内警告处分。' }), target: 'referral' },
};

/** The other routes, by URL. */
export const ROUTE_RULES: Record<string, Rule> = {
  // Seen in issue 16: a county police user referred a report to discipline inspection.
  '/staff/reports/:id/refer': { preset: 'investigating', allowed: handOver, body: () => ({ opinion: '经初步核实，涉嫌优亲厚友，移送处理。' }) },
  '/staff/reports/:id/transfer': { preset: 'investigating', allowed: handOver, body: (fx, f) => ({ department_id: String(f.units.police.id), due: fx.report.handlingDue!, note: '涉嫌违法，请依法处理。' }) },
  // Issue 19 item 1: the holding body's inspector forwards (转交), not a commission above it; the
  // referring unit's handler or lead recalls a referral not yet accepted.
  '/staff/referrals/:id/forward': { preset: 'referred', allowed: is(['dic_open'], ['inspector']), body: (_fx, f) => ({ body_id: String(f.units.dicCity.id), reason: '属市纪委监委管辖，转交处理。' }), target: 'referral' },
  '/staff/reports/:id/recall': { preset: 'referred', allowed: is(HANDLING, ['handler', 'lead']), body: () => ({ reason: '移送对象有误，撤回重新核查。' }) },
  // DESIGN.md §4: a handler or inspector working on the report asks the custodian for the identity.
  '/staff/reports/:id/identity': {
    preset: 'investigating',
    allowed: or(is(HANDLING, ['handler', 'lead']), is(ASSIGNED, ['handler', 'lead']), is(['reviewer'], ['lead']), is(['dic_open'], ['inspector'])),
    body: () => ({ reason: '需要联系举报人核实情况细节。' }),
  },
  // A typical case from a concluded report (src/cases): drafted by a civil-affairs unit that sees
  // the report, its own or one below it; it changes nothing on the report itself.
  '/staff/reports/:id/case/new': { preset: 'concluded', allowed: is(['own', 'takeover', 'supervising', 'reviewer'], ['handler', 'lead', 'supervisor']), body: none },
  // Issue 19 item 3: staff investigation material is added by those who investigate — the
  // responsible person and the handling unit's handlers, leads and supervisors; never intake, the
  // township's other users, the city above, the reviewing unit (it reads only), a department or a body.
  '/staff/reports/:id/staff-files': {
    preset: 'investigating',
    allowed: or(ASSIGNEE, is(HANDLING, ['handler', 'lead', 'supervisor'])),
    body: () => ({ description: '核查笔录（村主任）' }),
    files: () => [{ name: 'files', filename: '核查笔录.pdf', content: pdfFile(), type: 'application/pdf' }],
  },
  // 可移送 (released into the referral packet): the referring side — the responsible person, or the handling unit's handler or lead.
  '/staff/reports/:id/staff-files/referral': { preset: 'staff_file', allowed: or(ASSIGNEE, is(HANDLING, ['handler', 'lead'])), body: (fx) => ({ file: String(fx.staffFileId), referral: '1' }) },
  // The department's part, or the handling unit recording it on the department's behalf.
  '/staff/transfers/:id/receive': { preset: 'transferred', allowed: or(is(['dept_open'], CASEWORK), is(HANDLING, ['intake', 'handler', 'lead'])), body: none, target: 'transfer' },
  '/staff/transfers/:id/outcome': { preset: 'transferred', allowed: or(is(['dept_open'], CASEWORK), is(HANDLING, ['intake', 'handler', 'lead'])), body: () => ({ outcome: '已立案侦查，对涉案人员采取强制措施。' }), target: 'transfer' },
  // Issue 19 item 11: interim feedback (进展反馈) — whoever may record the outcome.
  '/staff/transfers/:id/progress': { preset: 'transferred', allowed: or(is(['dept_open'], CASEWORK), is(HANDLING, ['intake', 'handler', 'lead'])), body: () => ({ progress: '已受案，正在调取评议记录。' }), target: 'transfer' },
  '/staff/transfers/:id/return': { preset: 'transferred', allowed: is(['dept_open'], CASEWORK), body: () => ({ reason: '不属本部门职责范围。' }), target: 'transfer' },
};
