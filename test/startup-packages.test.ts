// Idle memory (issue 22, bench/results.md "Idle RSS after start"): a node loads the packages of a
// deployment it does not run only when it runs it — node-postgres on PostgreSQL, ioredis with a
// REDIS_URL, the SM2 library under the SM profile or when a link entry or the SM2 public key is
// asked for — and qrcode at a second-factor enrolment, sanitize-html with a policy page. Together
// ≈ 15–20 MB resident that a single node on SQLite never used.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, startServer, type RunningServer } from './helpers/server.js';
import { suiteDatabaseUrl } from './helpers/pg-databases.js';

const PRELOAD = path.join(PROJECT_ROOT, 'test/fixtures/report-loaded-packages.cjs');

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function loadedAfter(urls: string[]): Promise<string[]> {
  server = await startServer({ templateDb: true, env: { SUNSHINE_DEMO_DATA: 'off', SUNSHINE_SCHEDULER_SECONDS: '0', REDIS_URL: undefined, SUNSHINE_CRYPTO: undefined, NODE_OPTIONS: `--require ${PRELOAD}` } });
  for (const url of urls) expect((await fetch(`${server.url}${url}`)).status, url).toBe(200);
  const run = await server.stop();
  const line = /LOADED PACKAGES (\[.*\])/.exec(run?.stderr ?? '');
  expect(line, run?.stderr).not.toBeNull();
  return JSON.parse(line![1]!) as string[];
}

describe('packages a node loads', () => {
  it('on its own engine and profile, with no Redis, leaves the others unloaded after the public and sign-in pages', async () => {
    const loaded = await loadedAfter(['/', '/report', '/track', '/staff/login', '/stats']);
    expect(loaded).toContain('fastify');
    expect(loaded).toContain('better-sqlite3');
    expect(loaded).not.toContain('ioredis');
    expect(loaded).not.toContain('sm-crypto-v2');
    expect(loaded).not.toContain('qrcode');
    expect(loaded).not.toContain('sanitize-html');
    if (suiteDatabaseUrl) expect(loaded).toContain('pg');
    else expect(loaded).not.toContain('pg');
  });

  it('loads the SM2 library when its public key is asked for', async () => {
    const loaded = await loadedAfter(['/.well-known/sunshine-sm2.pem']);
    expect(loaded).toContain('sm-crypto-v2');
  });
});
