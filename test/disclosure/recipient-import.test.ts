import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { hasMessage } from '../../src/i18n/translate.js';
import { idNumberHash, idNumberHashes } from '../../src/disclosure/id-number.js';
import {
  RECIPIENT_TYPES,
  fileFingerprint,
  parseRecipientFile,
  recipientTemplateCsv,
  rowsFingerprint,
  type ImportOptions,
  type ImportResult,
} from '../../src/disclosure/recipient-import.js';
import { makeId } from './ids.js';

// 合隆镇 (220103100), from data-source/jilin-villages.json: the NBS list mixes 村委会 and 社区 forms.
const VILLAGES = [
  { code: '220103100001', name: '兰家大街居委会' },
  { code: '220103100002', name: '蓝溪社区' },
  { code: '220103100200', name: '东道村委会' },
  { code: '220103100201', name: '合隆村委会' },
  { code: '220103100202', name: '郭家村委会' },
];
const KEY = Buffer.alloc(32, 3);
const OPTS: ImportOptions = { villages: VILLAGES, idHashKey: KEY, now: new Date('2025-06-01T00:00:00Z') };
const HEADER = '姓名,身份证号码,家庭人口,月保障金（元）,救助类型,村（社区）';
const ID1 = makeId('19500315', 1);
const ID2 = makeId('19620701', 2);
const ID3 = makeId('19451130', 3);
const ALL_IDS = [ID1, ID2, ID3];

