// The bench's interactive scenarios: staff sign-in (password, then TOTP), uncached latencies,
// walking the inbox to a deep page, report submissions (GET form + multipart POST) and checking
// their receipts on /track, the 20 × 20 MB uploads with RSS sampling, and the commit rate.
import fs from 'node:fs';
import path from 'node:path';
import { generate as totp } from 'otplib';
import { openDatabase } from '../../src/db/connection.js';
import { Browser, csrfOf, hiddenOf, median, nextHrefOf, queryCodeOf } from './http.js';
import { loop } from './load.js';
import { rssMbOf } from './proc.js';

export interface Place {
  prefecture: string;
  county: string;
  township: string;
  village: string;
}

export async function signIn(base: string, username: string, password: string, totpSecret: string): Promise<Browser> {
  const b = new Browser(base);
  const login = await b.get('/staff/login');
  const step1 = await b.postForm('/staff/login', { _csrf: csrfOf(login.body), username, password, next: '/staff' });
  if (step1.status !== 303) throw new Error(`password step: HTTP ${step1.status}`);
  const codePage = await b.get('/staff/login/code');
  const step2 = await b.postForm('/staff/login/code', { _csrf: csrfOf(codePage.body), code: await totp({ secret: totpSecret }) });
  if (step2.status !== 303) throw new Error(`TOTP step: HTTP ${step2.status} ${step2.body.slice(0, 200)}`);
  return b;
}

/**
 * The first request of a page, then the median of `n` more; with `bust`, each is a cache miss (an
 * ignored `_b` parameter varies the cache key), the first one included.
 */
export async function uncached(b: Browser, pagePath: string, n: number, bust: boolean): Promise<{ firstMs: number; medianMs: number; bytes: number; cacheState: string | null }> {
  const busted = (i: number) => (bust ? `${pagePath}${pagePath.includes('?') ? '&' : '?'}_b=${i}` : pagePath);
  const first = await b.get(busted(0));
  if (first.status !== 200) throw new Error(`GET ${pagePath}: HTTP ${first.status}`);
  const times: number[] = [];
  for (let i = 1; i <= n; i++) {
    const res = await b.get(busted(i));
    if (res.status !== 200) throw new Error(`GET ${pagePath}: HTTP ${res.status}`);
    if (bust && res.headers.get('x-cache') === 'hit') throw new Error(`${pagePath} came from the cache`);
    times.push(res.ms);
  }
  return { firstMs: first.ms, medianMs: median(times), bytes: Buffer.byteLength(first.body), cacheState: first.headers.get('x-cache') };
}

/** Follows the inbox's "next" links to page `depth` (or the last page); returns that page's path and each page's latency. */
export async function walk(b: Browser, firstPath: string, depth: number): Promise<{ deepPath: string; page: number; ms: number[] }> {
  let current = firstPath;
  const ms: number[] = [];
  for (let page = 1; ; page++) {
    const res = await b.get(current);
    if (res.status !== 200) throw new Error(`GET ${current}: HTTP ${res.status}`);
    ms.push(res.ms);
    const next = nextHrefOf(res.body);
    if (page === depth || !next) return { deepPath: current, page, ms };
    current = next;
  }
}

const TEXTS = ['村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，根本不困难。', '今年评低保没开村民代表会，名单是村支书和会计两个人定的，真正困难的人没评上。', '我们屯有一户人家儿子在城里买了楼，家里种着四十多亩地，每年还在吃低保。'];

function reportFields(place: Place, i: number, submissionId: string): Record<string, string> {
  return {
    submission_id: submissionId,
    category: ['favouritism', 'wrong_grant', 'connections'][i % 3]!,
    ...place,
    place_other: '',
    subject_name: '',
    subject_position: 'village_cadre',
    description: TEXTS[i % TEXTS.length]!,
    happened_at: '2026年3月',
    identity_mode: 'anonymous',
  };
}

