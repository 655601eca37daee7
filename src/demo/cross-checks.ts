// Demo declarations: twelve non-user declarants (village cadres, group leaders, township assistants)
// in two communities of 南岭街道 (南关区 220102) and two villages of 靠山镇 (农安县 220122), with
// relatives, arranged against each village's roster so that every kind of flag occurs:
//   A (村干部)   surname of an undeclared recipient of the village, one recipient declared → declared + possible_relative
//   B (村民小组长) is a recipient himself                                                   → declarant_receives
//   C (乡镇民政助理) a surname nobody on the roster has, a relative not on any roster        → no flag
// Run after the demo rosters (src/demo/disclosure.ts); a village with fewer than four current
// recipients first gets a few of its own, so the seed also works alone. The clear names and ID
// numbers of made-up people exist only in memory here; stored are keyed hashes, as everywhere —
// under both crypto profiles (id_hash and id_hash_alt, issue 23), as a real import or declaration
// stores them, so the demo's lists never show up as "still carrying old hashes" and its flags
// survive a switch of profile.
import { todayInChina } from '../clocks/index.js';
import { hasNonUserDeclarant, insertDeclarant, insertRelative } from '../declarations/index.js';
import { activeRecipientsOfVillages, insertRecipientsIfNew, idCheckChar, idNumberHashes, maskName, surnameOf } from '../disclosure/index.js';
import { placeChain } from '../regions/index.js';
import { withTransaction } from '../db/transaction.js';
import type { Deps } from '../shared/deps.js';
import { findUnitByKey } from '../units/index.js';
import { flagCountsByKind, runCrossChecks, type FlagKind } from '../cross-checks/index.js';

/** 华阳社区, 恒安社区 (南岭街道, 南关区); 靠山村, 后岭村 (靠山镇, 农安县). */
export const DEMO_DECLARATION_VILLAGES = ['220102001001', '220102001002', '220122103200', '220122103201'] as const;

const GIVEN = '国建志明文军永德海立振庆宝福贵富成山林树忠义广长来金喜顺平安俊伟强磊洪波涛刚亮春梅兰英华秀';
const RARE_SURNAMES = ['仝', '邬', '蔺', '禚', '钭', '阚', '宓', '隗'];
const FILLER_SURNAMES = '王李张刘陈杨赵';

export interface DemoDeclarationSummary {
  declarants: number;
  relatives: number;
  /** Recipients the seed added because a village had too few. */
  recipientsAdded: number;
  flags: Record<FlagKind, number>;
}

/** Deterministic made-up ID numbers: county code, a birth date from the serial, a sequence. */
function makeId(county: string, serial: number): string {
  const year = 1955 + (serial % 40);
  const month = String(1 + (serial % 12)).padStart(2, '0');
  const day = String(1 + (serial % 28)).padStart(2, '0');
  const first17 = `${county}${year}${month}${day}${String(700 + (serial % 300)).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

export async function seedDemoDeclarations(deps: Deps, now: Date | number = Date.now()): Promise<DemoDeclarationSummary | null> {
  const { db } = deps;
  const at = typeof now === 'number' ? now : now.getTime();
  if (await hasNonUserDeclarant(db)) return null;
  const hash = (id: string) => idNumberHashes(deps.keys['id-hash'], id);
  let serial = 0;
  let giv = 0;
  const given = (n: number) => Array.from({ length: n }, () => GIVEN[(giv++ * 7) % GIVEN.length]!).join('');
  const summary: DemoDeclarationSummary = { declarants: 0, relatives: 0, recipientsAdded: 0, flags: { declared: 0, declarant_receives: 0, possible_relative: 0 } };

  for (const [v, villageCode] of DEMO_DECLARATION_VILLAGES.entries()) {
    const chain = await placeChain(db, villageCode);
    if (!chain.village || !chain.township || !chain.county) continue;
    const county = chain.county.code;
    const unit = await findUnitByKey(db, `ca:${county}`);
    let roster = (await activeRecipientsOfVillages(db, [villageCode])).sort((a, b) => a.id - b.id);
    if (roster.length < 4) {
      const today = todayInChina(new Date(at));
      const rows = Array.from({ length: 6 }, (_, i) => {
        const name = FILLER_SURNAMES[(v + i) % FILLER_SURNAMES.length]! + given(2);
        return {
          villageCode, townshipCode: chain.township!.code, countyCode: county, ...hash(makeId(county, 900 + v * 10 + i)),
          maskedName: maskName(name), surname: surnameOf(name), householdSize: 1 + (i % 4), monthlyAmountFen: 38000 + i * 2000,
          type: i === 5 ? 'extreme' : 'dibao', status: 'active', sinceOn: today, updatedAt: at,
        };
      });
      await insertRecipientsIfNew(db, rows);
      summary.recipientsAdded += rows.length;
      roster = (await activeRecipientsOfVillages(db, [villageCode])).sort((a, b) => a.id - b.id);
    }
    const [r0, r1, r2] = roster;
    if (!r0 || !r1 || !r2) continue;
    // A recipient's name as a declaration would carry it: the masked characters filled in.
    const unmask = (masked: string) => masked.replace(/\*/g, () => given(1));
    const surnames = new Set(roster.map((r) => r.surname));
    const rare = RARE_SURNAMES.find((s) => !surnames.has(s)) ?? RARE_SURNAMES[0]!;
    // A recipient's hashes as the roster holds them (a roster imported before issue 23 has no alt).
    const hashesOf = (r: { idHash: string; idHashAlt: string | null }) => ({ idHash: r.idHash, idHashAlt: r.idHashAlt });
    const people = [
      { name: r0.surname + given(2), position: 'village_cadre', ...hash(makeId(county, ++serial)), relatives: [
        { name: unmask(r1.maskedName), relation: 'spouse', ...hashesOf(r1), assistanceType: r1.type },
        { name: r0.surname + given(1), relation: 'child', ...hash(makeId(county, 500 + ++serial)), assistanceType: 'temporary' },
      ] },
      { name: unmask(r2.maskedName), position: 'group_leader', ...hashesOf(r2), relatives: [] },
      { name: rare + given(2), position: 'township_assistant', ...hash(makeId(county, ++serial)), relatives: [
        { name: rare + given(1), relation: 'parent', ...hash(makeId(county, 500 + ++serial)), assistanceType: 'dibao' },
      ] },
    ];
    await withTransaction(db, async (tx) => {
      for (const p of people) {
        const d = await insertDeclarant(tx, { userId: null, name: p.name, position: p.position, idHash: p.idHash, idHashAlt: p.idHashAlt, homeVillageCode: villageCode, unitId: unit?.id ?? null, updatedAt: at });
        for (const r of p.relatives) await insertRelative(tx, { declarantId: d.id, name: r.name, relation: r.relation, idHash: r.idHash, idHashAlt: r.idHashAlt, villageCode, assistanceType: r.assistanceType });
        summary.declarants += 1;
        summary.relatives += p.relatives.length;
      }
    });
  }
  await runCrossChecks(deps, { villageCodes: [...DEMO_DECLARATION_VILLAGES] }, at);
  for (const row of await flagCountsByKind(db)) summary.flags[row.kind] = row.n;
  return summary;
}
