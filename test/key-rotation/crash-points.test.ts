// The two moments a crash of keys:rotate leaves a file behind (issue 23 part B), made on purpose:
// a copy written but not yet swapped in, and an old file whose row was swapped but which was not yet
// removed. Either has no row: the rerun and the app go on with the file the row names, and the
// orphan sweep removes the leftover once it is older than the grace (not before: it could be
// another node's upload in flight).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceOf, markEvidenceErased, orphanGraceMs } from '../../src/evidence/index.js';
import { reencryptStored, sweepAgedOrphans } from '../../src/evidence/storage.js';
import { rotateKeys } from '../../src/key-rotation/index.js';
import { useCryptoProfile, type CryptoProfileName } from '../../src/shared/crypto/index.js';
import { expectAllUnder, intlPortal, referencedNames, storeNames, type Scenario } from './fixtures.js';

let s: Scenario;
let previous: CryptoProfileName;
beforeAll(async () => {
  s = await intlPortal(4);
  previous = useCryptoProfile('sm');
}, 120_000);
afterAll(async () => {
  useCryptoProfile(previous);
  await s?.t.close();
});

describe('keys:rotate crash points', () => {
  it('a copy never swapped in and an old file never removed are left to the sweep, after its grace', async () => {
    const { dirs } = s.t.app.deps;
    const [row] = await evidenceOf(s.t.app.db, 'report', s.reports[0]!.id);
    // Killed between writing the copy and the transaction that swaps it in.
    const stale = await reencryptStored(dirs, s.t.app.keys.files, row!.storedName, 'sm');
    // Killed between the swap's commit and the old file's removal: the old file as it was.
    const oldBytes = fs.readFileSync(path.join(dirs.files, row!.storedName));
    const results = await rotateKeys(s.t.app.deps, { to: 'sm', batch: 3 });
    expect(results.every((r) => r.remaining === 0 && r.failed.length === 0)).toBe(true);
    fs.writeFileSync(path.join(dirs.files, row!.storedName), oldBytes);

    const named = new Set(await referencedNames(s));
    expect(named.has(stale.storedName)).toBe(false);
    expect(named.has(row!.storedName)).toBe(false);
    const grace = orphanGraceMs(s.t.config.abuse.requestTimeoutSeconds);
    // The periodic sweep of a running portal (at a node's start, its journal may name the old file
    // as an upload of its own without a row: removed at once, which is as safe).
    expect(sweepAgedOrphans(dirs, (n) => named.has(n), { graceMs: grace, namesReadAt: Date.now() })).toEqual({ orphans: 0, young: 2 });
    expect(sweepAgedOrphans(dirs, (n) => named.has(n), { graceMs: grace, namesReadAt: Date.now() + grace + 60_000 })).toEqual({ orphans: 2, young: 0 });
    expect(storeNames(s)).toEqual([...named].sort());
    await expectAllUnder(s, 'sm');
  }, 120_000);

  it('shreds the file of a row that a retention sweep marked erased after the rotation swapped it to its copy', async () => {
    const { dirs } = s.t.app.deps;
    const [row] = await evidenceOf(s.t.app.db, 'report', s.reports[1]!.id);
    // What the race leaves: retention shredded the old file, the rotation swapped the row to its
    // copy, retention marked the row (found again by id) erased; the copy is still in the store.
    await markEvidenceErased(s.t.app.db, row!.id, Date.now());
    expect(fs.existsSync(path.join(dirs.files, row!.storedName))).toBe(true);
    await rotateKeys(s.t.app.deps, { to: 'sm' });
    expect(fs.existsSync(path.join(dirs.files, row!.storedName))).toBe(false);
  });

  it('stopped by its signal, it ends after the batch in progress, removes the old files it replaced, and a rerun finishes', async () => {
    const other = await intlPortal(4);
    try {
      const original = storeNames(other);
      const controller = new AbortController();
      const stopped = await rotateKeys(other.t.app.deps, { to: 'sm', batch: 2, signal: controller.signal, onProgress: (p) => p.kind.startsWith('evidence') && controller.abort() });
      const files = stopped.find((p) => p.kind.startsWith('evidence'))!;
      expect(files.done).toBe(2);
      // The two old files replaced by the one batch that ran are gone; the rows name their copies.
      expect(original.filter((n) => !storeNames(other).includes(n)).length).toBe(2);
      expect(storeNames(other)).toEqual(await referencedNames(other));
      const rest = await rotateKeys(other.t.app.deps, { to: 'sm' });
      expect(rest.every((p) => p.remaining === 0 && p.failed.length === 0)).toBe(true);
      await expectAllUnder(other, 'sm');
    } finally {
      await other.t.close();
    }
  }, 120_000);
});
