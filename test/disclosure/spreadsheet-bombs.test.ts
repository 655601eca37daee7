// A spreadsheet bomb uploaded through the staff forms (issue 16, defect 2): the page says which
// limit was passed (and the row, for rows) in the user's language, and the roster or the
// declarations already saved are left exactly as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipientImports, recipients } from '../../src/disclosure/tables.js';
import { declarants } from '../../src/declarations/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { makeId } from './ids.js';
import { ids, NANLING, upload, xlsxList } from './helpers.js';
import { cellsBomb, rowsBomb, sharedStringsBomb } from '../shared/xlsx-bombs.js';

let t: TestApp;
let township: Session;
let county: Session;
const [A, B] = ids(2, 40);

beforeAll(async () => {
  t = await makeApp();
  township = await signIn(t.app, await createStaff(t.app, `gov:${NANLING}`, ['handler']));
  county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
});
afterAll(() => t.close());

describe('recipient import', () => {
  it('imports a normal roster, then refuses three bombs with their limit and keeps the roster', async () => {
    const ok = await upload(t.app, township, await xlsxList([['张明华', A!, 3, 560, '低保', '华阳社区'], ['李秀英', B!, 1, 420, '特困', '恒安社区']]), '名单.xlsx');
    expect(ok.statusCode).toBe(200);
    const roster = await t.app.db.select().from(recipients).all();
    const imports = await t.app.db.select().from(recipientImports).all();
    expect(roster).toHaveLength(2);

    const rows = await upload(t.app, township, rowsBomb(), '名单.xlsx');
    expect(rows.statusCode).toBe(422);
    expect(rows.body).toContain('文件超过 30000 行，读到第 30001 行时已停止');
    const cells = await upload(t.app, township, cellsBomb(), '名单.xlsx');
    expect(cells.statusCode).toBe(422);
    expect(cells.body).toContain('工作簿超过 400000 个单元格，读到第 401 行时已停止');
    const strings = await upload(t.app, township, sharedStringsBomb(), '名单.xlsx');
    expect(strings.statusCode).toBe(422);
    expect(strings.body).toContain('不同的文字超过 300000 条');

    expect(await t.app.db.select().from(recipients).all()).toEqual(roster);
    expect(await t.app.db.select().from(recipientImports).all()).toEqual(imports);
  });

  it('says it in English for an English-speaking user', async () => {
    township.jar.lang = 'en';
    try {
      const res = await upload(t.app, township, rowsBomb(), 'list.xlsx');
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('The file has more than 30000 rows; reading stopped at row 30001.');
    } finally {
      delete township.jar.lang;
    }
  });
});

describe('declaration import', () => {
  it('refuses a bomb with its limit and keeps the declarations on file', async () => {
    const form = await openForm(t.app, '/staff/cross-checks/import', county.jar);
    const post = async (content: Buffer) => {
      const body = await multipart({}, [{ name: 'file', filename: 'list.xlsx', content }]);
      return t.app.inject({ method: 'POST', url: `/staff/cross-checks/import?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    };
    const header = '备案人姓名,备案人身份证号,职务,所在村,亲属姓名,关系,亲属身份证号,亲属所在村,救助类型';
    const good = await post(Buffer.from(`\uFEFF${header}\r\n孙建国,${makeId('19700101', 101, '220102')},村委会主任,华阳社区,,,,,\r\n`));
    expect(good.statusCode).toBe(200);
    const before = await t.app.db.select().from(declarants).all();
    expect(before).toHaveLength(1);
    const res = await post(rowsBomb());
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('读到第 30001 行时已停止');
    expect(await t.app.db.select().from(declarants).all()).toEqual(before);
  });
});
