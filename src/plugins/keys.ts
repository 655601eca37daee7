// The master key and the keys derived from it (DESIGN.md §4). The master key never enters the
// database; each purpose gets its own HKDF-derived key so that one leaking does not expose others.
// Each purpose key exists once per crypto profile (issue 23): HKDF-SHA256 for intl (unchanged since
// the first release), HKDF-SM3 for sm; app.keys holds the active profile's member and the crypto
// module finds the other when it reads a value written under the other profile.
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { activeProfile, deriveFamily, fileKeyProvider, givenKeyProvider, KEY_FILE_NAME, type CryptoProfileName, type KeyProvider } from '../shared/crypto/index.js';

/** `manifest-signing` seeds the SM2 key that signs documents leaving the system (signManifest). */
export const KEY_PURPOSES = ['identity', 'files', 'receipt-lookup', 'id-hash', 'audit-mac', 'cookie', 'session', 'rate-limit', 'manifest-signing'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];
export type Keys = Record<KeyPurpose, Buffer>;

export { KEY_FILE_NAME };

/** The master key's provider: the configured key, else DATA_DIR/master.key (0600, made on first start). */
export function keyProvider(config: Pick<Config, 'masterKey' | 'dataDir'>): KeyProvider {
  return config.masterKey ? givenKeyProvider(config.masterKey) : fileKeyProvider(config.dataDir);
}

export function loadMasterKey(config: Pick<Config, 'masterKey' | 'dataDir'>): Buffer {
  return keyProvider(config).masterKey();
}

export function deriveKeys(master: Buffer, active: CryptoProfileName = activeProfile()): Keys {
  const keys = {} as Keys;
  for (const purpose of KEY_PURPOSES) keys[purpose] = deriveFamily(master, { intl: 'sunshine/v1', sm: 'sunshine/sm/v1' }, purpose, active);
  return keys;
}

declare module 'fastify' {
  interface FastifyInstance {
    keys: Keys;
  }
}

export default fp(
  async (app, opts: { config: Config }) => {
    app.decorate('keys', deriveKeys(loadMasterKey(opts.config)));
  },
  { name: 'keys' },
);
