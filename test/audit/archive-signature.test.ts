// SM2 signatures on audit archive files (issue 23): each file gets <file>.sig, which openssl verifies
// with the published key as a recipient of a copy would; audit:verify checks it, fails on a wrong or
// removed signature, and lists archives from before signatures existed as unsigned, not broken.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveRefused, archiveDir, archiveDue, record } from '../../src/audit/index.js';
import { main as archive } from '../../src/cli/audit-archive.js';
import { main as verify } from '../../src/cli/audit-verify.js';
import { translate } from '../../src/i18n/translate.js';
import { deriveKeys, loadMasterKey } from '../../src/plugins/keys.js';
import { signerFor, sm2PublicKeyPem } from '../../src/shared/crypto/index.js';
import { capture, dataDir } from '../cli/helpers.js';
import { cliPortal, type CliPortal } from '../cli/portal-database.js';
import { haveOpenssl, opensslVerifies } from '../helpers/sm2-openssl.js';

let dir: string;
let portal: CliPortal;
let pem: string;
const files = (month: string) => {
  const file = path.join(archiveDir(dir), `audit-${month}.jsonl`);
  return { file, sig: `${file}.sig` };
};
const run = async () => {
  const out = capture();
  const code = await verify([], portal.env, out);
  return { code, out: out.stdout, text: out.text() };
};

beforeAll(async () => {
  dir = dataDir();
  portal = await cliPortal(dir, Buffer.alloc(32, 23));
  const keys = deriveKeys(loadMasterKey({ dataDir: dir, masterKey: null } as never));
  pem = sm2PublicKeyPem(signerFor(keys['manifest-signing']).publicKeyHex);
  await portal.db.run(sql`delete from audit_log`);
  for (const when of ['2024-01-05T10:00:00+08:00', '2024-01-20T10:00:00+08:00', '2024-02-03T10:00:00+08:00', '2024-03-03T10:00:00+08:00']) {
    await record(portal.db, keys['audit-mac'], { actor: { type: 'system' }, action: 'test.signed', object: { type: 'x', id: 1 } }, Date.parse(when));
  }
  await record(portal.db, keys['audit-mac'], { actor: { type: 'system' }, action: 'test.signed', object: { type: 'x', id: 2 } });
  const out = capture();
  expect(await archive([], portal.env, out, Date.parse('2024-10-01T00:00:00+08:00'))).toBe(0);
  expect(out.stdout).toContain('archived 3 month(s)');
  expect(out.text()).toContain('audit-2024-03.jsonl.sig');
});
afterAll(async () => {
  await portal.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('audit archive signatures', () => {
  it.skipIf(!haveOpenssl)('signs each file so that openssl pkeyutl verifies it with the published key, and not a changed copy', () => {
    for (const month of ['2024-01', '2024-02', '2024-03']) {
      const { file, sig } = files(month);
      expect(fs.statSync(sig).mode & 0o777).toBe(0o600);
      expect(opensslVerifies(pem, fs.readFileSync(file), fs.readFileSync(sig))).toBe(true);
    }
    const { file, sig } = files('2024-02');
    const copy = fs.readFileSync(file);
    copy[10] = copy[10]! ^ 0x01;
    expect(opensslVerifies(pem, copy, fs.readFileSync(sig))).toBe(false);
  });

  it('audit:verify checks the signatures: all signed is whole', async () => {
    const ok = await run();
    expect(ok.code).toBe(0);
    expect(ok.out.slice(0, 2)).toEqual(['audit archives ok: 3 files, 4 entries', 'audit chain ok: 1 entries']);
    expect(ok.text).not.toContain('unsigned');
  });

  it('fails on a flipped byte in an archive, and on a signature that is not the file\'s', async () => {
    const feb = files('2024-02');
    const original = fs.readFileSync(feb.file);
    const flipped = Buffer.from(original);
    flipped[original.length - 5] = flipped[original.length - 5]! ^ 0x01;
    fs.writeFileSync(feb.file, flipped);
    const changed = await run();
    expect(changed.code).toBe(1);
    expect(changed.out[0]).toMatch(/^audit archive 2024-02 BROKEN \(sha256: the file was changed\)/);
    fs.writeFileSync(feb.file, original);

    // The file intact, its signature replaced by another archive's (or damaged).
    const signature = fs.readFileSync(feb.sig);
    fs.copyFileSync(files('2024-03').sig, feb.sig);
    const foreign = await run();
    expect(foreign.code).toBe(1);
    expect(foreign.out[0]).toBe("audit archive 2024-02 BROKEN (signature: its SM2 signature (the .sig file beside it) does not verify with this portal's key, or cannot be read)");
    fs.writeFileSync(feb.sig, signature.subarray(0, 20));
    expect((await run()).out[0]).toMatch(/^audit archive 2024-02 BROKEN \(signature: /);
    fs.writeFileSync(feb.sig, signature, { mode: 0o600 });
    expect((await run()).code).toBe(0);
  });

  it('reports archives written before signatures as unsigned (older archive), but a removed later signature as broken', async () => {
    const jan = files('2024-01');
    const feb = files('2024-02');
    const saved = { jan: fs.readFileSync(jan.sig), feb: fs.readFileSync(feb.sig) };
    // The two oldest archives as an older version wrote them: no .sig, and none signed before them.
    fs.rmSync(jan.sig);
    fs.rmSync(feb.sig);
    const older = await run();
    expect(older.code).toBe(0);
    expect(older.out[0]).toBe('audit archives ok: 3 files, 4 entries');
    expect(older.out).toContain('audit archives unsigned (older archive, written before archives were signed; not a failure): 2024-01, 2024-02');

    // A signed archive followed by one without: its signature was removed.
    fs.writeFileSync(jan.sig, saved.jan);
    const removed = await run();
    expect(removed.code).toBe(1);
    expect(removed.out[0]).toMatch(/^audit archive 2024-02 BROKEN \(signature_missing: its SM2 signature \(the \.sig file beside it\) is missing, though an earlier archive is signed/);
    fs.writeFileSync(feb.sig, saved.feb);
    expect((await run()).code).toBe(0);
  });

  it('names the two signature failures on the administrators\' audit page in every language', () => {
    for (const lang of ['zh-CN', 'ko', 'en'] as const) {
      for (const reason of ['signature', 'signature_missing']) {
        const key = `admin.audit.archive_reasons.${reason}`;
        expect(translate(lang, key)).not.toBe(key);
        expect(translate(lang, key)).toContain('.sig');
      }
    }
    expect(translate('ko', 'admin.audit.archive_reasons.signature')).not.toBe(translate('zh-CN', 'admin.audit.archive_reasons.signature'));
  });

  it('archives nothing without a signing key, rather than an unsigned file after signed ones', async () => {
    const stranger = deriveKeys(Buffer.alloc(32, 99))['audit-mac'];
    await expect(archiveDue({ db: portal.db, key: stranger, dataDir: dir, onlineDays: 180 }, Date.parse('2030-01-01T00:00:00Z'))).rejects.toThrow(ArchiveRefused);
    expect(fs.readdirSync(archiveDir(dir)).sort()).toEqual(['audit-2024-01.jsonl', 'audit-2024-01.jsonl.sig', 'audit-2024-02.jsonl', 'audit-2024-02.jsonl.sig', 'audit-2024-03.jsonl', 'audit-2024-03.jsonl.sig']);
  });
});
