// What a county clerk types and reads on an import: the Chinese labels of the coded columns accepted
// in place of the codes, times as people write them, every check of a row in one round (a future
// receipt time beside a bad cell, with the value echoed), codes listed with their labels, and one
// word for a file that is not the other system's exchange file.
import { describe, expect, it } from 'vitest';
import { parseMoment, readItem } from '../../src/exchange/file/format.js';
import { cells } from './file-cells.js';
import { allowedWithLabels, codesByLabel } from '../../src/exchange/file/labels.js';
import { readExchangeFile } from '../../src/exchange/file/read-file.js';
import { translate } from '../../src/i18n/translate.js';

describe('exchange import wording', () => {
  it('reads the Chinese labels of channel, category, source and status as their codes', () => {
    const read = readItem(cells({ channel: '来信', category: '漏保、应保未保', source: '信访局转送/交办', status: '已受理' }), { labels: codesByLabel() });
    expect(read.problems).toEqual([]);
    expect(read.item).toMatchObject({ channel: 'letter', category: 'left_out', source: 'xinfang_bureau', status: 'accepted' });
    // Without the labels (the format alone) a label is no code.
    expect(readItem(cells({ channel: '来信' })).problems.map((p) => p.message)).toEqual(['not_one_of']);
  });

  it('lists the codes with their labels in the reader language', () => {
    const zh = allowedWithLabels('zh-CN', 'category')!;
    expect(zh).toContain('left_out（漏保、应保未保）');
    expect(allowedWithLabels('zh-CN', 'channel')).toContain('letter（来信）');
    expect(allowedWithLabels('en', 'channel')).toMatch(/letter \(\w/);
    expect(allowedWithLabels('zh-CN', 'place_code')).toBeNull();
  });

  it('reads times as clerks write them, in China time', () => {
    const ms = Date.parse('2026-11-02T01:30:00Z');
    expect(parseMoment('2026/11/02 09:30')).toBe(ms);
    expect(parseMoment('2026/11/2 9:30')).toBe(ms);
    expect(parseMoment('2026-11-02 09:30')).toBe(ms);
    expect(parseMoment('2026/11-02 09:30')).toBeNull();
    expect(parseMoment('2026/02/30 09:30')).toBeNull();
    expect(translate('zh-CN', 'exchange.file.errors.bad_moment', { value: '昨天' })).toContain('2026-12-07 09:30');
  });

  it('reports a future receipt time beside the other problems of its row, echoing the time', () => {
    const now = Date.parse('2026-12-07T00:00:00Z');
    const read = readItem(cells({ channel: 'fax', received_at: '2027/01/06 08:00' }), { latest: now });
    expect(read.problems).toEqual([
      expect.objectContaining({ column: 'channel', message: 'not_one_of' }),
      { column: 'received_at', message: 'future_moment', params: { value: '2027-01-06 08:00' } },
    ]);
    expect(translate('zh-CN', 'exchange.file.errors.future_moment', { value: '2027-01-06 08:00' })).toBe('时间 2027-01-06 08:00 晚于现在，请核对年份。');
  });

  it('names the step whose time is in the future, as the file wrote it (步骤@时间)', () => {
    const now = Date.parse('2026-12-07T00:00:00Z');
    const read = readItem(cells({ steps: 'accepted@2026/11/02 10:00; concluded@2027/01/06 08:00' }), { latest: now });
    expect(read.problems).toEqual([{ column: 'steps', message: 'step_future', params: { step: 'concluded@2027-01-06 08:00' } }]);
    expect(translate('zh-CN', 'exchange.file.errors.step_future', { step: 'concluded@2027-01-06 08:00' })).toBe('办理步骤“concluded@2027-01-06 08:00”的时间晚于现在，请核对年份。');
    for (const locale of ['ko', 'en'] as const) {
      const text = translate(locale, 'exchange.file.errors.step_future', { step: 'concluded@2027-01-06 08:00' });
      expect(text).toContain('concluded@2027-01-06 08:00');
      expect(text).not.toContain('exchange.file');
    }
  });

  it('says once that a file without the format header is not an exchange file', async () => {
    const read = await readExchangeFile(Buffer.from('姓名,身份证号,金额\n张三,1,2\n'));
    expect(read).toEqual({ ok: false, problems: [{ row: 1, column: null, message: 'not_exchange_header', params: { row: 1 } }] });
    // A header with some columns of the format still names each missing one.
    const partial = await readExchangeFile(Buffer.from('source_system,work_order_no\nx,1\n'));
    expect(partial.ok).toBe(false);
    if (!partial.ok) expect(partial.problems.every((p) => p.message === 'missing_column')).toBe(true);
  });
});
