// The master key and the keys derived from it (DESIGN.md §4). The master key never enters the
// database; each purpose gets its own HKDF-derived key so that one leaking does not expose others.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';

export const KEY_PURPOSES = ['identity', 'files', 'receipt-lookup', 'id-hash', 'audit-mac', 'cookie', 'session', 'rate-limit'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];
export type Keys = Record<KeyPurpose, Buffer>;

export const KEY_FILE_NAME = 'master.key';

/** Reads the master key from config, or from DATA_DIR/master.key, creating it (0600) on first start. */
export function loadMasterKey(config: Pick<Config, 'masterKey' | 'dataDir'>): Buffer {
  if (config.masterKey) return config.masterKey;
  const file = path.join(config.dataDir, KEY_FILE_NAME);
  fs.mkdirSync(config.dataDir, { recursive: true });
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
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadMasterKey(config);
    throw err;
  }
}

export function deriveKeys(master: Buffer): Keys {
  const keys = {} as Keys;
  for (const purpose of KEY_PURPOSES) {
    keys[purpose] = Buffer.from(crypto.hkdfSync('sha256', master, Buffer.from('sunshine/v1'), Buffer.from(purpose), 32));
  }
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
