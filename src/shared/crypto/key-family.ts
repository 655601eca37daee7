// A purpose key (identity, files, audit-mac, …) exists once per profile: HKDF-SHA256 derives the
// `intl` member from the master key, HKDF-SM3 the `sm` member, so no SM value is ever keyed through
// SHA-256 and no AES value through SM3. Features hold one Buffer per purpose (app.keys.identity);
// the other members travel with it in this registry, so unseal() of a value written under the
// other profile finds the key that wrote it (both profiles read at once, issue 23).
//
// A Buffer that is not in a family (a test's key, a caller's own) is used as-is for every profile.
import type { CryptoProfileName } from './profile.js';

export type KeyFamily = Record<CryptoProfileName, Buffer>;

const families = new WeakMap<Buffer, KeyFamily>();

/** Registers the members as one family; returns the member of `active`. */
export function keyFamily(members: KeyFamily, active: CryptoProfileName): Buffer {
  for (const key of Object.values(members)) families.set(key, members);
  return members[active];
}

/** The member of `key`'s family for `profile`, or `key` itself when it has no family. */
export function keyFor(key: Buffer, profile: CryptoProfileName): Buffer {
  return families.get(key)?.[profile] ?? key;
}
