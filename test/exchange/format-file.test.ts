// The exchange file layout without a database: moments read back exactly, impossible dates refused,
// steps checked in order, the CSV apostrophe taken away exactly once, and cells checked one by one.
import { describe, expect, it } from 'vitest';
import { COLUMNS, contentHashOf, formatMoment, parseMoment, parseSteps, readItem } from '../../src/exchange/file/format.js';
import { cells } from './file-cells.js';
import { protectCell, unprotectCell } from '../../src/exchange/file/export.js';
import { readExchangeFile } from '../../src/exchange/file/read-file.js';
import fs from 'node:fs';
import { FORMAT_DOC_FILES, formatDocHtml } from '../../src/exchange/file/format-doc.js';
import { rowsBomb, sharedStringsBomb, unpackedBomb } from '../shared/xlsx-bombs.js';

describe('exchange file format', () => {
  it('writes moments in China time and reads them back to the millisecond', () => {
    for (const ms of [Date.parse('2026-11-02T01:30:00Z'), Date.parse('2026-12-31T16:00:00.123Z')]) expect(parseMoment(formatMoment(ms))).toBe(ms);
    expect(formatMoment(Date.parse('2026-12-31T16:00:00Z'))).toBe('2027-01-01T00:00:00+08:00');
    expect(parseMoment('2026-11-02 09:30')).toBe(Date.parse('2026-11-02T01:30:00Z'));
    expect(parseMoment('2026-11-02T01:30:00Z')).toBe(Date.parse('2026-11-02T01:30:00Z'));
    for (const bad of ['2026-02-30T10:00:00+08:00', '2026-13-01T10:00', '2026-11-02T24:00', '昨天', '2026-11-02']) expect(parseMoment(bad)).toBeNull();
  });

  it('reads steps in time order of the public types only', () => {
    expect(parseSteps('received@2026-11-02T09:30:00+08:00；accepted@2026-11-03T09:30:00+08:00')).toEqual([
      { type: 'received', at: Date.parse('2026-11-02T01:30:00Z') },
      { type: 'accepted', at: Date.parse('2026-11-03T01:30:00Z') },
    ]);
    expect(parseSteps('internal_note@2026-11-02T09:30:00+08:00')).toMatchObject({ message: 'unknown_step' });
    expect(parseSteps('accepted@2026-11-03T09:30:00+08:00; received@2026-11-02T09:30:00+08:00')).toMatchObject({ message: 'steps_order' });
    expect(parseSteps('accepted')).toMatchObject({ message: 'bad_step' });
    expect(parseSteps([{ type: 'received', at: '2026-11-02T09:30:00+08:00' }])).toHaveLength(1);
  });

  it('takes the CSV apostrophe away exactly once', () => {
    for (const text of ['=HYPERLINK("x")', "'=1", "''-2", '-3', '@a', "it's", "'plain"]) expect(unprotectCell(protectCell(text))).toBe(text);
    expect(protectCell('=1')).toBe("'=1");
    expect(protectCell('正常文字')).toBe('正常文字');
  });

  it('names every bad cell of a row, and hashes content, not the state', () => {
    const bad = readItem(cells({ channel: 'fax', received_at: 'soon', place_code: '2201', subject_is_head: 'maybe', text: '', work_order_no: 'a/b', source_system: 'x y' }));
    expect(bad.problems.map((p) => p.column).sort()).toEqual(['channel', 'place_code', 'received_at', 'source_system', 'subject_is_head', 'text', 'work_order_no']);
    expect(readItem(cells({ text: 'x'.repeat(5001) })).problems).toEqual([{ column: 'text', message: 'too_long', params: { max: 5000 } }]);
    expect(readItem(cells({ text: 'a\u0000b' })).problems.map((p) => p.message)).toEqual(['control_character']);
    const a = readItem(cells()).item!;
    const b = readItem(cells({ status: 'accepted', steps: 'received@2026-11-02T09:30:00+08:00', case_no: 'JL2026-000001' })).item!;
    expect(contentHashOf(a)).toBe(contentHashOf(b));
    expect(contentHashOf(readItem(cells({ text: '另外的内容' })).item!)).not.toBe(contentHashOf(a));
    expect(COLUMNS).toContain('steps');
  });

  it('measures an XLSX before opening it: spreadsheet bombs are refused as a problem of the whole file', async () => {
    const messageOf = async (bytes: Buffer) => {
      const read = await readExchangeFile(bytes);
      return read.ok ? null : read.problems.map((p) => [p.row, p.message]);
    };
    expect(await messageOf(rowsBomb())).toEqual([[0, 'too_many_items']]);
    expect(await messageOf(unpackedBomb())).toEqual([[0, 'xlsx_too_large']]);
    expect(await messageOf(sharedStringsBomb())).toEqual([[0, 'xlsx_too_complex']]);
    expect(await messageOf(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]))).toEqual([[0, 'xls_unsupported']]);
    expect(await messageOf(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]))).toEqual([[0, 'bad_encoding']]);
  });

  it('describes the columns of format.ts, in order, in every language of the format page, codes untranslated', () => {
    const codesOf = (text: string) => new Set([...text.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]!));
    const english = codesOf(fs.readFileSync(FORMAT_DOC_FILES.en!, 'utf8'));
    for (const [locale, file] of Object.entries(FORMAT_DOC_FILES)) {
      const text = fs.readFileSync(file, 'utf8');
      // The first cell of each row of the column table.
      const listed = [...text.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
      expect(listed, locale).toEqual([...COLUMNS]);
      const codes = codesOf(text);
      expect([...english].filter((c) => !codes.has(c)), locale).toEqual([]);
    }
    // Another locale falls back to Chinese.
    expect(formatDocHtml('fr')).toBe(formatDocHtml('zh-CN'));
    expect(formatDocHtml('zh-CN')).toContain('交换文件格式');
  });
});
