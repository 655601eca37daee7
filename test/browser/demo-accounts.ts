// Reads the demo accounts that `npm start` prints once on an empty database.
import { generate } from 'otplib';
import type { Page } from '../helpers/browser.js';

export interface DemoAccount {
  username: string;
  password: string;
  totp: string;
}

export function demoAccounts(stdout: string): Map<string, DemoAccount> {
  const accounts = new Map<string, DemoAccount>();
  for (const m of stdout.matchAll(/^\s+(\S+)\s+password (\S+)\s+TOTP (\S+)/gm)) accounts.set(m[1]!, { username: m[1]!, password: m[2]!, totp: m[3]! });
  return accounts;
}

export function demoQueryCodes(stdout: string): string[] {
  return [...stdout.matchAll(/^\s+(\d{4} \d{4} \d{4} \d{4})\s*$/gm)].map((m) => m[1]!);
}

/** Signs in through the real form: user name and password, then the TOTP code. */
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
