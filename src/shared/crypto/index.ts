// The one crypto module (issue 23). Features call seal/unseal, mac (keyed hash), sameDigest,
// signManifest, the password hash and the stored files' chunk cipher — never an algorithm by name,
// and never a file of this folder but this one (test/shared/crypto/boundary.test.ts); the profile
// (SUNSHINE_CRYPTO=intl|sm) decides what is written, the stored version what is read.
export { activeProfile, CRYPTO_PROFILES, parseCryptoProfile, useCryptoProfile, type CryptoProfileName } from './profile.js';
export { keyFor, type KeyFamily } from './key-family.js';
export { deriveFamily, keyFromSecret, masterKeyFingerprint, randomToken, subkeyFamily } from './derive.js';
export { seal, sealedProfile, sealJson, sealVersion, sealWith, unseal, unsealJson } from './seal.js';
export { mac, macCandidates, macProfile, macWith, sameDigest, SM_MAC_PREFIX, verifyMac } from './mac.js';
export { registerSigner, signerFor, signManifest, sm2PublicKeyPem, SM2_DEFAULT_ID, verifySm2, type ManifestSigner } from './sm2.js';
export { sm2Digest, signDigest, verifySm2Digest } from './sm2.js';
export { fileKeyProvider, givenKeyProvider, KEY_FILE_NAME, type KeyProvider } from './key-provider.js';
export { FILE_CHUNK_TAG_BYTES, fileChunkCipher, singleStreamDecipher, type FileChunkCipher, type SealedFile, type StreamDecipher } from './file-chunks.js';
export { passwordHash, passwordHashNeedsRehash, verifyPasswordHash } from './password-hash.js';
export { default as sm2PublicKeyRoutes, SM2_PUBLIC_KEY_PATH } from './public-key-route.js';
