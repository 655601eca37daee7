// A cap on each partner's work-order uploads in flight (a streamed upload holds a connection, temporary
// files and a share of the disk for as long as it runs): one more than `uploadsAtOnce` is answered
// 429 with Retry-After before its body is read; other partners are not affected. Counted in the
// database the app nodes share (exchange_uploads), so the cap holds across nodes as the rate limit
// does. Each upload holds a lease that its node extends while it runs and ends when the answer has
// gone (or the connection dropped); a node that dies leaves leases that lapse after LEASE_MS.
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../shared/deps.js';
import { ApiError } from './auth.js';
import { endUpload, extendUpload, startUpload } from './repository.js';

export const LEASE_MS = 60_000;
/** Uploads take seconds: a slot is likely free again by then. */
export const UPLOAD_RETRY_AFTER_SECONDS = 5;

/** The onRequest hook of the upload route, after the signature check. */
export function holdUploadSlot(deps: Pick<Deps, 'db'>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const partner = request.exchangePartner!;
    const token = crypto.randomBytes(16).toString('base64url');
    const now = Date.now();
    const inFlight = await startUpload(deps.db, token, partner.id, now + LEASE_MS, now);
    if (inFlight > partner.uploadsAtOnce) {
      await endUpload(deps.db, token);
      reply.header('Retry-After', String(UPLOAD_RETRY_AFTER_SECONDS));
      throw new ApiError(429, 'too_many_uploads');
    }
    const extend = setInterval(() => {
      extendUpload(deps.db, token, Date.now() + LEASE_MS).catch((err: unknown) => request.log.warn({ err }, 'exchange upload lease not extended'));
    }, LEASE_MS / 3);
    extend.unref();
    // 'close' comes once the answer has been sent, or when the connection dropped mid-upload.
    reply.raw.once('close', () => {
      clearInterval(extend);
      endUpload(deps.db, token).catch((err: unknown) => request.log.warn({ err }, 'exchange upload lease not ended (it lapses)'));
    });
  };
}
