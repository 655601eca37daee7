// The names features have always imported, kept so that no caller changes with issue 23. The
// primitives and both profiles live in ./crypto/ (see its index.ts); `hmacHex` is the keyed hash
// (mac) under the active profile: 64 hex digits under intl, "sm3:" + 64 hex digits under sm.
export { keyFromSecret, randomToken, sameDigest, seal, sealJson, unseal, unsealJson } from './crypto/index.js';
export { mac as hmacHex } from './crypto/index.js';
