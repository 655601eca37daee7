// The written notices as documents (issue 18): one builder gives the content, the A4 print view
// and the Word file show the same. The document is in Chinese whatever the UI language: it is
// what these offices send. The wording follows 信访工作条例 (2022) where an article speaks.
import { translate } from '../../i18n/translate.js';
import type { DocumentKind } from './numbering.js';

export type IsoDate = string;

export interface EvidenceLine {
  name: string;
  mime: string;
  size: number;
  sha256: string;
}

/** The facts a document is written from, gathered by service.ts (nothing here reads the database). */
export interface NoticeFacts {
  kind: DocumentKind;
  number: string;
  /** 主送: the reporter's name, 信访人, or the discipline body's name (without the colon). */
  addressee: string;
  unitName: string;
  /** The document's date (成文日期), the day of the decision it writes down. */
  date: IsoDate;
  caseNo: string;
  receivedOn: IsoDate;
  channel: string;
  /** 来源 of a logged report (casework/intake.ts): a forwarded one is worded as forwarded, not as the channel. */
  source?: string | null;
  category: string;
  place: string;
  acceptedOn?: IsoDate | null;
  handlingDue?: IsoDate | null;
  /** A redirect's or an extension's reason, as told to the reporter. */
  reason?: string | null;
  extensionDays?: number;
  /** The answer (处理意见书): the request as written, the finding and the opinion. */
  description?: string;
  finding?: string | null;
  answer?: string;
  /** Where a review (复查) or re-review (复核) of this document is asked, when one still may be. */
  unitAbove?: string | null;
  /** A review answer: the reporter's request and the unit whose answer was reviewed. */
  reviewRequest?: { on: IsoDate; reason: string | null } | null;
  reviewedUnitName?: string | null;
  outcome?: 'upheld' | 'reopened';
  referral?: { opinion: string; subjectName: string | null; subjectPosition: string | null; acceptDue: IsoDate; evidence: EvidenceLine[] };
}

export interface Block {
  text: string;
  heading?: boolean;
}

export interface OfficialDocument {
  kind: DocumentKind;
  title: string;
  number: string;
  addressee: string;
  blocks: Block[];
  unitName: string;
  /**
   * 2026年12月7日: the signature date (成文日期) in Arabic numerals, the year in full, month and day
   * without a leading zero, as GB/T 9704-2012 §7.3.5.3 prescribes (the 1999 edition's Chinese numerals
   * are out of date).
   */
  date: string;
  caseNo: string;
}

export const TITLES: Record<DocumentKind, string> = {
  acceptance: '受理告知书',
  // 第二十三条: 告知信访人向有权处理的机关、单位提出 — the article does not speak of 不予受理.
  redirect: '信访事项告知书',
  extension: '延期告知书',
  answer: '处理意见书',
  review: '复查意见书',
  rereview: '复核意见书',
  referral: '问题线索移送函',
};

