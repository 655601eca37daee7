// Signed requests and webhooks of the exchange API. Both sides use these functions: the API checks
// a partner's request with them, the webhook sender signs with them, and a partner (or the test's
// simulated partner) can sign with them.
//
// A request carries five headers: X-Sunshine-Partner (the partner's key), X-Sunshine-Timestamp (Unix
// seconds), X-Sunshine-Nonce (16–64 characters of A–Z a–z 0–9 _ -, never used twice),
// X-Sunshine-Content-SHA256 (hex SHA-256 of the exact body bytes; of nothing for a GET) and
// X-Sunshine-Signature: hex HMAC-SHA256 under the partner's secret — or base64 Ed25519 under its
// registered key — of the canonical request:
//   METHOD \n PATH-WITH-QUERY \n TIMESTAMP \n NONCE \n CONTENT-SHA256
// A webhook carries X-Sunshine-Timestamp and X-Sunshine-Signature: hex HMAC-SHA256 under the same
// secret of TIMESTAMP \n BODY, with X-Sunshine-Event-Id to drop a repeat.
import crypto from 'node:crypto';

export const SIGNATURE_HEADERS = {
  partner: 'x-sunshine-partner',
  timestamp: 'x-sunshine-timestamp',
  nonce: 'x-sunshine-nonce',
  contentSha256: 'x-sunshine-content-sha256',
  signature: 'x-sunshine-signature',
  eventId: 'x-sunshine-event-id',
} as const;

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;
export const EMPTY_SHA256 = crypto.createHash('sha256').update('').digest('hex');

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

export function canonicalRequest(method: string, pathWithQuery: string, timestamp: string, nonce: string, contentSha256: string): string {
  return [method.toUpperCase(), pathWithQuery, timestamp, nonce, contentSha256].join('\n');
}

export function hmacSignature(secret: Buffer, text: string): string {
  return crypto.createHmac('sha256', secret).update(text).digest('hex');
}

/** Constant-time check of a hex HMAC. */
export function hmacMatches(secret: Buffer, text: string, signature: string): boolean {
  if (!SHA256_HEX.test(signature)) return false;
  return crypto.timingSafeEqual(Buffer.from(hmacSignature(secret, text), 'hex'), Buffer.from(signature, 'hex'));
}

/** An Ed25519 signature (base64) of `text` by the partner's registered public key (SPKI PEM). */
export function ed25519Matches(publicKeyPem: string, text: string, signature: string): boolean {
  try {
    return crypto.verify(null, Buffer.from(text), crypto.createPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export interface SignedRequest {
  method: string;
  /** Path and query string exactly as sent. */
  path: string;
  /** The body's SHA-256 (hex); the hash of nothing when omitted. */
  contentSha256?: string;
  timestamp?: number;
  nonce?: string;
}

/** The five headers of a request signed with a shared secret (what a partner sends). */
export function signRequest(partnerKey: string, secret: Buffer, request: SignedRequest): Record<string, string> {
  const timestamp = String(request.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = request.nonce ?? crypto.randomBytes(18).toString('base64url');
  const contentSha256 = request.contentSha256 ?? EMPTY_SHA256;
  return {
    [SIGNATURE_HEADERS.partner]: partnerKey,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.contentSha256]: contentSha256,
    [SIGNATURE_HEADERS.signature]: hmacSignature(secret, canonicalRequest(request.method, request.path, timestamp, nonce, contentSha256)),
  };
}

/** The headers of a webhook (what the portal sends). */
export function signWebhook(secret: Buffer, body: string, eventId: string, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  return {
    'content-type': 'application/json',
    [SIGNATURE_HEADERS.eventId]: eventId,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.signature]: hmacSignature(secret, `${timestamp}\n${body}`),
  };
}

/** A partner's check of a webhook (exported for partners and the tests). */
export function webhookMatches(secret: Buffer, body: string, headers: Record<string, string | string[] | undefined>): boolean {
  const timestamp = headers[SIGNATURE_HEADERS.timestamp];
  const signature = headers[SIGNATURE_HEADERS.signature];
  return typeof timestamp === 'string' && typeof signature === 'string' && hmacMatches(secret, `${timestamp}\n${body}`, signature);
}
