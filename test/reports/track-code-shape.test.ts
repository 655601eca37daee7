// A query code of the wrong length (15 or 17 digits: one skipped or typed twice) was answered
// "没有找到对应的举报" and counted against the guessing limit, so a villager retyping from her slip
// soon had to wait. A code that is not 16 digits after folding spaces, dashes and full-width digits
// now gets "查询码是16位数字，您输入了15位，请核对。" and is neither looked up nor counted: it reveals
// nothing. Well-formed codes meet the limit exactly as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { postTrackCode } from '../helpers/forms.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ trackAttemptsPerWindow: 3 });
});
afterAll(() => t.close());

const tryCode = (code: string, ip: string, lang?: string) => postTrackCode(t.app, code, ip, lang);
const message = (body: string) => /<div class="notice error" role="alert" id="code-error"><strong>([^<]*)<\/strong>/.exec(body)?.[1];

describe('a query code of the wrong shape', () => {
  it.each([
    ['15 digits', '1234 5678 9012 345', '查询码是16位数字，您输入了15位，请核对。'],
    ['17 digits in full-width, with dashes', '１２３４－５６７８－９０１２－３４５６７', '查询码是16位数字，您输入了17位，请核对。'],
    ['a letter O for a 0', '1234 5678 9O12 3456', '查询码只有数字（0到9），没有字母、汉字或其他符号，请对照纸条核对。'],
    ['nothing', '  ', '请输入16位查询码。'],
  ])('is told plainly: %s', async (_label, code, said) => {
    const res = await tryCode(code, '10.63.0.1');
    expect(res.statusCode).toBe(400);
    expect(message(res.body)).toBe(said);
    expect(res.body).not.toContain('没有找到对应的举报');
  });

  it('is told in Korean and English', async () => {
    expect(message((await tryCode('123456789012345', '10.63.0.2', 'ko')).body)).toBe('조회코드는 16자리 숫자인데 15자리를 입력하셨습니다. 확인하십시오.');
    expect(message((await tryCode('123456789012345', '10.63.0.2', 'en')).body)).toBe('The query code has 16 digits; you entered 15. Please check it.');
  });

  it('does not count as a guess; well-formed wrong codes meet the limit as before', async () => {
    const ip = '10.63.0.3';
    const { queryCode } = await fileReport(
      t.app.deps,
      { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null },
      [],
      { channel: 'online', nonce: null },
    );
    // Ten codes a digit short or over, as a villager retyping from her slip might send.
    for (let i = 0; i < 10; i++) {
      const digits = queryCode.replace(/ /g, '');
      const res = await tryCode(i % 2 === 0 ? digits.slice(0, 15) : `${digits}7`, ip);
      expect(res.statusCode).toBe(400);
      expect(message(res.body)).toMatch(/^查询码是16位数字，您输入了1[57]位，请核对。$/);
    }
    // None of them counted: the three free tries are all still there, and the right code opens.
    for (const wrong of ['0000 0000 0000 0001', '0000 0000 0000 0002', '0000 0000 0000 0003']) {
      const res = await tryCode(wrong, ip);
      expect(res.statusCode).toBe(400);
      expect(message(res.body)).toBe('没有找到对应的举报。请检查查询码是否输入正确。');
    }
    const right = await tryCode(queryCode, ip);
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/track/report');

    // The limit for well-formed codes is untouched: past the free tries, the wait comes.
    const other = '10.63.0.4';
    for (const n of [1, 2, 3, 4]) expect((await tryCode(`0000 0000 0000 000${n}`, other)).statusCode).toBe(400);
    const blocked = await tryCode('0000 0000 0000 0005', other);
    expect(blocked.statusCode).toBe(429);
    // A code of the wrong shape still gets its plain answer while the address waits.
    expect(message((await tryCode('0000 0000 0000 000', other)).body)).toBe('查询码是16位数字，您输入了15位，请核对。');
  });
});
