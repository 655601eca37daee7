// Demo referrals and transfers in every state, through the real services.
import type { Deps } from '../shared/deps.js';
import { fileReport, findReport, type Report } from '../reports/index.js';
import { findUnitByKey } from '../units/index.js';
import { referralService } from '../reports/index.js';
import { transferService } from '../reports/index.js';
import { addDays, todayInChina } from '../clocks/index.js';
import { demoStaffContext, type DemoCredential } from './staff.js';
import { workflow } from '../reports/index.js';

const DAY = 86_400_000;

export async function seedDemoReferrals(deps: Deps, staff: DemoCredential[], now: number): Promise<void> {
  const by = (username: string) => demoStaffContext(deps, staff, username);
  const intake = await by('ng.shouli');
  const lead = await by('ng.fuzeren');
  const inspector = await by('ng.jijian');
  const officer = await by('ng.gongan');
  // Six reports about village cadres of 南岭街道, filed for this part of the demo.
  const texts = [
    '村主任给自己的小舅子办了低保，他家在城里有门市房，每年收租金好几万。',
    '村会计每次发临时救助都要扣两百块钱，说是“办事费”，不给收据。',
    '村支书把五保户的供养金拿去给村里修路，老人冬天取暖费都没有。',
    '村里有人去世两年了，低保金还在发，存折在村干部手里。',
    '村主任的两个亲戚都在吃低保，评议的时候他本人没有回避，也没有备案。',
    '村霸家族把持低保评议，谁提意见就上门威胁，去年还打伤了人。',
  ];
  const categories = ['favouritism', 'bribery', 'embezzlement', 'impersonation', 'undeclared_relatives', 'organized_crime'] as const;
  const candidates: Report[] = [];
  for (const [i, description] of texts.entries()) {
    const filed = await fileReport(
      deps,
      { category: categories[i]!, placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: i === 2, description, happenedAt: '2026年', identity: i % 2 === 0 ? { name: ['刘桂兰', '赵长海', '钱玉梅'][i / 2]!, phone: `1350431${String(2000 + i)}`, email: '', address: '' } : null },
      [],
      { channel: 'online', nonce: null, now: now - (25 - i) * DAY },
    );
    candidates.push(filed.report);
  }
  const fresh = async (id: number) => (await findReport(deps.db, id))!;
  for (const [i, r] of candidates.entries()) {
    const t0 = r.receivedAt + 2 * DAY;
    if ((await fresh(r.id)).status === 'received') await workflow.accept(deps, intake, await fresh(r.id), t0);
    if (r.category === 'organized_crime' || i === 3) {
      const police = (await findUnitByKey(deps.db, 'dept:220102:police'))!;
      await transferService.transfer(deps, lead, await fresh(r.id), police.id, addDays(todayInChina(new Date(t0)), 30), '涉嫌村霸把持低保评议、威胁群众，请公安机关依法处理。', t0 + DAY);
      if (i === 5) {
        const t = (await transferService.openTransfer(deps, r.id))!;
        await transferService.confirmReceipt(deps, officer, t, [], t0 + 2 * DAY);
        await transferService.recordOutcome(deps, officer, (await transferService.openTransfer(deps, r.id))!, '已对涉案人员立案侦查，依法采取强制措施，案件正在办理中。', [], t0 + 6 * DAY);
      }
      continue;
    }
    await referralService.refer(deps, lead, await fresh(r.id), '经初步核实，被反映人涉嫌利用职务便利在低保评审中优亲厚友、收受财物，属公职人员违纪违法问题，依规移送。', t0 + DAY);
    const referral = (await referralService.referralsOf(deps, r.id))[0]!;
    if (i === 0) continue; // pending
    await referralService.acceptReferral(deps, inspector, referral, t0 + 2 * DAY);
    if (i === 1) {
      await referralService.recordDisposition(deps, inspector, (await referralService.findReferral(deps, referral.id))!, 'preliminary', t0 + 3 * DAY);
      continue;
    }
    if (i === 2) {
      await referralService.recordResult(deps, inspector, (await referralService.findReferral(deps, referral.id))!, 'party', 'warning', '经查，被反映人违规为亲属办理低保，给予党内警告处分，责令退还违规领取的低保金。', addDays(todayInChina(new Date(t0 + 10 * DAY)), 0), t0 + 10 * DAY);
      // Several results may be recorded; the body then concludes (办结, issue 19 item 11).
      await referralService.concludeReferral(deps, inspector, (await referralService.findReferral(deps, referral.id))!, t0 + 10 * DAY);
      continue;
    }
    await referralService.returnReferral(deps, inspector, (await referralService.findReferral(deps, referral.id))!, '被反映人为县直单位干部，不属本委管辖，请移送有管辖权的机关。', t0 + 3 * DAY);
  }
}