const csv = (...lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
const problemsOf = (r: ImportResult) => (r.ok ? [] : r.problems.map((p) => [p.row, p.column, p.message]));

/** No clear ID (nor its first 17 digits) anywhere in what the importer returns. */
function expectNoClearIds(result: ImportResult, ids = ALL_IDS): void {
  const json = JSON.stringify(result);
  for (const id of ids) expect(json).not.toContain(id.slice(0, 17));
}

describe('parseRecipientFile: CSV', () => {
  const good = csv(
    HEADER,
    `张明华,${ID1},3,1250.00,农村低保,合隆村委会`,
    `欧阳秀英,${ID2},1,860.5,特困供养,东道村`,
    `金美玉子,${ID3},2,600,临时救助,兰家大街社区`,
  );

  it('imports a valid UTF-8 file with hashes, fen, types and villages matched loosely', async () => {
    const result = await parseRecipientFile(good, OPTS);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.encoding).toBe('utf-8');
    expect(result.rows).toEqual([
      { row: 2, name: '张明华', maskedName: '张*华', ...idNumberHashes(KEY, ID1), householdSize: 3, monthlyAmountFen: 125000, type: 'low', villageCode: '220103100201', villageName: '合隆村委会' },
      { row: 3, name: '欧阳秀英', maskedName: '欧阳*英', ...idNumberHashes(KEY, ID2), householdSize: 1, monthlyAmountFen: 86050, type: 'extreme', villageCode: '220103100200', villageName: '东道村委会' },
      { row: 4, name: '金美玉子', maskedName: '金**子', ...idNumberHashes(KEY, ID3), householdSize: 2, monthlyAmountFen: 60000, type: 'temporary', villageCode: '220103100001', villageName: '兰家大街居委会' },
    ]);
    expectNoClearIds(result);
  });

  it('reads UTF-8 with a BOM (Excel "CSV UTF-8")', async () => {
    const result = await parseRecipientFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good]), OPTS);
    expect(result.ok && result.encoding).toBe('utf-8-bom');
    expect(result.ok && result.rows.map((r) => r.name)).toEqual(['张明华', '欧阳秀英', '金美玉子']);
  });

  it('reads GBK, as Chinese Excel saves plain CSV (fixture made with iconv)', async () => {
    const bytes = fs.readFileSync(new URL('../fixtures/disclosure/recipients-gbk.csv', import.meta.url));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const result = await parseRecipientFile(bytes, OPTS);
    expect(result.ok && result.encoding).toBe('gbk');
    expect(result.ok && result.rows.map((r) => [r.name, r.type, r.villageCode])).toEqual([
      ['张明华', 'low', '220103100201'],
      ['欧阳秀英', 'extreme', '220103100200'],
      ['金美玉子', 'temporary', '220103100001'],
    ]);
    expect(result.ok && result.rows[0]!.idHash).toBe(idNumberHash(KEY, ID1));
  });

  it('rejects the whole file for one bad row, with the row number Excel shows', async () => {
    // Row 3 is an empty line (skipped, but still counted, as Excel counts it); row 5 is bad.
    const result = await parseRecipientFile(
      csv(HEADER, `张明华,${ID1},3,1250,低保,合隆村`, '', `欧阳秀英,${ID2},1,860.5,特困,东道村`, `金美玉子,${ID3.slice(0, 17)}0,2,600,临时救助,兰家大街社区`),
      OPTS,
    );
    expect(result.ok).toBe(false);
    expect(result.rows).toEqual([]);
    expect(problemsOf(result)).toEqual([[5, 'idNumber', 'disclosure.import.bad_id_checksum']]);
    expectNoClearIds(result);
  });

  it('reports every problem of every row, each with its column', async () => {
    const result = await parseRecipientFile(
      csv(HEADER, `张1,${ID1},0,20000.01,低保边缘,合隆`, `,,21,1.234,,不存在村`, `李四,2.20103E+17,3.5,abc,五保,郭家村民委员会`),
      OPTS,
    );
    expect(problemsOf(result)).toEqual([
      [2, 'name', 'disclosure.import.bad_name'],
      [2, 'householdSize', 'disclosure.import.bad_household_size'],
      [2, 'monthlyAmount', 'disclosure.import.bad_amount'],
      [2, 'type', 'disclosure.import.bad_type'],
      [3, 'name', 'disclosure.import.required'],
      [3, 'idNumber', 'disclosure.import.required'],
      [3, 'householdSize', 'disclosure.import.bad_household_size'],
      [3, 'monthlyAmount', 'disclosure.import.bad_amount'],
      [3, 'type', 'disclosure.import.required'],
      [3, 'village', 'disclosure.import.unknown_village'],
      [4, 'idNumber', 'disclosure.import.id_as_number'],
      [4, 'householdSize', 'disclosure.import.bad_household_size'],
      [4, 'monthlyAmount', 'disclosure.import.bad_amount'],
    ]);
  });

  it('finds duplicate ID numbers, also between the 15- and 18-digit forms', async () => {
    const result = await parseRecipientFile(
      csv(HEADER, `张明华,${ID1},3,1250,低保,合隆村`, `张明华,220103500315001,3,1250,低保,合隆村`, `李四,${ID1.toLowerCase()},1,100,低保,合隆村`),
      OPTS,
    );
    expect(result.ok ? [] : result.problems).toEqual([
      { row: 3, column: 'idNumber', message: 'disclosure.import.duplicate_id', params: { firstRow: 2 } },
      { row: 4, column: 'idNumber', message: 'disclosure.import.duplicate_id', params: { firstRow: 2 } },
    ]);
    expectNoClearIds(result);
  });

  it('matches villages with or without committee suffixes; reports unknown and ambiguous ones', async () => {
    const lines = (villages: string[]) => villages.map((v, i) => `王${'一二三四五六七'.charAt(i)}明,${makeId('19700101', i + 1)},1,100,低保,${v}`);
    const ok = await parseRecipientFile(csv(HEADER, ...lines(['合隆', '合隆村民委员会', '郭家村', '蓝溪社区居委会', '兰家大街社区居民委员会', ' 东道村委会 '])), OPTS);
    expect(ok.ok && ok.rows.map((r) => r.villageCode)).toEqual(['220103100201', '220103100201', '220103100202', '220103100002', '220103100001', '220103100200']);

    const twins = [...VILLAGES, { code: '220103100300', name: '合隆社区' }];
    const result = await parseRecipientFile(csv(HEADER, ...lines(['合隆', '合隆村', '长春村'])), { ...OPTS, villages: twins });
    expect(problemsOf(result)).toEqual([
      [2, 'village', 'disclosure.import.ambiguous_village'],
      [4, 'village', 'disclosure.import.unknown_village'],
    ]);
  });

  it('recognises header variants, a title row, a 合计 row and type variants', async () => {
    const result = await parseRecipientFile(
      csv('合隆镇2025年第二季度低保对象名单,,,,,,', '序号,户主姓名,公民身份号码,保障人口（人）,保障金额(元),保障类型,所在村,联系电话',
        `1,张明华,${ID1},3人,"1,250.00",城市低保,合隆村,13900000000`, `2,欧阳秀英,${ID2},1,¥860.5,五保,东道村,`, '合计,,,4,2110.50,,,'),
      OPTS,
    );
    expect(result.ok && result.rows.map((r) => [r.row, r.householdSize, r.monthlyAmountFen, r.type])).toEqual([
      [3, 3, 125000, 'low'],
      [4, 1, 86050, 'extreme'],
    ]);
    expect(JSON.stringify(result)).not.toContain('13900000000');
  });

  it('skips rows where only columns other than the six are filled (pre-numbered 序号)', async () => {
    const result = await parseRecipientFile(csv(`序号,${HEADER},备注`, `1,张明华,${ID1},3,1250,低保,合隆村,`, '2,,,,,,,', '3,,,,,,,无'), OPTS);
    expect(result.ok && result.rows.length).toBe(1);
  });

  it('reads rare characters beyond GBK (GB18030 four-byte) and UTF-16 "Unicode text" with tabs', async () => {
    // The fixture's GBK header line, then 张㐀,<id>,1,100,低保,合隆村 hand-encoded: 张 = D5 C5,
    // 㐀 (U+3400, not in GBK) = 81 39 EE 39 in GB18030, 低保 = B5CD B1A3, 合隆村 = BACF C2A1 B4E5.
    const fixture = fs.readFileSync(new URL('../fixtures/disclosure/recipients-gbk.csv', import.meta.url));
    const bytes = Buffer.concat([
      fixture.subarray(0, fixture.indexOf(0x0a) + 1),
      Buffer.from('d5c58139ee39', 'hex'),
      Buffer.from(`,${ID1},1,100,`),
      Buffer.from('b5cdb1a3', 'hex'),
      Buffer.from(','),
      Buffer.from('bacfc2a1b4e5', 'hex'),
      Buffer.from('\r\n'),
    ]);
    const result = await parseRecipientFile(bytes, OPTS);
    expect(result.ok && [result.encoding, result.rows[0]!.name, result.rows[0]!.maskedName, result.rows[0]!.villageCode]).toEqual(['gbk', '张㐀', '张*', '220103100201']);

    const text = `${HEADER.replaceAll(',', '\t')}\r\n张明华\t${ID1}\t3\t1250\t低保\t合隆村\r\n`;
    const result16 = await parseRecipientFile(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), OPTS);
    expect(result16.ok && [result16.encoding, result16.rows[0]!.name]).toEqual(['utf-16le', '张明华']);
  });

  it('reports each missing column once, on the header row', async () => {
    const result = await parseRecipientFile(csv('姓名,身份证号,村', `张明华,${ID1},合隆村`, `李四,${ID2},合隆村`), OPTS);
    expect(problemsOf(result)).toEqual([
      [1, 'householdSize', 'disclosure.import.missing_column'],
      [1, 'monthlyAmount', 'disclosure.import.missing_column'],
      [1, 'type', 'disclosure.import.missing_column'],
    ]);
  });

  it('refuses files over the row limit, empty files, old .xls and undecodable bytes', async () => {
    const many = csv(HEADER, ...[1, 2, 3].map((i) => `王${'一二三'.charAt(i - 1)}明,${makeId('19700101', i)},1,100,低保,合隆村`));
    expect(problemsOf(await parseRecipientFile(many, { ...OPTS, maxRows: 2 }))).toEqual([[0, 'file', 'disclosure.import.too_many_rows']]);
    expect(problemsOf(await parseRecipientFile(Buffer.alloc(0), OPTS))).toEqual([[0, 'file', 'disclosure.import.empty_file']]);
    expect(problemsOf(await parseRecipientFile(csv(HEADER), OPTS))).toEqual([[0, 'file', 'disclosure.import.no_rows']]);
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(problemsOf(await parseRecipientFile(xls, OPTS))).toEqual([[0, 'file', 'disclosure.import.xls_unsupported']]);
    expect(problemsOf(await parseRecipientFile(Buffer.from([0x41, 0xff, 0xfe, 0x80, 0x2c]), OPTS))).toEqual([[0, 'file', 'disclosure.import.bad_encoding']]);
    // UTF-16 without a BOM is valid UTF-8 full of NULs: refused, not read as an empty header.
    expect(problemsOf(await parseRecipientFile(Buffer.from(HEADER, 'utf16le'), OPTS))).toEqual([[0, 'file', 'disclosure.import.bad_encoding']]);
    expect(problemsOf(await parseRecipientFile(Buffer.from('PK\x03\x04garbage'), OPTS))).toEqual([[0, 'file', 'disclosure.import.bad_xlsx']]);
  });
});