/** One filing as a browser does it: GET /report (token, cookie, submission id), then the multipart POST. Returns the query code shown. */
export async function fileOne(base: string, place: Place, i: number, file?: { path: string; name: string }): Promise<{ code: string; postMs: number; body: string }> {
  const b = new Browser(base);
  const form = await b.get('/report');
  if (form.status !== 200) throw new Error(`GET /report: HTTP ${form.status}`);
  const body = new FormData();
  for (const [k, v] of Object.entries(reportFields(place, i, hiddenOf(form.body, 'submission_id') ?? ''))) body.append(k, v);
  if (file) body.append('evidence', await fs.openAsBlob(file.path, { type: 'image/jpeg' }), file.name);
  const res = await b.request(`/report?_csrf=${encodeURIComponent(csrfOf(form.body))}`, { method: 'POST', body });
  const code = queryCodeOf(res.body);
  if (res.status !== 200 || !code) throw new Error(`POST /report: HTTP ${res.status} ${code ? '' : 'without a query code'}`);
  return { code, postMs: res.ms, body: res.body };
}

export async function submissions(base: string, places: Place[], concurrency: number, seconds: number) {
  let n = 0;
  const run = await loop(concurrency, seconds, async () => {
    const i = n++;
    return fileOne(base, places[i % places.length]!, i);
  });
  return { codes: run.results.map((r) => r.code), postMs: run.results.map((r) => r.postMs), pairMs: run.ms, errors: run.errors, wallSeconds: run.wallSeconds };
}

/** POST /track with each code (a fresh visitor each: GET for the token, then the POST); a valid code answers 303 to /track/report. */
export async function verifyCodes(base: string, codes: string[], concurrency: number): Promise<{ ok: number; failed: string[] }> {
  let next = 0;
  let ok = 0;
  const failed: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < codes.length) {
        const code = codes[next++]!;
        const b = new Browser(base);
        try {
          const entry = await b.get('/track');
          const res = await b.postForm('/track', { _csrf: csrfOf(entry.body), code });
          if (res.status === 303 && res.headers.get('location') === '/track/report') ok++;
          else failed.push(`${code}: HTTP ${res.status}`);
        } catch (err) {
          failed.push(`${code}: ${(err as Error).message}`);
        }
      }
    }),
  );
  return { ok, failed };
}

/** `count` simultaneous filings each with the file; RSS of the server sampled every 100 ms meanwhile. */
export async function uploads(base: string, pid: number, places: Place[], count: number, file: { path: string; name: string }) {
  const samples: number[] = [];
  const idle = rssMbOf(pid);
  const timer = setInterval(() => samples.push(rssMbOf(pid)), 100);
  const t0 = performance.now();
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, i) => fileOne(base, places[i % places.length]!, i, file)));
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  samples.push(rssMbOf(pid));
  const ok = settled.filter((s) => s.status === 'fulfilled') as PromiseFulfilledResult<{ code: string; body: string }>[];
  const cleaned = ok.filter((s) => s.value.body.includes(file.name)).length;
  return {
    idleMb: idle,
    peakMb: Math.max(...samples),
    seconds,
    ok: ok.length,
    errors: settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason?.message ?? s)),
    codes: ok.map((s) => s.value.code),
    confirmedFiles: cleaned,
    samples: samples.length,
  };
}

/** Commits per second of single-row INSERT transactions on a database opened as the product opens it (WAL, synchronous=FULL). */
export function commitRate(dir: string, seconds: number): { commitsPerSecond: number; journal: string; synchronous: number } {
  const file = path.join(dir, `commit-rate-${process.pid}.db`);
  const db = openDatabase(file);
  const c = db.$client;
  c.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const insert = c.prepare('INSERT INTO t (v) VALUES (?)');
  const journal = String(c.pragma('journal_mode', { simple: true }));
  const synchronous = Number(c.pragma('synchronous', { simple: true }));
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    insert.run('x'.repeat(200));
    n++;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  c.close();
  for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
  return { commitsPerSecond: rate, journal, synchronous };
}
