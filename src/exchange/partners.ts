// Partners of the exchange API: created by an operator (npm run exchange:partner), each with a
// random secret shown once and kept sealed under a key derived for the exchange alone.
import crypto from 'node:crypto';
import type { Executor } from '../db/executor.js';
import type { Keys } from '../plugins/keys.js';
import { seal, unseal } from '../shared/crypto.js';
import { activeProfile, sealedProfile, sealVersion, sealWith, subkeyFamily, type CryptoProfileName } from '../shared/crypto/index.js';
import { withTransaction } from '../db/transaction.js';
import { findUnitByKey } from '../units/index.js';
import * as repo from './repository.js';

export const PARTNER_KEY = /^[a-z0-9][a-z0-9_-]{1,39}$/;

/**
 * The key the partners' secrets are sealed under. plugins/keys.ts has no purpose for the exchange
 * yet, so it is derived (HKDF) from the identity key, whose custody is the strictest; one line there
 * ('exchange' in KEY_PURPOSES) would give it its own branch from the master key.
 */
export function partnerSecretKey(keys: Pick<Keys, 'identity'>): Buffer {
  // Every signed request opens its partner's secret: the two HKDFs run once per identity key and profile.
  const active = activeProfile();
  let byProfile = partnerKeys.get(keys.identity);
  if (!byProfile) partnerKeys.set(keys.identity, (byProfile = new Map()));
  let key = byProfile.get(active);
  // One family per profile (issue 23): a secret sealed before a switch to SM still opens after it.
  if (!key) byProfile.set(active, (key = subkeyFamily(keys.identity, { intl: 'sunshine/v1/exchange', sm: 'sunshine/sm/v1/exchange' }, 'partner-secret', active)));
  return key;
}

const partnerKeys = new WeakMap<Buffer, Map<string, Buffer>>();

export interface Partner {
  id: number;
  key: string;
  name: string;
  /** Unit keys whose work orders (the unit and those it supervises) the partner may send and read. */
  scopes: string[];
  secret: Buffer;
  publicKey: string | null;
  webhookUrl: string | null;
  requestsPerMinute: number;
  /** Uploads of work orders it may have in flight at once (across app nodes). */
  uploadsAtOnce: number;
  disabled: boolean;
}

export function openPartner(keys: Pick<Keys, 'identity'>, row: repo.PartnerRow): Partner {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    scopes: JSON.parse(row.scopes) as string[],
    secret: unseal(partnerSecretKey(keys), row.secretSealed, `exchange-partner:${row.key}`),
    publicKey: row.publicKey,
    webhookUrl: row.webhookUrl,
    requestsPerMinute: row.requestsPerMinute,
    uploadsAtOnce: row.uploadsAtOnce,
    disabled: row.disabledAt !== null,
  };
}

export async function partnerByKey(db: Executor, keys: Pick<Keys, 'identity'>, key: string): Promise<Partner | null> {
  if (!PARTNER_KEY.test(key)) return null;
  const row = await repo.findPartnerByKey(db, key);
  return row ? openPartner(keys, row) : null;
}

export async function partnerById(db: Executor, keys: Pick<Keys, 'identity'>, id: number): Promise<Partner | null> {
  const row = await repo.findPartner(db, id);
  return row ? openPartner(keys, row) : null;
}

export interface NewPartner {
  key: string;
  name: string;
  scopes: string[];
  webhookUrl?: string | null;
  publicKey?: string | null;
  requestsPerMinute?: number;
  uploadsAtOnce?: number;
}

export class PartnerInputError extends Error {}

/**
 * Uploads a partner may have in flight at once unless it was registered with another number: a
 * hotline platform sends work orders one after another, a few at once when it catches up.
 */
export const DEFAULT_UPLOADS_AT_ONCE = 4;
export const MAX_UPLOADS_AT_ONCE = 100;

// The text itself is the HMAC key on both sides (its UTF-8 bytes): nothing to decode wrongly.
const newSecret = () => crypto.randomBytes(32).toString('base64url');

