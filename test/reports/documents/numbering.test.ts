// 文号 of the written notices (src/reports/documents/numbering.ts): per issuing unit, per year, per
// kind; issued once and read back on every later print; two issues at once never share a number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueNumber, numberPrefix, unitShortName, type NumberRequest } from '../../../src/reports/documents/numbering.js';
import { makeApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

let n = 0;
const req = (over: Partial<NumberRequest> = {}): NumberRequest => ({ kind: 'acceptance', source: `event:${900000 + ++n}`, reportId: 1, unitId: 5001, unitName: '南关区民政局', year: 2026, ...over });

describe('document numbers', () => {
  it('shortens unit names as offices write them before the number', () => {
    expect(unitShortName('南关区民政局')).toBe('南关');
    expect(unitShortName('长春市民政局')).toBe('长春');
    expect(unitShortName('吉林省民政厅')).toBe('吉');
    expect(unitShortName('延边朝鲜族自治州民政局')).toBe('延边');
    expect(unitShortName('长白朝鲜族自治县民政局')).toBe('长白');
    expect(unitShortName('通化县民政局')).toBe('通化县');
    expect(unitShortName('吉林前郭经济技术开发区社会事务局')).toBe('前郭经开');
    expect(numberPrefix('南关区民政局', 'redirect')).toBe('南关民信告');
    expect(numberPrefix('吉林高新技术产业开发区社会事务局', 'acceptance')).toBe('吉林高新社信受');
  });

  it('counts 1, 2, 3 … per unit, year and kind, in the form 南关民信受〔2026〕1号', async () => {
    const unitId = 7001;
    const first = await issueNumber(t.app.db, req({ unitId }));
    const second = await issueNumber(t.app.db, req({ unitId }));
    expect(first.text).toBe('南关民信受〔2026〕1号');
    expect(second.text).toBe('南关民信受〔2026〕2号');
    expect((await issueNumber(t.app.db, req({ unitId, kind: 'extension' }))).text).toBe('南关民信延〔2026〕1号');
    expect((await issueNumber(t.app.db, req({ unitId, year: 2027 }))).text).toBe('南关民信受〔2027〕1号');
    expect((await issueNumber(t.app.db, req({ unitId: 7002, unitName: '朝阳区民政局' }))).text).toBe('朝阳民信受〔2026〕1号');
    expect((await issueNumber(t.app.db, req({ unitId }))).text).toBe('南关民信受〔2026〕3号');
  });

  it('gives a document the same number on every later print, even after the unit is renamed', async () => {
    const r = req({ unitId: 7003 });
    const issued = await issueNumber(t.app.db, r);
    expect(issued.fresh).toBe(true);
    const again = await issueNumber(t.app.db, { ...r, unitName: '另一个名字民政局' });
    expect(again).toMatchObject({ text: issued.text, fresh: false });
    expect((await issueNumber(t.app.db, req({ unitId: 7003 }))).seq).toBe(2);
  });

  it('never gives two documents issued at once the same number', async () => {
    const unitId = 7004;
    const issued = await Promise.all(Array.from({ length: 6 }, () => issueNumber(t.app.db, req({ unitId }))));
    expect(new Set(issued.map((i) => i.text)).size).toBe(6);
    expect(issued.map((i) => i.seq).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    // The same document printed twice at once: one number.
    const same = req({ unitId });
    const [a, b] = await Promise.all([issueNumber(t.app.db, same), issueNumber(t.app.db, same)]);
    expect(a.text).toBe(b.text);
    expect([a.fresh, b.fresh].sort()).toEqual([false, true]);
  });
});