const CHANNELS: Record<string, string> = { online: '通过本平台', phone: '通过电话', visit: '来访', letter: '来信' };
/** How a forwarded matter reached the office (issue 19 item 12): 12345 and the 信访局 are not 来信. */
const FORWARDED_HOW: Record<string, string> = { hotline_12345: '通过12345政务服务便民热线', xinfang_bureau: '经信访部门转送', superior: '经上级机关交办' };
/** 2026-03-05 → 2026年3月5日 (dates in the body text and the signature date, GB/T 9704-2012). */
export function bodyDate(date: IsoDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日`;
}

const zh = (key: string) => translate('zh-CN', key);
const category = (f: NoticeFacts) => zh(`report.categories.${f.category}`);
const paragraphs = (text: string): Block[] =>
  text
    .split(/\n+/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => ({ text: p }));

/** 您于2026年3月5日通过本平台反映的优亲厚友问题（编号JL2026-000123） */
function yourMatter(f: NoticeFacts): string {
  const how = (f.source ? FORWARDED_HOW[f.source] : undefined) ?? CHANNELS[f.channel] ?? '';
  return `您于${bodyDate(f.receivedOn)}${how}反映的${f.place ? `发生在${f.place}的` : ''}${category(f)}问题（编号：${f.caseNo}）`;
}

function acceptance(f: NoticeFacts): Block[] {
  return [
    { text: `${yourMatter(f)}，属于本机关职权范围，本机关已于${bodyDate(f.acceptedOn ?? f.date)}登记受理。` },
    { text: '根据《信访工作条例》第二十三条的规定，现将接收情况以及处理途径和程序告知如下：' },
    {
      text: `本机关将听取您陈述的事实和理由，调查核实后出具信访处理意见书（《信访工作条例》第三十一条、第三十二条），自受理之日起60日内办结${f.handlingDue ? `，即于${bodyDate(f.handlingDue)}前办结` : ''}；情况复杂的，经本机关负责人批准，可以适当延长办理期限，但延长期限不得超过30日，并告知您延期理由（第三十四条）。`,
    },
    { text: '您可以凭查询码在本平台查询办理进展、补充材料。对处理意见不服的，可以自收到书面答复之日起30日内请求上一级机关复查（第三十五条）。' },
    { text: '特此告知。' },
  ];
}

function redirect(f: NoticeFacts): Block[] {
  return [
    { text: `${yourMatter(f)}，本机关已收悉并登记。` },
    ...(f.reason ? [{ text: `经审查：${f.reason}` }] : []),
    { text: '根据《信访工作条例》第二十三条第一款“对不属于本机关、单位或者本系统职权范围的，应当告知信访人向有权处理的机关、单位提出”的规定，请您向有权处理的机关、单位提出。' },
    { text: '特此告知。' },
  ];
}

function extension(f: NoticeFacts): Block[] {
  return [
    { text: `${yourMatter(f)}，本机关已于${bodyDate(f.acceptedOn ?? f.receivedOn)}受理。` },
    {
      text: `因${(f.reason ?? '').replace(/[。.]$/, '')}，情况复杂，经本机关负责人批准，根据《信访工作条例》第三十四条的规定，办理期限延长${f.extensionDays ?? ''}日（延长期限不得超过30日）${f.handlingDue ? `，延长后的办理期限至${bodyDate(f.handlingDue)}` : ''}。`,
    },
    { text: '特此告知。' },
  ];
}

function answer(f: NoticeFacts): Block[] {
  return [
    { text: '一、信访人投诉请求', heading: true },
    { text: `${yourMatter(f)}：` },
    ...paragraphs(f.description ?? ''),
    { text: '二、事实和理由', heading: true },
    { text: f.finding ? `经调查核实，您反映的问题${zh(`casework.findings.${f.finding}`)}。` : '经调查核实，情况如下。' },
    { text: '三、处理意见', heading: true },
    ...paragraphs(f.answer ?? ''),
    { text: '四、法律法规依据', heading: true },
    { text: '《信访工作条例》第三十一条、第三十二条；《社会救助暂行办法》及吉林省农村低保相关规定。' },
    { text: `如对本处理意见不服，可以自收到本意见书之日起30日内向${f.unitAbove ?? '上一级机关、单位'}请求复查（《信访工作条例》第三十五条）。` },
  ];
}

function review(f: NoticeFacts, level: 1 | 2): Block[] {
  const word = level === 1 ? '复查' : '复核';
  const reviewed = level === 1 ? `${f.reviewedUnitName ?? '原办理机关'}作出的处理意见` : `${f.reviewedUnitName ?? '复查机关'}作出的复查意见`;
  const blocks: Block[] = [
    { text: `${yourMatter(f)}，您对${reviewed}不服，${f.reviewRequest ? `于${bodyDate(f.reviewRequest.on)}` : ''}请求${word}。` },
    ...(f.reviewRequest?.reason ? [{ text: `您的${word}请求：` }, ...paragraphs(f.reviewRequest.reason)] : []),
    { text: `本机关依照《信访工作条例》${level === 1 ? '第三十五条' : '第三十六条'}的规定进行了${word}，${word}意见如下：`, heading: false },
    ...paragraphs(f.answer ?? ''),
    { text: f.outcome === 'reopened' ? `${word}决定：原${level === 1 ? '处理' : '复查'}意见予以撤销，交由原办理机关重新办理，办理结果另行书面答复。` : `${word}决定：维持原${level === 1 ? '处理' : '复查'}意见。` },
  ];
  if (level === 1 && f.outcome !== 'reopened') blocks.push({ text: `如对本复查意见不服，可以自收到本意见书之日起30日内向${f.unitAbove ?? '上一级机关、单位'}请求复核（《信访工作条例》第三十六条第一款）。` });
  // 第三十六条第三款: after the re-review the matter is final.
  if (level === 2) blocks.push({ text: '本复核意见为最终意见。根据《信访工作条例》第三十六条第三款的规定，信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。' });
  return blocks;
}

function referral(f: NoticeFacts): Block[] {
  const r = f.referral!;
  const subject = [r.subjectPosition ? zh(`report.positions.${r.subjectPosition}`) : '', r.subjectName ?? ''].join('');
  const evidence: Block[] = r.evidence.length
    ? r.evidence.map((e, i) => ({ text: `${i + 1}. ${e.name}（${e.mime}，${Math.max(1, Math.round(e.size / 1024))} KB，SHA-256：${e.sha256}）` }))
    : [{ text: '无。' }];
  return [
    { text: `本机关在办理编号为${f.caseNo}的${category(f)}问题线索中，发现反映${subject ? `${subject}的` : ''}问题属于纪检监察机关受理的检举控告事项。根据《信访工作条例》第三十条的规定，现移送你单位依规依纪依法处理。` },
    { text: '一、线索编号', heading: true },
    { text: f.caseNo },
    { text: '二、问题类别和发生地', heading: true },
    { text: `${category(f)}；${f.place}` },
    { text: '三、承办单位核查情况和移送意见', heading: true },
    ...paragraphs(r.opinion),
    { text: '四、证据材料清单', heading: true },
    ...evidence,
    { text: `请于${bodyDate(r.acceptDue)}前受理或者按照管理权限转交，并将处理结果反馈本机关。根据《信访工作条例》第三十条第三款的规定，不得将检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员或者单位。` },
  ];
}

export function buildNotice(f: NoticeFacts): OfficialDocument {
  const blocks = {
    acceptance,
    redirect,
    extension,
    answer,
    review: (x: NoticeFacts) => review(x, 1),
    rereview: (x: NoticeFacts) => review(x, 2),
    referral,
  }[f.kind](f);
  return { kind: f.kind, title: TITLES[f.kind], number: f.number, addressee: f.addressee, blocks, unitName: f.unitName, date: bodyDate(f.date), caseNo: f.caseNo };
}

const BODY_FONT = { ascii: 'FangSong', hAnsi: 'FangSong', eastAsia: 'FangSong' };
const TITLE_FONT = { ascii: 'SimHei', hAnsi: 'SimHei', eastAsia: 'SimHei' };
const HEADING_FONT = { ascii: 'SimHei', hAnsi: 'SimHei', eastAsia: 'SimHei' };
// A4 in twentieths of a point, margins of GB/T 9704 (37 mm top, 35 mm bottom, 28 mm left, 26 mm right).
const A4 = { width: 11906, height: 16838 };
const mm = (n: number) => Math.round((n * 1440) / 25.4);
/** 三号 = 16 pt = 32 half-points; 二号 = 22 pt; 28 pt fixed line spacing = 560 twentieths. */
const SIZE_3 = 32;
const SIZE_2 = 44;
const LINE = 560;

/** The Word (.docx) file of a notice: 仿宋 三号 body at 28 pt exact line spacing, page numbers "— 1 —". */
export async function toDocx(doc: OfficialDocument): Promise<Buffer> {
  // Loaded on first use: docx is large and rarely needed (bench/findings.md).
  const { Document, Packer, Paragraph, TextRun, AlignmentType, Footer, PageNumber, LineRuleType } = await import('docx');
  const exact = { line: LINE, lineRule: LineRuleType.EXACT };
  const body = (text: string, opts: { indent?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; font?: typeof BODY_FONT } = {}) =>
    new Paragraph({ alignment: opts.align ?? AlignmentType.JUSTIFIED, indent: opts.indent === false ? undefined : { firstLine: SIZE_3 * 20 }, spacing: exact, children: [new TextRun({ text, size: SIZE_3, font: opts.font ?? BODY_FONT })] });
  const children = [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { line: 700, lineRule: LineRuleType.EXACT }, children: [new TextRun({ text: doc.title, size: SIZE_2, font: TITLE_FONT })] }),
    body(doc.number, { indent: false, align: AlignmentType.RIGHT }),
    body(`${doc.addressee}：`, { indent: false, align: AlignmentType.LEFT }),
    ...doc.blocks.map((b) => body(b.text, b.heading ? { font: HEADING_FONT } : {})),
    body('', { indent: false }),
    body(doc.unitName, { indent: false, align: AlignmentType.RIGHT }),
    body(doc.date, { indent: false, align: AlignmentType.RIGHT }),
  ];
  const footer = new Footer({
    children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], size: 28, font: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: 'SimSun' } })] })],
  });
  const document = new Document({
    creator: '阳光救助监督平台',
    title: `${doc.title} ${doc.number}`,
    styles: { default: { document: { run: { font: BODY_FONT, size: SIZE_3 } } } },
    sections: [{ properties: { page: { size: A4, margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26), footer: mm(28) } } }, footers: { default: footer }, children }],
  });
  return Packer.toBuffer(document);
}
