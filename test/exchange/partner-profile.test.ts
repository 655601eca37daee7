// A partner's secret across a crypto-profile switch (issue 23): sealed under a key of the exchange's
// own, derived from the identity key. That key was one HKDF-SHA256 output with no SM member, so after
// SUNSHINE_CRYPTO=sm the secret no longer opened and every partner was locked out. Now the key is a
// family (one member per profile) and the secret opens under either profile.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartner, partnerByKey } from '../../src/exchange/index.js';
import { deriveKeys } from '../../src/plugins/keys.js';
import { useCryptoProfile } from '../../src/shared/crypto/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('exchange partners across a crypto-profile switch', () => {
  it('open a secret sealed under intl with the keys of a portal now running SM, and the other way round', async () => {
    const master = crypto.randomBytes(32);
    const previous = useCryptoProfile('intl');
    let secret: string;
    try {
      ({ secret } = await createPartner(t.app.db, deriveKeys(master, 'intl'), { key: 'switch-intl', name: '切换前的伙伴', scopes: ['ca:220000'] }));
    } finally {
      useCryptoProfile(previous);
    }
    useCryptoProfile('sm');
    try {
      const opened = await partnerByKey(t.app.db, deriveKeys(master, 'sm'), 'switch-intl');
      expect(opened!.secret.toString('utf8')).toBe(secret);
      const { secret: smSecret } = await createPartner(t.app.db, deriveKeys(master, 'sm'), { key: 'switch-sm', name: '切换后的伙伴', scopes: ['ca:220000'] });
      useCryptoProfile('intl');
      expect((await partnerByKey(t.app.db, deriveKeys(master, 'intl'), 'switch-sm'))!.secret.toString('utf8')).toBe(smSecret);
    } finally {
      useCryptoProfile(previous);
    }
  });
});
