// Two staff form pages in real Chromium at desktop and phone sizes: the user's own settings
// (/staff/profile: e-mail language, near-relative declaration, then the relative form) and the
// administrators' account form (/staff/admin/users/new and an existing user's page). Axe finds
// nothing serious or critical, there is one main landmark, every form control has a label, and an
// invalid e-mail comes back with its message next to the field and in the summary, input kept.
import { expect, it, vi } from 'vitest';
import { closePage, describeBrowser, expectAccessible, newPhonePage, type Page } from '../helpers/browser.js';
import { useDemoSite } from './demo-accounts.js';

describeBrowser('staff form pages', () => {
  const site = useDemoSite();
  const { url } = site;
  vi.setConfig({ testTimeout: 90_000 });

  /** `username` signed in on a desktop page, and a phone page sharing that session (a TOTP code works once). */
  async function desktopAndPhone(username: string): Promise<{ desktop: Page; phone: Page }> {
    const desktop = await site.staffPage(username);
    const phone = await newPhonePage(site.browser, { storageState: await desktop.context().storageState() });
    return { desktop, phone };
  }

  /** Form controls (not hidden inputs) with no name from a label, aria-label or aria-labelledby. */
  function unlabelledControls(page: Page): Promise<string[]> {
    return page.locator('input:not([type=hidden]), select, textarea').evaluateAll((controls) =>
      controls
        .filter((el) => {
          const text = (e: Element | null | undefined) => (e?.textContent ?? '').trim() !== '';
          const labels = [...((el as HTMLInputElement).labels ?? [])];
          const by = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean);
          return !(labels.some(text) || (el.getAttribute('aria-label') ?? '').trim() || by.some((id) => text(document.getElementById(id))));
        })
        .map((el) => el.outerHTML.slice(0, 120)),
    );
  }

  /** One main landmark, every control labelled, the e-mail language select found by its label; then screenshot and axe. */
  async function checkForm(page: Page, shot: string): Promise<void> {
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await unlabelledControls(page), 'form controls without a label').toEqual([]);
    expect(await page.getByLabel('通知邮件语言', { exact: true }).evaluate((el) => el.tagName)).toBe('SELECT');
    await expectAccessible(page, shot);
  }

  /** Submits the account form with `email`; the browser must leave the check to the server (novalidate). */
  async function submitEmail(page: Page, email: string, button: string): Promise<void> {
    expect(await page.locator('form:has(#email)').getAttribute('novalidate')).not.toBeNull();
    await page.getByLabel('电子邮箱').fill(email);
    await page.getByRole('button', { name: button }).click();
  }

  /** The account form came back: the e-mail message by the field and in the summary (linking to it), the input kept. */
  async function expectEmailRefused(page: Page, typed: string, shot: string): Promise<void> {
    const message = '请填写有效的电子邮箱。';
    await expect.poll(() => page.locator('#field-email .field-error').textContent()).toBe(message);
    expect(await page.getByLabel('电子邮箱', { exact: true }).inputValue()).toBe(typed);
    const summary = page.locator('.error-summary');
    expect(await summary.getByRole('link', { name: message }).getAttribute('href')).toBe('#field-email');
    const targets = await summary.locator('a').evaluateAll((links) => links.map((a) => [a.getAttribute('href'), document.querySelector(a.getAttribute('href')!) !== null]));
    expect(targets.filter(([, found]) => !found), 'summary links without a target').toEqual([]);
    await checkForm(page, shot);
  }

  it('the own settings page: e-mail language, declaration, then the relative form', async () => {
    const pages = await desktopAndPhone('ng.chengban');
    for (const [device, page] of Object.entries(pages)) {
      await page.goto(url('/staff/profile'));
      await checkForm(page, `staff-profile-${device}`);
    }
    const { desktop, phone } = pages;

    await phone.getByLabel('通知邮件语言').selectOption('en');
    await phone.getByRole('button', { name: '保存邮件语言' }).click();
    await phone.waitForURL(/done=language_saved/);
    expect(await phone.getByLabel('通知邮件语言').inputValue()).toBe('en');

    // The home village is on file (demo data); position and ID number complete the declaration.
    await desktop.getByLabel('职务类别').selectOption('township_assistant');
    await desktop.getByLabel('本人身份证号码').fill('11010519491231002X');
    await desktop.getByRole('button', { name: '保存本人备案' }).click();
    await desktop.waitForURL(/done=declaration_saved/);
    for (const [device, page] of Object.entries(pages)) {
      await page.goto(url('/staff/profile'));
      expect(await page.getByLabel('近亲属身份证号码').count()).toBe(1);
      await checkForm(page, `staff-profile-declared-${device}`);
      await closePage(page);
    }
  });

  it('the account form, new and existing, keeps an invalid e-mail and says why', async () => {
    for (const [device, page] of Object.entries(await desktopAndPhone('admin'))) {
      await page.goto(url('/staff/admin/users/new'));
      await checkForm(page, `admin-user-new-${device}`);
      await page.getByLabel('用户名').fill(`zhang.${device}`);
      await page.getByLabel('姓名', { exact: true }).fill('张测试');
      // No roles on the system administrator's form: the security administrator grants them (issue 15).
      expect(await page.getByLabel('承办', { exact: true }).count()).toBe(0);
      await submitEmail(page, 'zhang at example', '创建用户');
      await expectEmailRefused(page, 'zhang at example', `admin-user-new-error-${device}`);

      await page.goto(url('/staff/admin/users?q=ng.chengban2'));
      await page.getByRole('link', { name: 'ng.chengban2', exact: true }).click();
      await page.waitForURL(/\/staff\/admin\/users\/\d+$/);
      await checkForm(page, `admin-user-edit-${device}`);
      expect(await page.getByLabel('电子邮箱').inputValue()).toBe('ng.chengban2@staff.sunshine.invalid');
      await submitEmail(page, 'ng.chengban2@', '保存修改');
      await expectEmailRefused(page, 'ng.chengban2@', `admin-user-edit-error-${device}`);
      await closePage(page);
    }
  });

  it("the security administrator's roles form: labelled, accessible, and a refused grant comes back ticked as posted", async () => {
    for (const [device, page] of Object.entries(await desktopAndPhone('anquan'))) {
      await page.goto(url('/staff/admin/users?q=ng.chengban2'));
      await page.getByRole('link', { name: 'ng.chengban2', exact: true }).click();
      await page.waitForURL(/\/staff\/admin\/users\/\d+$/);
      expect(await page.getByRole('main').count()).toBe(1);
      expect(await unlabelledControls(page), 'form controls without a label').toEqual([]);
      expect(await page.getByLabel('电子邮箱').count()).toBe(0);
      await expectAccessible(page, `admin-user-roles-${device}`);
      await page.getByLabel('审计管理员', { exact: true }).check();
      await page.getByRole('button', { name: '保存角色' }).click();
      await expect.poll(() => page.locator('#action-error').textContent()).toContain('管理员账号不能同时担任业务角色');
      expect(await page.getByLabel('审计管理员', { exact: true }).isChecked()).toBe(true);
      expect(await page.getByLabel('承办', { exact: true }).isChecked()).toBe(true);
      await expectAccessible(page, `admin-user-roles-error-${device}`);
      await closePage(page);
    }
  });
});
