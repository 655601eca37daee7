// Headless Debian Chromium through playwright-core, plus axe-core and screenshots (DESIGN.md §6,
// STACK-NOTES "playwright-core + axe-core"). No browser is downloaded: /usr/bin/chromium or
// CHROMIUM_PATH. Without one, browser suites are skipped loudly — or fail when
// SUNSHINE_REQUIRE_BROWSER=1 (CI, .ci/run).
//
//   describeBrowser('home page', () => {
//     const site = useServerAndBrowser({ env: { SUNSHINE_DEMO_DATA: 'off' } });   // the real server + Chromium
//     it('…', async () => {
//       const page = await newPhonePage(site.browser);
//       await page.goto(site.url('/'));
//       await expectAccessible(page, 'home');                                      // screenshot + axe
//       await closePage(page);
//     });
//   });
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import type { ImpactValue, Result } from 'axe-core';
import { PROJECT_ROOT, startServer, type RunningServer, type ServerOptions } from './server.js';

export type { Browser, Page } from 'playwright-core';
export type AxeViolation = Result;

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** CHROMIUM_PATH when set (and nothing else then), otherwise Debian's chromium; null when absent. */
export function findChromium(): string | null {
  const configured = process.env.CHROMIUM_PATH;
  if (configured !== undefined && configured !== '') return isExecutable(configured) ? configured : null;
  return CANDIDATES.find(isExecutable) ?? null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export const chromiumPath = findChromium();
/** CI sets SUNSHINE_REQUIRE_BROWSER=1: a missing Chromium is then a failure, not a skip. */
export const browserRequired = ['1', 'true', 'yes'].includes((process.env.SUNSHINE_REQUIRE_BROWSER ?? '').toLowerCase());

function missingMessage(): string {
  const where = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file` : `no Chromium at ${CANDIDATES.join(' or ')}`;
  return `${where}. Install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium/Chrome binary.`;
}

let warned = false;
function warnSkipped(name: string): void {
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! BROWSER TESTS SKIPPED: "${name}"\n!! ${missingMessage()}\n!! Set SUNSHINE_REQUIRE_BROWSER=1 to make this a failure (CI does).\n${line}\n`,
  );
  warned = true;
}

/**
 * `describe` for suites that need Chromium. Without a Chromium the suite is skipped with a loud
 * warning, or — with SUNSHINE_REQUIRE_BROWSER=1 — replaced by one failing test.
 */
export function describeBrowser(name: string, fn: () => void): void {
  if (chromiumPath) {
    describe(name, fn);
  } else if (browserRequired) {
    describe(name, () => {
      it('needs Chromium (SUNSHINE_REQUIRE_BROWSER=1)', () => {
        throw new Error(`Browser tests are required but cannot run: ${missingMessage()}`);
      });
    });
  } else {
    warnSkipped(name);
    describe.skip(name, fn);
  }
}

/** Whether describeBrowser skipped a suite in this worker (for a summary line). */
export function browserTestsSkipped(): boolean {
  return warned;
}

/** STACK-NOTES flags plus --disable-quic. Chromium still tries to reach Google hosts; nothing here depends on it. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface BrowserSuite {
  /** The running server (after the suite's beforeAll). */
  readonly server: RunningServer;
  readonly browser: Browser;
  /** The server's address of `path`. */
  url(path: string): string;
}

/**
 * Registers the suite's beforeAll/afterAll: the real server (startServer with `options`) and
 * Chromium started side by side, both stopped after the suite. Call it inside describeBrowser.
 */
export function useServerAndBrowser(options: ServerOptions = {}, startTimeoutMs?: number): BrowserSuite {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(options), launchBrowser()]);
  }, startTimeoutMs);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('the server is not started (use the suite inside its tests)');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not launched (use the suite inside its tests)');
      return browser;
    },
    url: (p) => `${server!.url}${p}`,
  };
}

/** Launches Chromium; playwright gives each launch its own temporary profile (user-data-dir) and removes it on close. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = chromiumPath;
  if (!executablePath) throw new Error(`Cannot launch a browser: ${missingMessage()}`);
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], timeout: 30_000 });
}

/** WeChat's in-app browser (XWEB) on Android: what most reporters will use. */
export const WECHAT_ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 13; V2163A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 ' +
  'Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) ' +
  'WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

/** A page in its own context (own cookies): 375×667 at 2×, touch, mobile, WeChat user agent, zh-CN. */
export async function newPhonePage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: WECHAT_ANDROID_UA,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...options,
  });
  return context.newPage();
}

/** A page in its own context: 1280×800 desktop, zh-CN. */
export async function newDesktopPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...options,
  });
  return context.newPage();
}

/** Closes the page and the context newPhonePage/newDesktopPage made for it. */
export async function closePage(page: Page): Promise<void> {
  await page.context().close();
}

let axeSource: string | null = null;
function loadAxeSource(): string {
  axeSource ??= fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export interface AxeOptions {
  /** Impacts that count; default serious and critical. */
  impacts?: ImpactValue[];
  /** axe rule ids to leave out (say why where you use it). */
  disableRules?: string[];
}

/**
 * Runs axe-core in the page and returns the violations of the given impacts (serious/critical by
 * default). The source goes in with page.evaluate because the CSP (script-src 'self') blocks
 * addScriptTag.
 */
export async function runAxe(page: Page, options: AxeOptions = {}): Promise<AxeViolation[]> {
  const impacts = options.impacts ?? ['serious', 'critical'];
  const installed = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === 'object');
  if (!installed) await page.evaluate(loadAxeSource());
  const rules = Object.fromEntries((options.disableRules ?? []).map((id) => [id, { enabled: false }]));
  const violations = await page.evaluate(
    async (runOptions) => {
      const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
      const results = await axe.run(document, runOptions);
      return results.violations;
    },
    { resultTypes: ['violations'] as const, rules } as import('axe-core').RunOptions,
  );
  return violations.filter((v) => impacts.includes(v.impact ?? null));
}

/** Screenshot `shot` (when given), then axe: no serious or critical violation. */
export async function expectAccessible(page: Page, shot?: string): Promise<void> {
  if (shot) await screenshot(page, shot);
  const violations = await runAxe(page);
  expect(violations, formatViolations(violations)).toEqual([]);
}

/** Violations as readable text for an assertion message. */
export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`).join('\n');
      return `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
}

export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-artifacts', 'screenshots');

/** Saves a full-page PNG as test-artifacts/screenshots/<name>.png (git-ignored); returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
