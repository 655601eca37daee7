// keys:rotate's progress as an operator reads it (issue 23, "progress shown"): a line when a batch
// re-sealed or failed something, and the finished line of each kind — not one identical line for
// every batch of rows already in the target profile, which on a province's evidence table (rows
// uploaded after the switch are sm already) would be thousands of "N done, 0 remaining".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, progressPrinter } from '../../src/cli/keys-rotate.js';
import { useCryptoProfile, type CryptoProfileName } from '../../src/shared/crypto/index.js';
import { capture, runCli } from '../cli/helpers.js';
import { intlPortal, rotationEnv, type Scenario } from './fixtures.js';

let s: Scenario;
let previous: CryptoProfileName;
let env: Record<string, string>;
beforeAll(async () => {
  s = await intlPortal(6);
  previous = useCryptoProfile('sm');
  env = rotationEnv(s);
}, 120_000);
afterAll(async () => {
  useCryptoProfile(previous);
  await s?.t.close();
});

const linesOf = (text: string, kind: string) => text.split('\n').filter((l) => l.startsWith(`${kind}: `));

describe('keys:rotate progress lines', () => {
  it('prints a line per batch that re-sealed something, and nothing for batches of rows already re-sealed', async () => {
    const first = await runCli(main, ['--to', 'sm', '--batch', '1'], env);
    expect(first.code).toBe(0);
    const evidence = linesOf(first.text, 'evidence files and their names');
    // Every line says something new: no two alike, the count of done only grows, the last one is the end.
    expect(new Set(evidence).size).toBe(evidence.length);
    expect(evidence.at(-1)).toMatch(/^evidence files and their names: finished, \d+ done, 0 remaining$/);
    const done = evidence.slice(0, -1).map((l) => Number(/(\d+) done/.exec(l)![1]));
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThan(done[i - 1]!);

    // A second run scans every row in batches of one and finds nothing: one finished line per kind.
    const second = await runCli(main, ['--to', 'sm', '--batch', '1'], env);
    expect(second.code).toBe(0);
    expect(linesOf(second.text, 'evidence files and their names')).toEqual(['evidence files and their names: finished, 0 done, 0 remaining']);
    expect(linesOf(second.text, 'reporter identities')).toEqual(['reporter identities: finished, 0 done, 0 remaining']);
    expect(second.text).toMatch(/every value is in sm/);
  }, 120_000);

  it('says a long scan of rows already re-sealed is alive: a line every 10 s, not every batch', () => {
    const io = capture();
    let clock = 0;
    const print = progressPrinter(io, () => clock);
    const p = { kind: 'evidence files and their names', done: 0, remaining: 0, failed: [] };
    for (let batch = 0; batch < 50; batch++) {
      clock += 500; // 50 batches over 25 s, none re-sealing anything
      print(p, false);
    }
    expect(io.stdout).toEqual(['evidence files and their names: 0 done, 0 remaining', 'evidence files and their names: 0 done, 0 remaining']);
    print({ ...p, done: 1 }, false);
    print({ ...p, done: 1, failed: [{ id: 7, reason: 'does not open' }] }, false);
    print({ ...p, done: 1, failed: [{ id: 7, reason: 'does not open' }] }, true);
    expect(io.stdout.slice(2)).toEqual([
      'evidence files and their names: 1 done, 0 remaining',
      'evidence files and their names: 1 done, 0 remaining, 1 failed',
      'evidence files and their names: finished, 1 done, 0 remaining, 1 failed',
    ]);
  });
});
