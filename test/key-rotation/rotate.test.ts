// Key rotation from intl to sm (issue 23 part B), in process: a portal built under intl is rotated
// under sm while reports are still being filed; afterwards every value is in the sm formats and
// still opens, every file downloads with the same bytes, every staff member signs in, every query
// code issued before finds its report; the store holds exactly the files the rows name. Exchange
// partners' secrets are re-sealed too, resumably (a run stopped after a batch leaves the rest to the next).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROTATION_KINDS, rotateKeys, rotationRemaining, type KindProgress } from '../../src/key-rotation/index.js';
import { createPartner, partnerByKey } from '../../src/exchange/index.js';
import { listPartners } from '../../src/exchange/repository.js';
import { sealedProfile, useCryptoProfile, type CryptoProfileName } from '../../src/shared/crypto/index.js';
import { expectAllUnder, fileOne, intlPortal, referencedNames, storeNames, type Scenario } from './fixtures.js';

let s: Scenario;
let previous: CryptoProfileName;
/** The partners' secret texts as created under intl, by key. */
const partnerSecrets = new Map<string, string>();
beforeAll(async () => {
  s = await intlPortal(9);
  const before = useCryptoProfile('intl');
  try {
    for (const key of ['rot-a', 'rot-b', 'rot-c']) partnerSecrets.set(key, (await createPartner(s.t.app.db, s.t.app.keys, { key, name: `伙伴 ${key}`, scopes: ['ca:220000'] })).secret);
  } finally {
    useCryptoProfile(before);
  }
  // The operator's sequence: the portal is switched to sm (and restarted) before keys:rotate runs.
  previous = useCryptoProfile('sm');
}, 120_000);
afterAll(async () => {
  useCryptoProfile(previous);
  await s?.t.close();
});

describe('keys:rotate, intl to sm', () => {
  it('counts what is left under intl before it starts', async () => {
    const left = Object.fromEntries((await rotationRemaining(s.t.app.deps, 'sm')).map((k) => [k.kind, k.remaining]));
    expect(left['reporter identities']).toBe(6);
    expect(left['staff TOTP secrets']).toBe(3);
    expect(left['exchange partner secrets']).toBe(3);
    expect(left['evidence files and their names']).toBe(s.files.length + s.erased.length);
  });

  it('re-seals partner secrets resumably: a run stopped after one batch leaves the rest, which the next run finds', async () => {
    const kind = ROTATION_KINDS.find((k) => k.name === 'exchange partner secrets')!;
    const controller = new AbortController();
    const stopped = await rotateKeys(s.t.app.deps, { to: 'sm', batch: 2, kinds: [kind], signal: controller.signal, onProgress: () => controller.abort() });
    expect(stopped.map((p) => [p.done, p.remaining])).toEqual([[2, 1]]);
    expect((await rotationRemaining(s.t.app.deps, 'sm', [kind]))[0]!.remaining).toBe(1);
    const profiles = (await listPartners(s.t.app.db)).map((p) => sealedProfile(p.secretSealed));
    expect(profiles.sort()).toEqual(['intl', 'sm', 'sm']);
  });

  it('re-seals everything in small batches while reports are being filed under sm', async () => {
    const seen: KindProgress[] = [];
    // Old files are removed one batch after their rows were swapped: after the first batch of files, all are still there.
    const original = storeNames(s);
    let afterFirstFiles: string[] | undefined;
    const onProgress = (p: KindProgress) => {
      seen.push({ ...p, failed: [...p.failed] });
      if (p.kind.startsWith('evidence') && p.done > 0 && !afterFirstFiles) afterFirstFiles = storeNames(s);
    };
    const rotation = rotateKeys(s.t.app.deps, { to: 'sm', batch: 2, onProgress });
    // Filed while the rotation runs: written under sm already, never touched by it.
    const during = [];
    for (let n = 100; n < 104; n++) during.push(await fileOne(s.t, n, true, s.files));
    const results = await rotation;
    s.reports.push(...during);
    expect(results.map((r) => [r.kind, r.remaining, r.failed])).toEqual([
      ['reporter identities', 0, []],
      ['staff TOTP secrets', 0, []],
      ['exchange partner secrets', 0, []],
      ['evidence files and their names', 0, []],
    ]);
    expect(results[0]!.done).toBe(6);
    // The one partner the stopped run left.
    expect(results[2]!.done).toBe(1);
    expect(results[3]!.done).toBe(s.files.length + s.erased.length - 4 - during.filter((_, i) => (100 + i) % 3 === 0).length);
    // Progress came batch by batch, the remainder going down.
    const identities = seen.filter((p) => p.kind === 'reporter identities').map((p) => p.remaining);
    expect(identities.length).toBeGreaterThan(2);
    expect(identities).toEqual([...identities].sort((a, b) => b - a));
    await expectAllUnder(s, 'sm');
    // Every partner secret is in sm and opens to the secret the partner holds.
    for (const row of await listPartners(s.t.app.db)) expect(sealedProfile(row.secretSealed)).toBe('sm');
    for (const [key, secret] of partnerSecrets) expect((await partnerByKey(s.t.app.db, s.t.app.keys, key))!.secret.toString('utf8')).toBe(secret);
    expect(storeNames(s)).toEqual(await referencedNames(s));
    expect(original.filter((n) => !afterFirstFiles!.includes(n))).toEqual([]);
    expect(original.filter((n) => storeNames(s).includes(n))).toEqual([]);
  }, 120_000);

  it('finds nothing more to do on a second run', async () => {
    const again = await rotateKeys(s.t.app.deps, { to: 'sm' });
    expect(again.map((r) => r.done)).toEqual([0, 0, 0, 0]);
    expect((await rotationRemaining(s.t.app.deps, 'sm')).every((k) => k.remaining === 0)).toBe(true);
  });
});
