// The crypto profile (issue 23): what each profile writes, that both are read at once, and that a
// value altered or moved to another row or key does not open.
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { hmacHex, keyFromSecret, sameDigest, seal, sealJson, unseal, unsealJson } from '../../../src/shared/crypto.js';
import { activeProfile, keyFor, macCandidates, macProfile, macWith, parseCryptoProfile, sealedProfile, sealWith, useCryptoProfile, verifyMac } from '../../../src/shared/crypto/index.js';
import { deriveKeys, KEY_PURPOSES } from '../../../src/plugins/keys.js';

const start = activeProfile();
afterEach(() => {
  useCryptoProfile(start);
});

describe('SUNSHINE_CRYPTO', () => {
  it('defaults to intl and accepts intl or sm only', () => {
    expect(parseCryptoProfile(undefined)).toBe('intl');
    expect(parseCryptoProfile('')).toBe('intl');
    expect(parseCryptoProfile(' SM ')).toBe('sm');
    expect(() => parseCryptoProfile('gm')).toThrow(/SUNSHINE_CRYPTO/);
  });
});

describe('purpose keys', () => {
  const master = crypto.randomBytes(32);

  it('under intl are the HKDF-SHA256 keys of every earlier release', () => {
    const keys = deriveKeys(master, 'intl');
    for (const purpose of KEY_PURPOSES) {
      expect(keys[purpose]).toEqual(Buffer.from(crypto.hkdfSync('sha256', master, Buffer.from('sunshine/v1'), Buffer.from(purpose), 32)));
    }
  });

  it('under sm are HKDF-SM3 keys, distinct per purpose, with the intl key of the same family beside them', () => {
    const sm = deriveKeys(master, 'sm');
    const intl = deriveKeys(master, 'intl');
    expect(sm.identity).toEqual(Buffer.from(crypto.hkdfSync('sm3', master, Buffer.from('sunshine/sm/v1'), Buffer.from('identity'), 32)));
    expect(new Set(KEY_PURPOSES.map((p) => sm[p].toString('hex'))).size).toBe(KEY_PURPOSES.length);
    expect(keyFor(sm.identity, 'intl')).toEqual(intl.identity);
    expect(keyFor(intl.identity, 'sm')).toEqual(sm.identity);
  });
});

describe('seal and unseal', () => {
  const keys = deriveKeys(crypto.randomBytes(32));

  it('write version 1 (AES-256-GCM) under intl and version 2 (SM4-CTR + HMAC-SM3) under sm', () => {
    useCryptoProfile('intl');
    const a = seal(keys.identity, '李秀兰', 'report:1');
    useCryptoProfile('sm');
    const b = seal(keys.identity, '李秀兰', 'report:1');
    expect([a[0], b[0]]).toEqual([1, 2]);
    expect([sealedProfile(a), sealedProfile(b)]).toEqual(['intl', 'sm']);
    // 1 + 12-byte nonce + 32-byte HMAC-SM3 tag + the 9 bytes of the UTF-8 name.
    expect(b.length).toBe(1 + 12 + 32 + Buffer.byteLength('李秀兰'));
  });

  it('read values of both profiles whichever is active', () => {
    const values = (['intl', 'sm'] as const).map((p) => sealWith(p, keys.identity, 'secret', 'totp:7'));
    for (const profile of ['intl', 'sm'] as const) {
      useCryptoProfile(profile);
      for (const v of values) expect(unseal(keys.identity, v, 'totp:7').toString()).toBe('secret');
    }
  });

  it('under sm refuse a flipped bit anywhere, another context, another key, a cut value', () => {
    useCryptoProfile('sm');
    const sealed = sealJson(keys.identity, { name: '王伟', phone: '13900000000' }, 'report:9');
    expect(unsealJson(keys.identity, sealed, 'report:9')).toEqual({ name: '王伟', phone: '13900000000' });
    for (let i = 1; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i]! ^= 0x01;
      expect(() => unseal(keys.identity, bad, 'report:9')).toThrow();
    }
    expect(() => unseal(keys.identity, sealed, 'report:10')).toThrow();
    expect(() => unseal(keys.session, sealed, 'report:9')).toThrow();
    expect(() => unseal(deriveKeys(crypto.randomBytes(32)).identity, sealed, 'report:9')).toThrow();
    expect(() => unseal(keys.identity, sealed.subarray(0, sealed.length - 1), 'report:9')).toThrow();
    expect(() => unseal(keys.identity, sealed.subarray(0, 20), 'report:9')).toThrow();
  });

  it('refuse a value whose version byte was changed to the other profile, and an unknown version', () => {
    const sm = sealWith('sm', keys.identity, 'x'.repeat(40), 'c');
    const asIntl = Buffer.from(sm);
    asIntl[0] = 1;
    expect(() => unseal(keys.identity, asIntl, 'c')).toThrow();
    const unknown = Buffer.from(sm);
    unknown[0] = 9;
    expect(() => unseal(keys.identity, unknown, 'c')).toThrow(/not a sealed value/);
  });

  it('never reuse a nonce: the same plaintext seals differently each time', () => {
    const a = sealWith('sm', keys.identity, 'same', 'c');
    const b = sealWith('sm', keys.identity, 'same', 'c');
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(a.subarray(45).equals(b.subarray(45))).toBe(false);
  });

  it('with a key from a client secret, read across profiles too (the receipt retry)', () => {
    useCryptoProfile('intl');
    const sealed = seal(keyFromSecret('nonce-1', 'receipt-retry'), 'A1B2C3');
    useCryptoProfile('sm');
    expect(unseal(keyFromSecret('nonce-1', 'receipt-retry'), sealed).toString()).toBe('A1B2C3');
    expect(seal(keyFromSecret('nonce-1', 'receipt-retry'), 'A1B2C3')[0]).toBe(2);
  });
});

