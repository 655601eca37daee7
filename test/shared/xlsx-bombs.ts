// Spreadsheet bombs for the tests (issue 16, defect 2): a workbook a few MB in size whose parts
// inflate to gigabytes. Building gigabytes to compress them would take minutes, so a part is made
// of one repeated unit compressed once: a raw-deflate segment ended by a full flush restarts with
// no dictionary, so the same bytes repeated N times are a valid stream for the unit repeated N
// times. A bomb's declared size is a lie (the guard must not trust it) and its CRC zero.
import zlib from 'node:zlib';

export interface Part {
  name: string;
  /** Raw-deflate data. */
  deflated: Buffer;
  /** What the local and central headers claim the part inflates to, and its CRC-32. */
  claimedSize?: number;
  crc?: number;
}

/** A raw-deflate stream for head + unit × repeats + tail, built without materialising it. */
export function repeatedPart(name: string, head: string, unit: string, repeats: number, tail: string): Part {
  const flush = { finishFlush: zlib.constants.Z_FULL_FLUSH };
  const first = zlib.deflateRawSync(Buffer.from(head), flush);
  const middle = zlib.deflateRawSync(Buffer.from(unit), { ...flush, level: 9 });
  const last = zlib.deflateRawSync(Buffer.from(tail));
  const parts = [first];
  for (let i = 0; i < repeats; i++) parts.push(middle);
  parts.push(last);
  return { name, deflated: Buffer.concat(parts), claimedSize: 1000 };
}

export function plainPart(name: string, text: string): Part {
  const data = Buffer.from(text);
  return { name, deflated: zlib.deflateRawSync(data), claimedSize: data.length, crc: zlib.crc32(data) };
}

/** A ZIP archive of the parts (all deflated), as JSZip and Excel read it. */
export function zip(parts: readonly Part[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const size = p.claimedSize ?? 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(p.crc ?? 0, 14);
    local.writeUInt32LE(p.deflated.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(p.crc ?? 0, 16);
    central.writeUInt32LE(p.deflated.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, p.deflated);
    centrals.push(central, name);
    offset += 30 + name.length + p.deflated.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** The parts every workbook has, around one sheet (and a shared-strings part when given). */
export function workbook(sheet: Part, extra: Part[] = [], workbookXml = `${XML}<workbook ${NS}><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>`): Buffer {
  return zip([
    plainPart('[Content_Types].xml', `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
    plainPart('_rels/.rels', `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    plainPart('xl/workbook.xml', workbookXml),
    plainPart('xl/_rels/workbook.xml.rels', `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`),
    sheet,
    ...extra,
  ]);
}

const SHEET_HEAD = `${XML}<worksheet ${NS}><sheetData>`;
const SHEET_TAIL = '</sheetData></worksheet>';
/** About 4.5 MB of compressed data in each bomb. */
const TARGET = 4.5 * 1024 * 1024;

function bombOf(name: string, head: string, row: string, perUnit: number, tail: string): Part {
  const unit = row.repeat(perUnit);
  const one = zlib.deflateRawSync(Buffer.from(unit), { finishFlush: zlib.constants.Z_FULL_FLUSH, level: 9 }).length;
  return repeatedPart(name, head, unit, Math.ceil(TARGET / one), tail);
}

/** Millions of one-cell rows. */
export function rowsBomb(): Buffer {
  return workbook(bombOf('xl/worksheets/sheet1.xml', SHEET_HEAD, '<row><c t="n"><v>1</v></c></row>', 40_000, SHEET_TAIL));
}

/** Rows of 1,000 cells each, without end. */
export function cellsBomb(): Buffer {
  return workbook(bombOf('xl/worksheets/sheet1.xml', SHEET_HEAD, `<row>${'<c t="n"><v>1</v></c>'.repeat(1000)}</row>`, 40, SHEET_TAIL));
}

/** A shared-strings table of millions of entries behind a small sheet. */
export function sharedStringsBomb(): Buffer {
  const sst = bombOf('xl/sharedStrings.xml', `${XML}<sst ${NS}>`, '<si><t>低保</t></si>', 50_000, '</sst>');
  return workbook(plainPart('xl/worksheets/sheet1.xml', `${SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>${SHEET_TAIL}`), [sst]);
}

/** One shared string of gigabytes. */
export function sharedStringBytesBomb(): Buffer {
  const sst = bombOf('xl/sharedStrings.xml', `${XML}<sst ${NS}><si><t>`, 'x', 1024 * 1024, '</t></si></sst>');
  return workbook(plainPart('xl/worksheets/sheet1.xml', `${SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>${SHEET_TAIL}`), [sst]);
}

/** A "picture" of gigabytes of zeros. */
export function unpackedBomb(): Buffer {
  const picture = bombOf('xl/media/image1.png', '', '\0', 1024 * 1024, '');
  return workbook(plainPart('xl/worksheets/sheet1.xml', `${SHEET_HEAD}${SHEET_TAIL}`), [picture]);
}

/** A small sheet: `body` inside <worksheet> after <sheetData>. */
export function smallSheet(rows: string, after = ''): Part {
  return plainPart('xl/worksheets/sheet1.xml', `${SHEET_HEAD}${rows}${SHEET_TAIL.replace('</worksheet>', `${after}</worksheet>`)}`);
}
