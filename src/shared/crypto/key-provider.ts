// Where the master key comes from: the one seam between the portal and whatever guards its key.
// Every other key (per purpose, per profile, the SM2 signing key) is derived from it in
// src/plugins/keys.ts, so swapping the provider swaps the root of the whole hierarchy.
//
// Two providers ship: a file in DATA_DIR (0600, made on first start) and a key given in the
// environment (SUNSHINE_MASTER_KEY, read by src/config.ts; required with several nodes).
//
// A PKCS#11 token or a GM/T 0018 服务器密码机 (server cipher machine) would plug in here as a third
// provider, in one of two depths — neither is written, and the software claims no certification:
// 1. Key wrapping: the master key is stored only wrapped (encrypted) under a key that never leaves
//    the device; masterKey() asks the device to unwrap it at start (PKCS#11 C_UnwrapKey/C_Decrypt,
//    or GM/T 0018 SDF_OpenDevice → SDF_OpenSession → SDF_GetPrivateKeyAccessRight →
//    SDF_InternalDecrypt_ECC / SDF_Decrypt with an internal key index). The derived keys then live
//    in process memory as today; the device guards the key at rest and logs its use.
// 2. Operations in the device: the provider also registers a ManifestSigner (sm2.ts registerSigner)
//    whose sign() calls SDF_InternalSign_ECC (or C_Sign with CKM_SM2_SM3 where a vendor offers it)
//    so the SM2 private key never exists outside the device. Doing seal/MAC inside the device as
//    well would need seal()/mac() to call the provider instead of using key bytes — a larger change
//    that the key-family registry (key-family.ts) leaves room for.
// A native binding to the vendor's library (a .so from the device maker) is the part that must be
// added; its certificate (商用密码产品认证证书) is the device's, not this software's.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface KeyProvider {
  /** Where the key comes from, for logs and the operator pages (never the key itself). */
  readonly kind: string;
  /** The 32-byte master key. */
  masterKey(): Buffer;
}

export const KEY_FILE_NAME = 'master.key';

/** A key the operator gave (SUNSHINE_MASTER_KEY, already validated by the config). */
export function givenKeyProvider(key: Buffer): KeyProvider {
  if (key.length !== 32) throw new Error('the master key must be 32 bytes');
  return { kind: 'environment', masterKey: () => key };
}

/** DATA_DIR/master.key (base64), created with mode 0600 on first start. */
export function fileKeyProvider(dataDir: string): KeyProvider {
  return { kind: 'file', masterKey: () => readOrCreateKeyFile(dataDir) };
}

function readOrCreateKeyFile(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE_NAME);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = crypto.randomBytes(32);
  // 'wx' fails if another process created the file meanwhile; then read theirs.
  try {
    fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateKeyFile(dataDir);
    throw err;
  }
}