describe('MACs and keyed hashes', () => {
  const keys = deriveKeys(crypto.randomBytes(32));

  it('name their algorithm: bare hex for HMAC-SHA256, "sm3:" for HMAC-SM3', () => {
    useCryptoProfile('intl');
    const intl = hmacHex(keys['id-hash'], 'id-number:110101199003070011');
    expect(intl).toMatch(/^[0-9a-f]{64}$/);
    expect(intl).toBe(crypto.createHmac('sha256', keyFor(keys['id-hash'], 'intl')).update('id-number:110101199003070011').digest('hex'));
    useCryptoProfile('sm');
    const sm = hmacHex(keys['id-hash'], 'id-number:110101199003070011');
    expect(sm).toBe('sm3:' + crypto.createHmac('sm3', keyFor(keys['id-hash'], 'sm')).update('id-number:110101199003070011').digest('hex'));
    expect([macProfile(intl), macProfile(sm), macProfile('sm3:zz'), macProfile('')]).toEqual(['intl', 'sm', null, null]);
  });

  it('are equal for equal input under one profile, so lookups by equality keep working', () => {
    expect(macWith('sm', keys['receipt-lookup'], 'query-code:X')).toBe(macWith('sm', keys['receipt-lookup'], 'query-code:X'));
    expect(macWith('sm', keys['receipt-lookup'], 'query-code:X')).not.toBe(macWith('sm', keys['receipt-lookup'], 'query-code:Y'));
  });

  it('can be looked up under both profiles, the active one first', () => {
    useCryptoProfile('sm');
    const both = macCandidates(keys['receipt-lookup'], 'query-code:1');
    expect(both).toEqual([macWith('sm', keys['receipt-lookup'], 'query-code:1'), macWith('intl', keys['receipt-lookup'], 'query-code:1')]);
    useCryptoProfile('intl');
    expect(macCandidates(keys['receipt-lookup'], 'query-code:1')).toEqual([both[1], both[0]]);
  });

  it('verify under the algorithm they name, whichever profile is active', () => {
    const old = macWith('intl', keys['audit-mac'], 'entry 1');
    const now = macWith('sm', keys['audit-mac'], 'entry 1');
    for (const profile of ['intl', 'sm'] as const) {
      useCryptoProfile(profile);
      expect(verifyMac(keys['audit-mac'], 'entry 1', old)).toBe(true);
      expect(verifyMac(keys['audit-mac'], 'entry 1', now)).toBe(true);
      expect(verifyMac(keys['audit-mac'], 'entry 2', now)).toBe(false);
      expect(verifyMac(keys['audit-mac'], 'entry 1', now.slice(4))).toBe(false);
    }
  });

  it('compare in constant time, never equal across algorithms or for text that is not hex', () => {
    const d = macWith('sm', keys['audit-mac'], 'x');
    expect(sameDigest(d, d)).toBe(true);
    expect(sameDigest(d, d.slice(4))).toBe(false);
    expect(sameDigest('0'.repeat(64), '0'.repeat(64))).toBe(true);
    expect(sameDigest('zz', 'yy')).toBe(false);
    expect(sameDigest('', '')).toBe(false);
    expect(sameDigest('ab', 'abcd')).toBe(false);
  });
});
