// The signed link entry (issue 23): where the audit chain moves from HMAC-SHA256 (intl) to HMAC-SM3
// (sm), one `audit.mac_switched` entry says so. Its detail names both profiles and the previous
// head (id and MAC) and carries an SM2 signature over them (the manifest-signing key, whose public
// key the site publishes), and the entry itself is MACed under the new profile. Every other entry
// carries the MAC profile of the entry before it, so a chain that changes profile without a link,
// or goes back from sm to intl (a downgrade: no link may point that way), does not verify.
//
// Pure functions and the registry of signing keys; writing the link is profile-link.ts.
import { keyFor, macProfile, sameDigest, signerFor, verifySm2, type CryptoProfileName } from '../shared/crypto/index.js';

export const LINK_ACTION = 'audit.mac_switched';
const GENESIS = '0'.repeat(64);

/** What the chain code needs of the portal's keys (app.keys, or deriveKeys in a command). */
export interface ChainKeys {
  'audit-mac': Buffer;
  'manifest-signing': Buffer;
}

/** The one direction a link may take: upwards to the national algorithms, never back. */
export function isUpgrade(from: CryptoProfileName | null, to: CryptoProfileName): boolean {
  return from === 'intl' && to === 'sm';
}

/** The MAC profile the chain is in after an entry with this MAC; null at the start (any may begin it). */
export function chainProfileAfter(mac: string): CryptoProfileName | null {
  return sameDigest(mac, GENESIS) ? null : macProfile(mac);
}

interface LinkSigner {
  seed: Buffer;
  readonly publicKeyHex: string;
}

// The SM2 key of the links, by audit key (each member of its family): record() and the verifiers
// receive the audit key alone, so a process registers its keys once (registerChainKeys).
const signers = new WeakMap<Buffer, LinkSigner>();

/**
 * Makes the manifest-signing key known for `keys['audit-mac']`: appends can then write the link
 * when the profile switches, and verification checks links against this public key rather than the
 * one the link names. The seed's `sm` member signs, whichever profile the keys were derived under,
 * so a link has one key (the one the site publishes under `sm`).
 */
export function registerChainKeys(keys: ChainKeys): void {
  const seed = keyFor(keys['manifest-signing'], 'sm');
  // The public key is worked out when a link is first written or checked (signerFor keeps it): most
  // chains never switch profile, and a node on intl then never loads the SM2 library.
  const signer: LinkSigner = { seed, get publicKeyHex() { return signerFor(seed).publicKeyHex; } };
  const audit = keys['audit-mac'];
  for (const member of [audit, keyFor(audit, 'intl'), keyFor(audit, 'sm')]) signers.set(member, signer);
}

export function linkSignerFor(auditKey: Buffer): LinkSigner | undefined {
  return signers.get(auditKey);
}

export interface LinkDetail {
  from: CryptoProfileName;
  to: CryptoProfileName;
  previousId: number;
  previousMac: string;
  /** The SM2 public key (04 ‖ x ‖ y, hex) that made the signature, for a reader outside the portal. */
  publicKey: string;
  /** DER SM2 signature (SM3, default ID) of linkSignedText, hex. */
  signature: string;
}

/** The bytes the SM2 signature covers: a fixed label and the four fields in fixed order. */
export function linkSignedText(d: Pick<LinkDetail, 'from' | 'to' | 'previousId' | 'previousMac'>): Buffer {
  return Buffer.from(`sunshine audit mac switch\n${JSON.stringify([d.from, d.to, d.previousId, d.previousMac])}`, 'utf8');
}

/** The detail of a link from the head `previous` (its id and MAC) to `to`, signed. */
export function linkDetail(signer: LinkSigner, from: CryptoProfileName, to: CryptoProfileName, previous: { id: number; mac: string }): LinkDetail {
  const fields = { from, to, previousId: previous.id, previousMac: previous.mac };
  return { ...fields, publicKey: signer.publicKeyHex, signature: signerFor(signer.seed).sign(linkSignedText(fields)).toString('hex') };
}

interface EntryLike {
  id: number | bigint | string;
  actorType: string;
  action: string;
  detail: string | null;
  prevMac: string;
  mac: string;
}

/**
 * Whether `e` may follow an entry whose MAC is `e.prevMac` as far as profiles go (its MAC and link
 * are checked elsewhere): an ordinary entry stays in the profile of the one before; a link entry
 * must be a well-formed, correctly signed upgrade from exactly that entry. `trusted`: the registered
 * signer whose public key the signature must be under; without it, the key the link names. Its key
 * is read for a link entry only (working it out loads the SM2 library).
 */
export function profileHolds(e: EntryLike, trusted?: Pick<LinkSigner, 'publicKeyHex'>): boolean {
  const before = chainProfileAfter(e.prevMac);
  const own = macProfile(e.mac);
  if (own === null) return false;
  if (e.action !== LINK_ACTION) return before === null || own === before;
  let d: Partial<LinkDetail>;
  try {
    d = JSON.parse(e.detail ?? 'null') as Partial<LinkDetail>;
  } catch {
    return false;
  }
  if (!d || typeof d !== 'object' || typeof d.previousMac !== 'string' || typeof d.signature !== 'string' || typeof d.publicKey !== 'string') return false;
  if (e.actorType !== 'system' || d.from !== before || d.to !== own || !isUpgrade(before, own)) return false;
  if (d.previousId !== Number(e.id) - 1 || !sameDigest(d.previousMac, e.prevMac)) return false;
  const trustedKey = trusted?.publicKeyHex;
  if (trustedKey !== undefined && d.publicKey.toLowerCase() !== trustedKey.toLowerCase()) return false;
  if (!/^[0-9a-f]+$/i.test(d.signature) || d.signature.length % 2 !== 0) return false;
  return verifySm2(trustedKey ?? d.publicKey, linkSignedText({ from: d.from, to: d.to, previousId: d.previousId, previousMac: d.previousMac }), Buffer.from(d.signature, 'hex'));
}
