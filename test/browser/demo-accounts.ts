// The suites that run on demo data: the server seeds it on its empty database and prints, once, the
// demo accounts (user name, password, TOTP secret), which these helpers read to sign in.
import { generate } from 'otplib';
import { newDesktopPage, useServerAndBrowser, type BrowserSuite, type Page } from '../helpers/browser.js';

export interface DemoAccount {
  username: string;
  password: string;
  totp: string;
}

function demoAccounts(stdout: string): Map<string, DemoAccount> {
  const accounts = new Map<string, DemoAccount>();
  for (const m of stdout.matchAll(/^\s+(\S+)\s+password (\S+)\s+TOTP (\S+)/gm)) accounts.set(m[1]!, { username: m[1]!, password: m[2]!, totp: m[3]! });
  return accounts;
}

/** Signs in through the real form: user name and password, then the TOTP code (any staff account, demo or made by a test). */
export async function staffSignIn(page: Page, baseUrl: string, account: DemoAccount): Promise<void> {
  await page.goto(`${baseUrl}/staff/login`);
  await page.getByLabel('用户名').fill(account.username);
  await page.getByLabel('密码').fill(account.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/staff\/login\/code/);
  await page.getByLabel('验证码').fill(await generate({ secret: account.totp }));
  await page.getByRole('button', { name: '验证' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/staff/login'));
}

export interface DemoSite extends BrowserSuite {
  /** A demo account the server printed; throws when it did not print that one. */
  account(username: string): DemoAccount;
  /** A new desktop page on which `username` has signed in (password and TOTP). */
  staffPage(username: string): Promise<Page>;
  /** Signs `username` in on a page of the caller's (a phone, say), through the real form. */
  signIn(page: Page, username: string): Promise<void>;
}

/**
 * useServerAndBrowser on a server that seeds the demo data (a slow start: up to two minutes);
 * `env` adds to its environment (a journey that needs the deadline sweep sets SUNSHINE_SCHEDULER_SECONDS).
 */
export function useDemoSite(env: Record<string, string | undefined> = {}): DemoSite {
  const suite = useServerAndBrowser({ env: { SUNSHINE_DEMO_DATA: 'auto', SUNSHINE_LOG_LEVEL: 'warn', ...env }, readyTimeoutMs: 120_000 }, 150_000);
  let accounts: Map<string, DemoAccount> | undefined;
  const account = (username: string) => {
    accounts ??= demoAccounts(suite.server.stdout());
    const found = accounts.get(username);
    if (!found) throw new Error(`demo account ${username} not printed`);
    return found;
  };
  return {
    get server() {
      return suite.server;
    },
    get browser() {
      return suite.browser;
    },
    url: suite.url,
    account,
    async staffPage(username) {
      const page = await newDesktopPage(suite.browser);
      await staffSignIn(page, suite.server.url, account(username));
      return page;
    },
    signIn: (page, username) => staffSignIn(page, suite.server.url, account(username)),
  };
}
