// SM2 signatures (GB/T 32918.2) on documents that leave the system — the referral packet's
// manifest, audit archives, the notices' manifest — so a recipient can verify them with the public
// key published at /.well-known/sunshine-sm2.pem (public-key-route.ts) and Debian's openssl:
//   openssl pkeyutl -verify -pubin -inkey sunshine-sm2.pem -rawin -digest sm3 \
//     -pkeyopt distid:1234567812345678 -in manifest.json -sigfile manifest.sig
// Node's OpenSSL SM2 cannot set the distinguishing ID that GB/T 32918.2 puts into Z_A, so the
// signature is made with sm-crypto-v2 (pinned in package.json; on @noble/curves): e = SM3(Z_A ‖ M)
// with the default ID 1234567812345678, and the signature DER-encoded (r, s) as openssl expects.
//
// The private key is derived from a 32-byte seed (keys['manifest-signing'], itself derived from the
// master key with HKDF-SM3): every node of a cluster signs with the same key, and the key lives
// wherever the master key lives (key-provider.ts), with nothing more to back up. A hardware module
// that holds its own SM2 key registers a signer for the seed instead (registerSigner).
import crypto from 'node:crypto';
import type * as SmCrypto from 'sm-crypto-v2';
import { lazyRequire } from '../lazy-require.js';
import { hkdfSm } from './sm.js';
import { keyFor } from './key-family.js';

// Loaded at the first SM2 signature or key (≈ 8 MB resident): a node on the intl profile never needs it.
const smCrypto = lazyRequire<typeof SmCrypto>('sm-crypto-v2');

export const SM2_DEFAULT_ID = '1234567812345678';
/** The order n of the SM2 curve (GB/T 32918.5). */
const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
/** SubjectPublicKeyInfo up to the point: id-ecPublicKey with the curve sm2p256v1 (1.2.156.10197.1.301). */
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

export interface ManifestSigner {
  /** The uncompressed public key point, 04 ‖ x ‖ y, in hex. */
  readonly publicKeyHex: string;
  /** The DER signature of `bytes` (SM3 digest over Z_A ‖ bytes, the default ID). */
  sign(bytes: Buffer): Buffer;
  /**
   * The DER signature of a message given by its digest e = SM3(Z_A ‖ M) (sm2Digest), for a file too
   * large to hold in memory (an audit archive). A hardware module signs this way too (GM/T 0018
   * SDF_InternalSign_ECC takes e); a signer without it signs whole messages only.
   */
  signDigest?(e: Buffer): Buffer;
}

/** The private key (64 hex digits) for a seed: HKDF-SM3 output reduced into [1, n-2]. */
export function sm2PrivateKeyFromSeed(seed: Buffer): string {
  // 40 bytes for a 256-bit modulus: the bias of the reduction is below 2^-64 (FIPS 186-5 A.2.1).
  const wide = BigInt('0x' + hkdfSm(seed, '', 'sunshine sm2 manifest signing key', 40).toString('hex'));
  return ((wide % (SM2_N - 2n)) + 1n).toString(16).padStart(64, '0');
}

export function sm2SignerFromPrivateKey(privateKeyHex: string): ManifestSigner {
  const publicKeyHex = smCrypto().sm2.getPublicKeyFromPrivateKey(privateKeyHex);
  return {
    publicKeyHex,
    sign(bytes) {
      const der = smCrypto().sm2.doSignature(new Uint8Array(bytes), privateKeyHex, { der: true, hash: true, publicKey: publicKeyHex, userId: SM2_DEFAULT_ID });
      return Buffer.from(der, 'hex');
    },
    signDigest(e) {
      if (e.length !== 32) throw new TypeError('signDigest takes the 32-byte SM3 digest e = SM3(Z_A ‖ M)');
      return Buffer.from(smCrypto().sm2.doSignature(new Uint8Array(e), privateKeyHex, { der: true, hash: false }), 'hex');
    },
  };
}

const signers = new WeakMap<Buffer, ManifestSigner>();

/** For a key provider whose SM2 key stays in a device: the signer to use for `seed`. */
export function registerSigner(seed: Buffer, signer: ManifestSigner): void {
  signers.set(seed, signer);
}

/**
 * The signer of `seed` (keys['manifest-signing']). An SM2 key is always made from the family's sm
 * member, whichever profile is active: one portal has one published key (/.well-known/sunshine-sm2.pem)
 * for its packets, archives and the audit chain's link entry, before and after a switch.
 */
export function signerFor(seed: Buffer): ManifestSigner {
  const own = signers.get(seed);
  if (own) return own;
  const sm = keyFor(seed, 'sm');
  let signer = signers.get(sm);
  if (!signer) {
    signer = sm2SignerFromPrivateKey(sm2PrivateKeyFromSeed(sm));
    signers.set(sm, signer);
  }
  return signer;
}

/** The DER SM2 signature of a manifest (pass keys['manifest-signing']). */
export function signManifest(seed: Buffer, bytes: Buffer): Buffer {
  return signerFor(seed).sign(bytes);
}

/** Whether `signature` (DER) is a valid SM2 signature of `bytes` under `publicKeyHex` and `id`. */
export function verifySm2(publicKeyHex: string, bytes: Buffer, signature: Buffer, id = SM2_DEFAULT_ID): boolean {
  try {
    return smCrypto().sm2.doVerifySignature(new Uint8Array(bytes), signature.toString('hex'), publicKeyHex, { der: true, hash: true, userId: id });
  } catch {
    return false;
  }
}

/** The public key as a PEM SubjectPublicKeyInfo, as openssl reads it with -pubin. */
export function sm2PublicKeyPem(publicKeyHex: string): string {
  const der = Buffer.concat([SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]);
  return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END PUBLIC KEY-----\n`;
}

/**
 * A hash that gives e = SM3(Z_A ‖ M) (GB/T 32918.2 §6.1 A1–A2) for a message fed in pieces: Z_A from
 * the public key and the ID, then the message. `digest()` is what signDigest signs and what
 * verifySm2Digest checks, and openssl's `pkeyutl -rawin -digest sm3 -pkeyopt distid:…` computes the
 * same over the whole file.
 */
export function sm2Digest(publicKeyHex: string, id = SM2_DEFAULT_ID): crypto.Hash {
  return crypto.createHash('sm3').update(Buffer.from(smCrypto().sm2.getZ(publicKeyHex, id)));
}

/** The DER SM2 signature of the message whose sm2Digest (under this seed's public key) is `e`. */
export function signDigest(seed: Buffer, e: Buffer): Buffer {
  const signer = signerFor(seed);
  if (!signer.signDigest) throw new Error('this SM2 signer signs whole messages only (no signDigest)');
  return signer.signDigest(e);
}

/** Whether `signature` (DER) is a valid SM2 signature, under `publicKeyHex`, of the message whose sm2Digest is `e`. */
export function verifySm2Digest(publicKeyHex: string, e: Buffer, signature: Buffer): boolean {
  try {
    return e.length === 32 && smCrypto().sm2.doVerifySignature(new Uint8Array(e), signature.toString('hex'), publicKeyHex, { der: true, hash: false });
  } catch {
    return false;
  }
}
