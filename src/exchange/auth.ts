// Who is calling the exchange API: every request is signed (signature.ts) by a registered partner,
// recent (timestamp within WINDOW_MS), never seen before (its nonce is kept until the window has
// passed, so a replay is refused even after a restart or on another node) and within the partner's
// rate, from a partner not disabled. Checked in onRequest, before any body is read. No client address is stored or logged:
// partners are counted by their id.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../shared/deps.js';
import type { CounterStore } from '../shared/counters.js';
import { canonicalRequest, ed25519Matches, hmacMatches, NONCE_PATTERN, SHA256_HEX, SIGNATURE_HEADERS as H } from './signature.js';
import { partnerByKey, type Partner } from './partners.js';
import { claimNonce } from './repository.js';

/** How far a request's timestamp may be from our clock, either way. */
export const WINDOW_MS = 5 * 60_000;
const RATE_WINDOW_MS = 60_000;

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(code);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    exchangePartner: Partner | null;
    /** The body hash the signature covers: the handler checks the body against it. */
    exchangeContentSha256: string | null;
  }
}

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

/** The onRequest hook of the API routes. */
export function verifySignedRequest(deps: Deps, counters: CounterStore) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = header(request, H.partner);
    const timestamp = header(request, H.timestamp);
    const nonce = header(request, H.nonce);
    const contentSha256 = header(request, H.contentSha256);
    const signature = header(request, H.signature);
    if (!key || !timestamp || !nonce || !contentSha256 || !signature) throw new ApiError(401, 'unsigned');
    const partner = await partnerByKey(deps.db, deps.keys, key);
    // An unknown partner and a wrong signature get the same answer: keys cannot be probed.
    if (!partner) throw new ApiError(401, 'bad_signature');
    if (!/^\d{1,12}$/.test(timestamp) || !NONCE_PATTERN.test(nonce) || !SHA256_HEX.test(contentSha256)) throw new ApiError(401, 'bad_signature');
    const text = canonicalRequest(request.method, request.url, timestamp, nonce, contentSha256);
    const signed = partner.publicKey ? ed25519Matches(partner.publicKey, text, signature) : hmacMatches(partner.secret, text, signature);
    if (!signed) throw new ApiError(401, 'bad_signature');
    const at = Number(timestamp) * 1000;
    const now = Date.now();
    if (Math.abs(now - at) > WINDOW_MS) throw new ApiError(401, 'stale_timestamp');
    // Told only to a fresh, correctly signed request (others learn nothing about the key), so the
    // partner's system stops retrying blindly. Read from the database each time: at once on every node.
    if (partner.disabled) throw new ApiError(403, 'partner_disabled');
    const window = await counters.hit('exchange-partner', `partner ${partner.id}`, RATE_WINDOW_MS);
    if (window.count > partner.requestsPerMinute) {
      reply.header('Retry-After', String(Math.max(1, Math.ceil(window.resetMs / 1000))));
      throw new ApiError(429, 'rate_limited');
    }
    // Kept until the timestamp falls out of the window: then the request is refused for its age.
    if (!(await claimNonce(deps.db, partner.id, nonce, at + WINDOW_MS))) throw new ApiError(401, 'replayed');
    request.exchangePartner = partner;
    request.exchangeContentSha256 = contentSha256;
  };
}
