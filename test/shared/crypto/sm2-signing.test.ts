// SM2 manifest signatures (issue 23): made with the default ID and SM3, DER-encoded, verifiable by
// Debian's openssl with the public key the site publishes; the key follows the master key.
import crypto from 'node:crypto';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../src/plugins/keys.js';
import { signerFor, signManifest, sm2PublicKeyPem, verifySm2 } from '../../../src/shared/crypto/index.js';
import sm2PublicKeyRoutes, { SM2_PUBLIC_KEY_PATH } from '../../../src/shared/crypto/public-key-route.js';
import { haveOpenssl, opensslVerifies } from '../../helpers/sm2-openssl.js';
import { derSignature } from './der.js';

const master = crypto.randomBytes(32);
const seed = deriveKeys(master)['manifest-signing'];
const manifest = Buffer.from(JSON.stringify({ packet: 'referral-2026-0001', files: [{ name: '材料.pdf', sha256: 'ab'.repeat(32) }] }, null, 2) + '\n');

describe('signManifest', () => {
  it('gives a DER signature that verifies with the published key, the default ID and SM3', () => {
    const signature = signManifest(seed, manifest);
    expect(signature[0]).toBe(0x30); // a DER SEQUENCE of r and s
    const publicKey = signerFor(seed).publicKeyHex;
    expect(verifySm2(publicKey, manifest, signature)).toBe(true);
    expect(verifySm2(publicKey, Buffer.concat([manifest, Buffer.from(' ')]), signature)).toBe(false);
  });

  it('signs with the key the master key determines: the same on every node, another for another master', () => {
    expect(signerFor(deriveKeys(master)['manifest-signing']).publicKeyHex).toBe(signerFor(seed).publicKeyHex);
    expect(signerFor(deriveKeys(crypto.randomBytes(32))['manifest-signing']).publicKeyHex).not.toBe(signerFor(seed).publicKeyHex);
  });

  it.skipIf(!haveOpenssl)('verifies with openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678', () => {
    const pem = sm2PublicKeyPem(signerFor(seed).publicKeyHex);
    const signature = signManifest(seed, manifest);
    expect(opensslVerifies(pem, manifest, signature)).toBe(true);
    // The distinguishing ID is inside the signed digest: another ID, or another message, fails.
    expect(opensslVerifies(pem, manifest, signature, 'ALICE123@YAHOO.COM')).toBe(false);
    expect(opensslVerifies(pem, Buffer.from(manifest.toString().replace('0001', '0002')), signature)).toBe(false);
  });

  it.skipIf(!haveOpenssl)('and openssl verifies the published GM/T 0003.5 vector through the same PEM encoding', () => {
    const publicKey =
      '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13';
    const signature = derSignature('f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3', 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa');
    expect(opensslVerifies(sm2PublicKeyPem(publicKey), Buffer.from('message digest'), signature)).toBe(true);
  });
});

describe(`GET ${SM2_PUBLIC_KEY_PATH}`, () => {
  it('publishes the public key of the signing key as PEM', async () => {
    const app = Fastify();
    await app.register(sm2PublicKeyRoutes, { seed });
    const res = await app.inject({ method: 'GET', url: SM2_PUBLIC_KEY_PATH });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-pem-file/);
    expect(res.body).toBe(sm2PublicKeyPem(signerFor(seed).publicKeyHex));
    // A well-formed SubjectPublicKeyInfo (Node names its type differently from version to version).
    expect(() => crypto.createPublicKey(res.body)).not.toThrow();
  });
});

describe('the published key on the portal', () => {
  it('is served by the app at /.well-known/sunshine-sm2.pem and verifies what the portal signs', async () => {
    const { makeApp } = await import('../../helpers/app.js');
    const t = await makeApp();
    try {
      const res = await t.app.inject(SM2_PUBLIC_KEY_PATH);
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      const signature = signManifest(t.app.keys['manifest-signing'], manifest);
      if (haveOpenssl) expect(opensslVerifies(res.body, manifest, signature)).toBe(true);
      expect(res.body).toBe(sm2PublicKeyPem(signerFor(t.app.keys['manifest-signing']).publicKeyHex));
    } finally {
      await t.close();
    }
  });
});

describe('one SM2 key per portal, whichever profile runs', () => {
  it('publishes and signs with the same key under intl and under sm', () => {
    const m = crypto.randomBytes(32);
    const underIntl = signerFor(deriveKeys(m, 'intl')['manifest-signing']).publicKeyHex;
    const underSm = signerFor(deriveKeys(m, 'sm')['manifest-signing']).publicKeyHex;
    expect(underIntl).toBe(underSm);
  });
});
