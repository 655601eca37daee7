// Issue 19 item 15: a recipient of an urban community (社区, 居委会) is in 城市低保, one of a village
// (村) in 农村低保. The public roster, the posting, the county roster and the staff objections list
// label 低保 by the kind of the recipient's village in the regions data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistanceTypeKey } from '../../src/disclosure/assistance-labels.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn } from '../helpers/staff.js';
import { csvList, ids, upload } from './helpers.js';

// 合隆镇 (220103100), 九台区 220103: 蓝溪社区 is a community, 东道村委会 a village.
const HELONG = '220103100';
const LANXI = '220103100002';
const DONGDAO = '220103100200';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
  const township = await signIn(t.app, await createStaff(t.app, `gov:${HELONG}`, ['handler']));
  const people = ids(3, 700);
  const res = await upload(t.app, township, csvList([
    ['张明华', people[0]!, 3, 560, '低保', '蓝溪社区'],
    ['李秀兰', people[1]!, 2, 480, '低保', '东道村委会'],
    ['王德福', people[2]!, 1, 900, '特困', '东道村委会'],
  ]), 'list.csv');
  if (res.statusCode !== 200) throw new Error(`import failed: ${res.statusCode} ${res.body.slice(0, 500)}`);
});
afterAll(() => t.close());

const cells = (html: string) => [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);

describe('the label of 低保', () => {
  it.each([
    ['dibao', 'community', 'disclosure.types.dibao_urban'],
    ['dibao', 'village', 'disclosure.types.dibao_rural'],
    ['dibao', undefined, 'disclosure.types.dibao'],
    ['extreme', 'community', 'disclosure.types.extreme'],
    ['temporary', 'village', 'disclosure.types.temporary'],
  ])('%s in a %s is %s', (type, kind, key) => {
    expect(assistanceTypeKey(type, kind)).toBe(key);
  });

  it('is 城市低保 on a community page and its posting, never 农村低保', async () => {
    const page = await t.app.inject({ url: `/disclosure/villages/${LANXI}` });
    expect(page.statusCode).toBe(200);
    expect(cells(page.body)).toContain('城市低保');
    expect(page.body).not.toContain('农村低保');
  });

  it('is 农村低保 on a village page; 特困供养 stays as it is', async () => {
    const page = await t.app.inject({ url: `/disclosure/villages/${DONGDAO}` });
    expect(cells(page.body)).toContain('农村低保');
    expect(cells(page.body)).toContain('特困供养');
    expect(page.body).not.toContain('城市低保');
  });

  it('is per row on the county roster, and in Korean and English too', async () => {
    const page = await t.app.inject({ url: '/disclosure/counties/220103' });
    const rows = [...page.body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => cells(m[1]!));
    expect(rows.find((r) => r.includes('张*华'))).toContain('城市低保');
    expect(rows.find((r) => r.includes('李*兰'))).toContain('农村低保');
    const ko = await t.app.inject({ url: `/disclosure/villages/${LANXI}`, cookies: { lang: 'ko' } });
    expect(ko.body).toContain('도시 최저생활보장');
    const en = await t.app.inject({ url: `/disclosure/villages/${DONGDAO}`, cookies: { lang: 'en' } });
    expect(en.body).toContain('Rural dibao');
  });
});