function checkPublicKey(pem: string): void {
  try {
    if (crypto.createPublicKey(pem).asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
  } catch {
    throw new PartnerInputError('public key: an Ed25519 public key in PEM');
  }
}

/** Creates a partner; returns it with its secret text (43 characters), which is shown this once. */
export async function createPartner(db: Executor, keys: Pick<Keys, 'identity'>, input: NewPartner, now = Date.now()): Promise<{ partner: Partner; secret: string }> {
  if (!PARTNER_KEY.test(input.key)) throw new PartnerInputError('key: 2–40 characters a-z 0-9 _ -, starting with a letter or digit');
  if (!input.name.trim() || input.name.length > 100) throw new PartnerInputError('name: 1–100 characters');
  if (input.scopes.length === 0) throw new PartnerInputError('at least one --scope (a unit key such as ca:220102)');
  for (const scope of input.scopes) if (!(await findUnitByKey(db, scope))) throw new PartnerInputError(`no unit ${scope}`);
  if (input.webhookUrl && !/^https?:\/\/[^\s]+$/.test(input.webhookUrl)) throw new PartnerInputError('webhook: an http(s) URL');
  if (input.publicKey) checkPublicKey(input.publicKey);
  const uploads = input.uploadsAtOnce ?? DEFAULT_UPLOADS_AT_ONCE;
  if (!Number.isInteger(uploads) || uploads < 1 || uploads > MAX_UPLOADS_AT_ONCE) throw new PartnerInputError(`uploads at once: a whole number, 1 to ${MAX_UPLOADS_AT_ONCE}`);
  if (await repo.findPartnerByKey(db, input.key)) throw new PartnerInputError(`partner ${input.key} exists`);
  const secret = newSecret();
  const row = await repo.insertPartner(db, {
    key: input.key,
    name: input.name.trim(),
    scopes: JSON.stringify(input.scopes),
    secretSealed: seal(partnerSecretKey(keys), secret, `exchange-partner:${input.key}`),
    publicKey: input.publicKey ?? null,
    webhookUrl: input.webhookUrl ?? null,
    requestsPerMinute: input.requestsPerMinute ?? 120,
    uploadsAtOnce: uploads,
    createdAt: now,
  });
  return { partner: openPartner(keys, row), secret };
}

/** The HMAC key of a partner's secret text (as printed at creation): its UTF-8 bytes. */
export function secretFromText(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/**
 * Disables a partner (its signed requests are answered 403 partner_disabled, no webhook goes to it;
 * its status events wait, in order, until it is enabled again) or enables it. Read on every
 * request from the database, so it takes effect at once on every node. Returns the partner.
 */
export async function setPartnerDisabled(db: Executor, keys: Pick<Keys, 'identity'>, key: string, disabled: boolean, now = Date.now()): Promise<Partner> {
  const row = await repo.findPartnerByKey(db, key);
  if (!row) throw new PartnerInputError(`no partner ${key}`);
  // Disabling again keeps the first moment.
  if (disabled === (row.disabledAt !== null)) return openPartner(keys, row);
  const disabledAt = disabled ? now : null;
  await repo.setPartnerDisabledAt(db, key, disabledAt);
  // The row just read, with the one column written: no second read.
  return openPartner(keys, { ...row, disabledAt });
}

/**
 * Gives a partner a new secret (and, for a partner that signs with Ed25519, optionally a new public
 * key). The old secret and key are refused from the next request on: no overlap, since a rotation is
 * what an operator does when a secret may have leaked. Returns the new secret text, shown once.
 */
export async function rotatePartnerSecret(db: Executor, keys: Pick<Keys, 'identity'>, key: string, publicKey?: string): Promise<{ partner: Partner; secret: string }> {
  if (publicKey !== undefined) checkPublicKey(publicKey);
  const secret = newSecret();
  if (!(await repo.replacePartnerSecret(db, key, seal(partnerSecretKey(keys), secret, `exchange-partner:${key}`), publicKey))) throw new PartnerInputError(`no partner ${key}`);
  return { partner: (await partnerByKey(db, keys, key))!, secret };
}


/**
 * Key rotation (npm run keys:rotate): re-seals the secrets of partners after `afterId` still sealed
 * under the other profile into `to`, in one transaction. A secret rotated by an operator meanwhile
 * is left alone (compare-and-set on the old value); one that does not open is reported by id.
 */
export async function resealPartnerSecrets(deps: { db: Executor; keys: Pick<Keys, 'identity'> }, to: CryptoProfileName, afterId: number, limit: number): Promise<{ resealed: number; failed: number[]; next: number | null }> {
  const failed: number[] = [];
  let resealed = 0;
  let rows: repo.PartnerRow[] = [];
  await withTransaction(deps.db, async (tx) => {
    rows = await repo.partnersNotSealedAs(tx, sealVersion(to), afterId, limit);
    for (const row of rows) {
      if (sealedProfile(row.secretSealed) === to) continue;
      const context = `exchange-partner:${row.key}`;
      let next: Buffer;
      try {
        next = sealWith(to, partnerSecretKey(deps.keys), unseal(partnerSecretKey(deps.keys), row.secretSealed, context), context);
      } catch {
        failed.push(row.id);
        continue;
      }
      if (await repo.replaceSealedSecret(tx, row.id, row.secretSealed, next)) resealed++;
    }
  });
  return { resealed, failed, next: rows.length === limit ? rows.at(-1)!.id : null };
}

/** Partners whose secret is still sealed under a profile other than `to`. */
export async function partnerSecretsToReseal(deps: { db: Executor }, to: CryptoProfileName): Promise<number> {
  return repo.countPartnersNotSealedAs(deps.db, sealVersion(to));
}
