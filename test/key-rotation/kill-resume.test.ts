// keys:rotate killed half-way (SIGKILL, as a crash or an OOM kill would) and run again (issue 23
// part B): the rerun carries on where the old values still are, with no state of its own, and ends
// as a rotation never interrupted would. At no moment does a row name a file that is not there;
// what the kill left behind (a copy without a row, an old file whose row was swapped) has no row
// and goes with the orphan sweep. Reports are filed under sm all the while (issue 23, done when:
// "rotated … while reports are being filed, SIGKILLed half-way, resumed, and afterwards every
// identity, file, query code and the audit chain verify").
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor, LINK_ACTION } from '../../src/audit/index.js';
import { main as auditVerify } from '../../src/cli/audit-verify.js';
import { main } from '../../src/cli/keys-rotate.js';
import { sweepStorage } from '../../src/evidence/index.js';
import { rotationRemaining } from '../../src/key-rotation/index.js';
import { useCryptoProfile, type CryptoProfileName } from '../../src/shared/crypto/index.js';
import { runCli } from '../cli/helpers.js';
import { expectAllUnder, fileOne, intlPortal, referencedNames, storeNames, rotationEnv, type Scenario } from './fixtures.js';

let s: Scenario;
let previous: CryptoProfileName;
let env: Record<string, string>;
beforeAll(async () => {
  s = await intlPortal(18);
  previous = useCryptoProfile('sm');
  env = rotationEnv(s);
}, 120_000);
afterAll(async () => {
  useCryptoProfile(previous);
  await s?.t.close();
});

/** Runs keys:rotate as its own process and SIGKILLs it once it has reported rotating some files. */
function rotateUntilKilled(): Promise<{ output: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/keys-rotate.ts', '--to', 'sm', '--batch', '2', '--pause', '300'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const done = [...output.matchAll(/evidence files and their names: (\d+) done/g)].map((m) => Number(m[1]));
      if (done.some((n) => n >= 4) && child.exitCode === null) child.kill('SIGKILL');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ output, signal }));
  });
}

/** Files reports (under sm, with files, most real-name) one after another until `until` settles; returns how many. */
async function fileWhile<T>(until: Promise<T>): Promise<{ result: T; filed: number }> {
  let settled = false;
  const result = until.finally(() => {
    settled = true;
  });
  let filed = 0;
  while (!settled) {
    s.reports.push(await fileOne(s.t, 1000 + s.reports.length, true, s.files));
    filed += 1;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { result: await result, filed };
}

describe('keys:rotate killed half-way, then run again', () => {
  it('ends with everything in sm, every row with its file, no file without a row after the sweep', async () => {
    const during = await fileWhile(rotateUntilKilled());
    const killed = during.result;
    expect(during.filed).toBeGreaterThan(0);
    expect(killed.signal, killed.output).toBe('SIGKILL');
    expect(killed.output).toMatch(/reporter identities: finished, 12 done, 0 remaining/);
    expect(killed.output).toMatch(/staff TOTP secrets: finished, 3 done, 0 remaining/);
    // Half-way: files are still in the old format, and every row still has its file.
    const left = (await rotationRemaining(s.t.app.deps, 'sm')).find((k) => k.kind.startsWith('evidence'))!;
    expect(left.remaining).toBeGreaterThan(0);
    expect(left.remaining).toBeLessThan(s.files.length + s.erased.length - 3);
    const stored = new Set(storeNames(s));
    for (const name of await referencedNames(s)) expect(stored.has(name), name).toBe(true);

    const resumedWhile = await fileWhile(runCli(main, ['--to', 'sm', '--batch', '3', '--pause', '20'], env));
    const resumed = resumedWhile.result;
    expect(resumedWhile.filed).toBeGreaterThan(0);
    expect(resumed.text).toMatch(/reporter identities: finished, 0 done, 0 remaining/);
    expect(resumed.text).toMatch(new RegExp(`evidence files and their names: finished, ${left.remaining} done, 0 remaining`));
    expect(resumed.text).toMatch(/every value is in sm/);
    expect(resumed.code).toBe(0);
    const recorded = await entriesFor(s.t.app.db, 'crypto_profile', 'sm');
    expect(recorded.map((e) => [e.action, e.result])).toEqual([['keys.rotated', 'ok']]);
    const status = await runCli(main, ['--to', 'sm', '--status'], env);
    expect(status.text).toBe('reporter identities: 0 remaining\nstaff TOTP secrets: 0 remaining\nexchange partner secrets: 0 remaining\nevidence files and their names: 0 remaining');
    expect(status.code).toBe(0);

    // What the kill left (a copy not yet swapped in, an old file not yet removed) has no row.
    const named = new Set(await referencedNames(s));
    const before = storeNames(s).length;
    const swept = sweepStorage(s.t.app.deps.dirs, (name) => named.has(name), { graceMs: 0, namesReadAt: Date.now() + 1000 });
    expect(swept.orphans + swept.own).toBe(before - named.size);
    expect(storeNames(s)).toEqual(await referencedNames(s));
    // Every identity, file (old and filed meanwhile) and query code, and every staff sign-in.
    await expectAllUnder(s, 'sm');
    // The audit chain: intl entries, the signed link, sm entries — the filings' among them — whole.
    const verified = await runCli(auditVerify, [], env);
    expect(verified.text).toMatch(/audit chain ok/);
    expect(verified.code).toBe(0);
    expect((await entriesFor(s.t.app.db, 'audit_chain', 'sm')).filter((e) => e.action === LINK_ACTION)).toHaveLength(1);
  }, 180_000);

  it('refuses a run whose --to is not the configured profile', async () => {
    const refused = await runCli(main, ['--to', 'sm'], { ...env, SUNSHINE_CRYPTO: 'intl' });
    expect(refused.code).toBe(2);
    expect(refused.text).toMatch(/SUNSHINE_CRYPTO is intl/);
  });
});
