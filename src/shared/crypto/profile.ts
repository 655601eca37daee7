// Which family of algorithms the portal writes with (issue 23): `intl` (AES-256-GCM, HMAC-SHA256,
// HKDF-SHA256, the default for existing installs) or `sm` (SM4-CTR + HMAC-SM3, HKDF-SM3, SM2), the
// national algorithms a 密评 (GB/T 39786-2021) asks for. The profile only decides what is WRITTEN:
// every stored ciphertext and MAC carries its algorithm version, and reading dispatches on that
// version, so values of both profiles are read at once (which key rotation, issue 23 part B, needs).
//
// It is a process-wide setting, read once from SUNSHINE_CRYPTO like the database engine
// (src/db/engine.ts): seal() and the keyed hashes are plain functions that many features call with
// a key and no config, and one process never mixes two profiles for new values.
export const CRYPTO_PROFILES = ['intl', 'sm'] as const;
export type CryptoProfileName = (typeof CRYPTO_PROFILES)[number];

/** The profile named by SUNSHINE_CRYPTO; unset or empty means `intl`; anything else is an error. */
export function parseCryptoProfile(raw: string | undefined): CryptoProfileName {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return 'intl';
  if ((CRYPTO_PROFILES as readonly string[]).includes(value)) return value as CryptoProfileName;
  throw new Error(`SUNSHINE_CRYPTO must be one of ${CRYPTO_PROFILES.join(', ')} (got "${raw}")`);
}

/** A value that is not a profile is refused by loadConfig (src/config.ts) in one line; meanwhile intl. */
function initialProfile(): CryptoProfileName {
  try {
    return parseCryptoProfile(process.env.SUNSHINE_CRYPTO);
  } catch {
    return 'intl';
  }
}

let active: CryptoProfileName = initialProfile();

/** The profile new ciphertexts, MACs and password hashes are written with. */
export function activeProfile(): CryptoProfileName {
  return active;
}

/** Sets the profile (the config at start, a test, the rotation tool); returns the previous one. */
export function useCryptoProfile(name: CryptoProfileName): CryptoProfileName {
  const previous = active;
  active = name;
  return previous;
}
