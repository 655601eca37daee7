// The standard test vectors (issue 23): SM3 from GB/T 32905-2016 Appendix A, SM4 from GB/T
// 32907-2016 Appendix A, SM2 from GM/T 0003.5-2012 / GB/T 32918.5 Annex A (the example on the
// recommended curve with the default ID) — checked through the runtime's OpenSSL and the library
// the SM profile uses, so a Node upgrade that loses or breaks an algorithm fails here first.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sm2 } from 'sm-crypto-v2';
import { sm4Ctr } from '../../../src/shared/crypto/sm.js';
import { SM2_DEFAULT_ID, verifySm2 } from '../../../src/shared/crypto/index.js';
import { derSignature } from './der.js';

describe('SM3 (GB/T 32905-2016)', () => {
  it('hashes "abc" (example 1)', () => {
    expect(crypto.createHash('sm3').update('abc').digest('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
  it('hashes the 64-byte message "abcd" × 16 (example 2)', () => {
    expect(crypto.createHash('sm3').update('abcd'.repeat(16)).digest('hex')).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });
});

describe('SM4 (GB/T 32907-2016)', () => {
  const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
  const ecb = () => crypto.createCipheriv('sm4-ecb', key, null).setAutoPadding(false);

  it('encrypts the example block (example 1)', () => {
    const c = ecb();
    expect(Buffer.concat([c.update(key), c.final()]).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  // About a second on an idle core with Node 20, 22 or 24 (several on a busy CI machine): kept.
  it('encrypts the example block 1,000,000 times (example 2)', () => {
    const c = ecb();
    let block = key;
    for (let i = 0; i < 1_000_000; i++) block = c.update(block);
    expect(block.toString('hex')).toBe('595298c7c6fd271f0402f804c33d3f66');
  }, 60_000);

  it('in CTR mode gives the ECB encryption of the counter blocks as keystream', () => {
    const counter = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const next = Buffer.from(counter);
    next.writeBigUInt64BE(next.readBigUInt64BE(8) + 1n, 8);
    const c = ecb();
    const keystream = Buffer.concat([c.update(counter), c.update(next)]);
    expect(sm4Ctr(key, counter, Buffer.alloc(32))).toEqual(keystream);
  });
});

describe('SM2 (GB/T 32918.2 signature, GM/T 0003.5-2012 Annex A on the recommended curve)', () => {
  const privateKey = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8';
  const publicKey =
    '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13';
  const r = 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3';
  const s = 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa';
  const message = Buffer.from('message digest');

  it('derives the published public key from the published private key', () => {
    expect(sm2.getPublicKeyFromPrivateKey(privateKey)).toBe(publicKey);
  });

  it('verifies the published signature with the default ID, and nothing altered', () => {
    const signature = derSignature(r, s);
    expect(verifySm2(publicKey, message, signature)).toBe(true);
    expect(verifySm2(publicKey, message, signature, SM2_DEFAULT_ID)).toBe(true);
    expect(verifySm2(publicKey, Buffer.from('message digesT'), signature)).toBe(false);
    expect(verifySm2(publicKey, message, signature, 'ALICE123@YAHOO.COM')).toBe(false);
    expect(verifySm2(publicKey, message, derSignature(r, s.replace(/a$/, 'b')))).toBe(false);
  });
});
