// One submission as a document: the same content for the A4 print view and the Word file. The
// document is in Chinese whatever the UI language: it is what these offices file and exchange.
import type { Paragraph, Table } from 'docx';
import { formatDate } from '../views/helpers/date.js';
import { SECTIONS, SECTION_TITLES_ZH } from './catalog.js';
import { statRows, type StatRow, type Statistics } from './statistics.js';
import type { Submission, Task } from './repository.js';

export interface SubmissionDocument {
  title: string;
  unitName: string;
  /** The date it was submitted, or last saved for a draft. */
  date: string;
  draft: boolean;
  dueOn: string;
  /** 报送单位：… 报送日期：… */
  metaLine: string;
  sections: { key: string; heading: string; paragraphs: string[] }[];
  statistics: { heading: string; caption: string; rows: StatRow[] } | null;
  /** The document's fixed words (Chinese, as the document is). */
  labels: { draft: string; item: string; value: string; empty: string };
}

const LABELS = { draft: '（草稿，尚未报送）', item: '项目', value: '数值', empty: '（未填写）' };

const NUMERALS = ['一', '二', '三', '四', '五'];

export function buildDocument(task: Task, unitName: string, sub: Submission, stats: Statistics | null): SubmissionDocument {
  const draft = sub.status !== 'submitted';
  const sections = SECTIONS.map((key, i) => ({
    key,
    heading: `${NUMERALS[i]}、${SECTION_TITLES_ZH[key]}`,
    paragraphs: sub[key]
      .split(/\n+/)
      .map((p) => p.trim())
      .filter(Boolean),
  }));
  const date = formatDate(draft ? sub.updatedAt : sub.submittedAt);
  return {
    title: task.title,
    unitName,
    date,
    draft,
    dueOn: task.dueOn,
    metaLine: `报送单位：${unitName}　　${draft ? '保存日期' : '报送日期'}：${date}`,
    sections,
    statistics: stats
      ? {
          heading: `${NUMERALS[SECTIONS.length]}、统计数据`,
          caption: `统计期间：${stats.from} 至 ${stats.to}${draft ? '（实时数据，报送时固定）' : '（报送时固定）'}${stats.units > 1 ? `；由${stats.units}个单位数据相加，比率按合计数计算` : ''}`,
          rows: statRows(stats, 'zh-CN'),
        }
      : null,
    labels: LABELS,
  };
}

const FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: 'FangSong' };
const HEADING_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: 'SimHei' };
// A4 in twentieths of a point, with the margins of official documents (GB/T 9704: 37 mm top, 28 mm sides).
const A4 = { width: 11906, height: 16838 };
const mm = (n: number) => Math.round((n * 1440) / 25.4);

type Docx = typeof import('docx');
type Alignment = Docx['AlignmentType'][keyof Docx['AlignmentType']];

function cell(docx: Docx, text: string, bold = false, align: Alignment = docx.AlignmentType.LEFT) {
  const { TableCell, Paragraph, TextRun } = docx;
  return new TableCell({ children: [new Paragraph({ alignment: align, children: [new TextRun({ text, bold, font: FONT })] })] });
}

/** The Word (.docx) file of a submission. */
export async function toDocx(doc: SubmissionDocument): Promise<Buffer> {
  // Loaded on first use: docx is large and rarely needed, so it stays out of the start (bench/findings.md).
  const docx = await import('docx');
  const { Document, Packer, Paragraph, TextRun, Table, TableRow, AlignmentType, HeadingLevel, WidthType, BorderStyle } = docx;
  const children: (Paragraph | Table)[] = [];
  children.push(new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: doc.title, bold: true, size: 40, font: HEADING_FONT })] }));
  if (doc.draft) children.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: doc.labels.draft, font: FONT })] }));
  children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 360 }, children: [new TextRun({ text: doc.metaLine, font: FONT })] }));
  for (const s of doc.sections) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, spacing: { before: 240, after: 120 }, children: [new TextRun({ text: s.heading, bold: true, size: 32, font: HEADING_FONT })] }));
    const paragraphs = s.paragraphs.length > 0 ? s.paragraphs : [doc.labels.empty];
    for (const p of paragraphs) children.push(new Paragraph({ indent: { firstLine: 640 }, spacing: { line: 560 }, children: [new TextRun({ text: p, size: 32, font: FONT })] }));
  }
  if (doc.statistics) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, spacing: { before: 240, after: 120 }, children: [new TextRun({ text: doc.statistics.heading, bold: true, size: 32, font: HEADING_FONT })] }));
    children.push(new Paragraph({ children: [new TextRun({ text: doc.statistics.caption, font: FONT })] }));
    const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
    children.push(
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
        rows: [
          new TableRow({ tableHeader: true, children: [cell(docx, doc.labels.item, true), cell(docx, doc.labels.value, true, AlignmentType.RIGHT)] }),
          ...doc.statistics.rows.map((r) => new TableRow({ children: [cell(docx, r.label), cell(docx, r.value, false, AlignmentType.RIGHT)] })),
        ],
      }),
    );
  }
  children.push(new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { before: 480 }, children: [new TextRun({ text: doc.unitName, font: FONT })] }));
  children.push(new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ text: doc.date, font: FONT })] }));
  const document = new Document({
    creator: '阳光救助监督平台',
    title: doc.title,
    styles: { default: { document: { run: { font: FONT, size: 24 } } } },
    sections: [{ properties: { page: { size: A4, margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) } } }, children }],
  });
  return Packer.toBuffer(document);
}
