// Demo reports: a few dozen realistic reports across prefectures and categories, filed through the
// real filing service so that every derived record (events, audit, routing) is as in production.
import type { Deps } from '../shared/deps.js';
import { fileReport, type Category, type Position } from '../reports/index.js';
import { villagePlaces } from '../regions/index.js';

interface Template {
  category: Category;
  position: Position | null;
  subject: string | null;
  text: string;
}

const TEMPLATES: Template[] = [
  { category: 'favouritism', position: 'village_cadre', subject: '王德福', text: '村主任王德福把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，还在镇上开了个小卖部，根本不困难。村里好几户真正困难的老人反倒没评上。' },
  { category: 'connections', position: 'village_cadre', subject: null, text: '今年评低保的时候没开村民代表会，名单是村支书和会计两个人定的。听说有人给村里干部送了烟酒才评上的。' },
  { category: 'wrong_grant', position: null, subject: null, text: '我们屯有一户人家儿子在长春买了楼，家里种着四十多亩地，每年还在吃低保。大家都有意见，但是不敢说。' },
  { category: 'left_out', position: 'township_assistant', subject: null, text: '我父亲今年七十六岁，一个人生活，去年做了手术，没有收入。申请低保两次，乡里民政助理说材料不全，一直拖着不给办。' },
  { category: 'bribery', position: 'village_cadre', subject: '刘会计', text: '村会计让我们办低保先交五百块钱“手续费”，不交就不给往上报。我家交了，邻居家也交了，都没有收据。' },
  { category: 'embezzlement', position: 'village_cadre', subject: null, text: '我们村五保户的取暖补贴，去年冬天一直没发到手里。问村里，说是统一买煤了，可是煤也没见到。' },
  { category: 'impersonation', position: 'group_leader', subject: null, text: '我们组有个老人去年三月就去世了，可是他的低保金到现在还有人在领，存折在小组长手里。' },
  { category: 'undeclared_relatives', position: 'village_cadre', subject: '张**', text: '村妇女主任的亲姐姐一家享受低保，没有按规定备案，评议的时候她本人也在场没有回避。' },
  { category: 'blanket_removal', position: 'township_official', subject: null, text: '镇里说上面要求低保户减少三分之一，村里没入户核查就把我们十几户的低保停了，我家两个病人，实在没法过。' },
  { category: 'posting_irregular', position: null, subject: null, text: '村里公示低保名单只贴了两天就撕了，上面还写着身份证号和家里人的病情，很多人都看到了。' },
  { category: 'temporary_assistance', position: 'township_assistant', subject: null, text: '家里房子失火，去乡里申请临时救助，工作人员说要等县里批，一个多月了也没消息，一家人住在亲戚家。' },
  { category: 'extreme_poverty', position: null, subject: null, text: '我们村的特困老人分散供养，说好的照料护理补贴没有落实，老人生病了都没人管，照料人也没签协议。' },
  { category: 'epidemic_poverty', position: null, subject: null, text: '疫情期间我在外地打工的活没了，回家后老婆生病住院，花了好几万，申请救助村里说我们有劳动力不符合条件。' },
  { category: 'work_style', position: 'township_assistant', subject: null, text: '到乡政府问低保的事，民政办的人说不归他管，让去县里问；去了县里又让回乡里。来回跑了四趟，没人给个准话。' },
  { category: 'organized_crime', position: 'village_cadre', subject: null, text: '村里有人仗着家族势力大，把持低保评议，谁提意见就上门威胁，还打过人。老百姓敢怒不敢言。' },
  { category: 'wrong_grant', position: 'village_cadre', subject: '赵**', text: '村里一个在县里上班、有工资的人也在吃低保，是村支书的女婿，评议的时候村民都不知道。' },
  { category: 'bankbook_custody', position: 'village_cadre', subject: null, text: '村会计把我们十几户低保户的存折、社保卡都收走了，说是统一保管。要用钱得去找他，卡里有多少钱我们自己都不知道。' },
  { category: 'false_claims', position: 'village_cadre', subject: null, text: '我娘的低保金一直是村里代领，说是帮着领，可老人一年多一分钱也没拿到手。' },
];

/** A small deterministic generator, so the demo is the same on every machine. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A demo report's id and its query code (shown once; only its HMAC is stored). */
export interface DemoCode {
  reportId: number;
  code: string;
}

export async function seedDemoReports(deps: Deps, count: number, now: number): Promise<DemoCode[]> {
  const random = prng(20261129);
  const places = await villagePlaces(deps.db);
  // Rural villages province-wide; the urban 南关区 has mostly communities, which take dibao reports too.
  const villages = places.filter((p) => p.kind === 'village');
  const nanguan = places.filter((p) => p.county === '220102');
  const codes: DemoCode[] = [];
  for (let i = 0; i < count; i++) {
    const t = TEMPLATES[i % TEMPLATES.length]!;
    // A third sits in 南关区, whose demo staff can work on them; a third elsewhere in 长春; the rest province-wide.
    const pool = i % 3 === 0 ? nanguan : i % 3 === 1 ? villages.filter((v) => v.prefecture === '220100') : villages;
    const place = pool[Math.floor(random() * pool.length)] ?? villages[0]!;
    const filed = await fileReport(
      deps,
      {
        category: t.category,
        placeCode: place.village,
        placeOther: null,
        countyCode: place.county,
        townshipCode: place.township,
        subjectName: t.subject,
        subjectPosition: t.position,
        subjectIsHead: false,
        description: t.text,
        happenedAt: ['2026年春天', '今年以来', '2026年9月', '去年冬天', null][i % 5] ?? null,
        identity: i % 4 === 1 ? { name: ['李秀兰', '孙建国', '周玉芬', '吴振华'][i % 4]!, phone: `1390431${String(1000 + i).slice(-4)}`, email: '', address: '' } : null,
      },
      [],
      { channel: i % 7 === 3 ? 'phone' : 'online', nonce: null, now: now - Math.floor(random() * 40) * 86_400_000 - i * 3_600_000 },
    );
    codes.push({ reportId: filed.report.id, code: filed.queryCode });
  }
  return codes;
}
