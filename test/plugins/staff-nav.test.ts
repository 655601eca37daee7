// The staff header shows a feature's link only to those the feature's own permission rule lets in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn } from '../helpers/staff.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

async function navOf(unitKey: string, roles: Parameters<typeof createStaff>[2]) {
  const page = await (await signIn(t.app, await createStaff(t.app, unitKey, roles))).get('/staff');
  expect(page.statusCode).toBe(200);
  return { policy: page.body.includes('href="/staff/policy"'), importing: page.body.includes('href="/staff/disclosure/import"') };
}

describe('staff navigation', () => {
  it('links the policy editor and the recipient import for exactly the users their routes accept', async () => {
    // The province imports no township's list (importableTownships): no link to a page that answers 403.
    expect(await navOf('ca:220000', ['lead'])).toEqual({ policy: true, importing: false });
    expect(await navOf('ca:220000', ['custodian'])).toEqual({ policy: false, importing: false });
    expect(await navOf('ca:220102', ['supervisor'])).toEqual({ policy: false, importing: false });
    expect(await navOf('ca:220102', ['handler'])).toEqual({ policy: false, importing: true });
    expect(await navOf('gov:220102001', ['intake'])).toEqual({ policy: false, importing: true });
  });
});

describe('staff navigation to the exchange pages (issue 24)', () => {
  async function linksOf(unitKey: string, roles: Parameters<typeof createStaff>[2]) {
    const staff = await createStaff(t.app, unitKey, roles);
    const session = await signIn(t.app, staff);
    const page = await session.get(roles.includes('system_admin') ? '/staff/admin/users' : '/staff');
    expect(page.statusCode).toBe(200);
    const links = { files: page.body.includes('href="/staff/exchange/file"'), deadLetters: page.body.includes('href="/staff/exchange/dead-letters"') };
    // Each link shown opens; each not shown would be refused.
    expect((await session.get('/staff/exchange/file')).statusCode).toBe(links.files ? 200 : 403);
    expect((await session.get('/staff/exchange/dead-letters')).statusCode).toBe(links.deadLetters ? 200 : 403);
    return links;
  }

  it('links the exchange file page for civil-affairs leads and supervisors, and the dead letters for the province system administrator', async () => {
    expect(await linksOf('ca:220102', ['lead'])).toEqual({ files: true, deadLetters: false });
    expect(await linksOf('ca:220100', ['supervisor'])).toEqual({ files: true, deadLetters: false });
    expect(await linksOf('ca:220102', ['handler'])).toEqual({ files: false, deadLetters: false });
    expect(await linksOf('ca:220000', ['system_admin'])).toEqual({ files: false, deadLetters: true });
    expect(await linksOf('ca:220102', ['system_admin'])).toEqual({ files: false, deadLetters: false });
  });
});