describe('parseRecipientFile: many problems', () => {
  it('lists the first 1,000 problems and sums up the rest in one entry', async () => {
    const lines = Array.from({ length: 1_100 }, (_, i) => `张明华,${makeId('19700101', i % 1000, i < 1000 ? '220103' : '220104')},1,-1,低保,合隆村`);
    const result = await parseRecipientFile(csv(HEADER, ...lines), OPTS);
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1_001);
    expect(result.problems[999]).toEqual({ row: 1_001, column: 'monthlyAmount', message: 'disclosure.import.bad_amount' });
    expect(result.problems[1_000]).toEqual({ row: 0, column: 'file', message: 'disclosure.import.more_problems', params: { count: 100 } });
  });
});

describe('parseRecipientFile: XLSX', () => {
  async function workbook(fill: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    fill(wb.addWorksheet('名单'));
    wb.addWorksheet('说明').addRow(['this sheet is ignored']);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('reads the first worksheet with a merged title row, rich text, numbers and formulas', async () => {
    const bytes = await workbook((ws) => {
      ws.addRow(['合隆镇低保对象名单']);
      ws.mergeCells('A1:F1');
      ws.addRow(HEADER.split(','));
      ws.addRow(['张明华', ID1, 3, 1250, '农村低保', '合隆村委会']);
      ws.addRow([]);
      ws.addRow([{ richText: [{ text: '欧阳' }, { text: '秀英' }] }, ID2, 1, { formula: '800+60.5', result: 860.5 }, '特困', '东道村']);
    });
    const result = await parseRecipientFile(bytes, OPTS);
    expect(result.ok && result.format).toBe('xlsx');
    expect(result.ok && result.rows.map((r) => [r.row, r.name, r.monthlyAmountFen, r.villageCode])).toEqual([
      [3, '张明华', 125000, '220103100201'],
      [5, '欧阳秀英', 86050, '220103100200'],
    ]);
    expectNoClearIds(result);
  });

  it('rejects the file when one row is bad, naming the Excel row; an ID stored as a number is lost', async () => {
    const bytes = await workbook((ws) => {
      ws.addRow(HEADER.split(','));
      ws.addRow(['张明华', ID1, 3, 1250, '低保', '合隆村']);
      ws.addRow(['欧阳秀英', Number(ID2.slice(0, 17) + '0'), 1, 860.5, '特困', '东道村']);
      ws.addRow(['金美玉子', ID3, 2, 600, '临时救助', '长春村']);
    });
    expect(problemsOf(await parseRecipientFile(bytes, OPTS))).toEqual([
      [3, 'idNumber', 'disclosure.import.id_as_number'],
      [4, 'village', 'disclosure.import.unknown_village'],
    ]);
  });

  it('gives the same content fingerprint as the same list in CSV, and a different file fingerprint', async () => {
    const bytes = await workbook((ws) => {
      ws.addRow(HEADER.split(','));
      ws.addRow(['张明华', ID1, 3, 1250, '低保', '合隆村委会']);
    });
    const text = csv(HEADER, `张明华,${ID1},3,1250.00,农村低保,合隆村`);
    const [a, b] = [await parseRecipientFile(bytes, OPTS), await parseRecipientFile(text, OPTS)];
    expect(a.ok && b.ok && rowsFingerprint(a.rows) === rowsFingerprint(b.rows)).toBe(true);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });
});

describe('fingerprints, template, message keys', () => {
  it('fileFingerprint is the SHA-256 of the bytes, equal for a re-upload of the same file', () => {
    const bytes = csv(HEADER, `张明华,${ID1},3,1250,低保,合隆村`);
    expect(fileFingerprint(bytes)).toMatch(/^[0-9a-f]{64}$/);
    expect(fileFingerprint(Buffer.from(bytes))).toBe(fileFingerprint(bytes));
    expect(fileFingerprint(Buffer.concat([bytes, Buffer.from('\r\n')]))).not.toBe(fileFingerprint(bytes));
  });

  it('serves a BOM-marked UTF-8 template whose header the importer recognises', async () => {
    const template = recipientTemplateCsv();
    expect([...template.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(template.toString('utf8').slice(1)).toBe(`${HEADER}\r\n`);
    const filled = Buffer.concat([template, Buffer.from(`张明华,${ID1},3,1250,低保,合隆村\r\n`)]);
    expect((await parseRecipientFile(filled, OPTS)).ok).toBe(true);
    expect(RECIPIENT_TYPES).toEqual(['low', 'extreme', 'temporary']);
  });

  it('every message key the importer uses exists in all locales', () => {
    const source = ['recipient-import.ts', 'recipient-file.ts']
      .map((f) => fs.readFileSync(new URL(`../../src/disclosure/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    const keys = new Set(source.match(/disclosure\.import\.[a-z_0-9]+/g));
    expect(keys.size).toBeGreaterThan(15);
    for (const key of keys) for (const locale of ['zh-CN', 'en', 'ko'] as const) expect(hasMessage(key, locale), `${locale} ${key}`).toBe(true);
  });
});
