// Limits on the public upload forms (issue 16): the report form and the follow-up file form.
// Client addresses are never stored or logged (DESIGN.md §4): the filing budgets are counted across
// app nodes under an HMAC of the address (src/shared/rate-limit.ts). Many villagers share one
// carrier address, so files are limited before text: a client has a budget of filings that bring
// files inside a larger budget of filings, and all reporters together have an evidence-bytes budget
// per minute, past which reports are still filed without their files. Each address, and the server
// as a whole, has a cap on uploads in progress, refused before the body is read, and a stalled or
// trickling upload is cut off. The evidence budget and the uploads in progress are this node's own
// (why: src/shared/rate-limit.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { watchUploadPace, type UploadLimits } from '../../evidence/index.js';
import type { Deps } from '../../shared/deps.js';
import { addressKey, ByteBudget, InFlight, RateLimiter } from '../../shared/rate-limit.js';

const FILING_WINDOW_MS = 10 * 60_000;
const EVIDENCE_WINDOW_MS = 60_000;
/** The refusal pages ask for a retry after this long; uploads in flight end within about a minute. */
const RETRY_AFTER_SECONDS = 60;

export type Refusal = 'uploads_address' | 'uploads_total' | 'filings';

export interface UploadGate {
  /** Files this form may bring, counted against this client's and everyone's budgets. */
  limitsFor(request: FastifyRequest, reportId?: number): Pick<UploadLimits, 'admitFiles' | 'evidenceBudget'>;
  /** Counts a report about to be filed; false when this client has filed too many just now. */
  chargeFiling(request: FastifyRequest): Promise<boolean>;
  /** Seconds until this client may file again, 0 when it may now (counts nothing). */
  filingsWait(request: FastifyRequest): Promise<number>;
  /** onRequest hook of a multipart form: the in-flight caps and the pace watch. */
  admitUpload(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  /** Answers a refused request before its body is read, and closes the connection. */
  refuse(request: FastifyRequest, reply: FastifyReply, why: Refusal, retrySeconds?: number): FastifyReply;
}

/** By its header: request.isMultipart() only answers once the body parser has run, after onRequest. */
export function isMultipartPost(request: FastifyRequest): boolean {
  return /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '');
}

/**
 * Whether an upload failed because its connection is gone (cut off here for trickling, or the
 * client left): there is nobody to answer, and its temporary files are already deleted, so the
 * reply is dropped instead of logging an error per abandoned upload.
 */
export function abandoned(request: FastifyRequest, reply: FastifyReply): boolean {
  if (!request.raw.destroyed && !request.raw.socket?.destroyed) return false;
  reply.hijack();
  return true;
}

const gates = new WeakMap<Deps, UploadGate>();

/** The one gate of this app: both public upload forms share its counts. */
export function uploadGate(app: FastifyInstance, deps: Deps): UploadGate {
  let gate = gates.get(deps);
  if (!gate) {
    gate = createGate(app, deps);
    gates.set(deps, gate);
  }
  return gate;
}

function createGate(app: FastifyInstance, deps: Deps): UploadGate {
  const { abuse, rateLimitFactor } = deps.config;
  const filings = new RateLimiter(app.counters, 'filings', abuse.filingsPerAddress * rateLimitFactor, FILING_WINDOW_MS);
  const withFiles = new RateLimiter(app.counters, 'filings-with-files', abuse.filingsWithFilesPerAddress * rateLimitFactor, FILING_WINDOW_MS);
  const evidenceBudget = new ByteBudget(abuse.evidenceBytesPerMinute, EVIDENCE_WINDOW_MS);
  const inFlight = new InFlight(abuse.uploadsPerAddress * rateLimitFactor, abuse.uploadsTotal);
  // Follow-up uploads to one report count as one filing with files per window: the form's script
  // sends a report's files one request each, possibly to different nodes, so the mark is shared too.
  const CHARGED_REPORT = 'report-files-charged';
  async function admitFiles(request: FastifyRequest, reportId: number | undefined): Promise<boolean> {
    const subject = `report ${reportId}`;
    if (reportId !== undefined && (await app.counters.peek(CHARGED_REPORT, subject)).count > 0) return true;
    if (!(await withFiles.hit(request.ip))) return false;
    if (reportId !== undefined) await app.counters.hit(CHARGED_REPORT, subject, FILING_WINDOW_MS);
    return true;
  }

  const gate: UploadGate = {
    limitsFor: (request, reportId) => ({ admitFiles: () => admitFiles(request, reportId), evidenceBudget }),
    chargeFiling: (request) => filings.hit(request.ip),
    filingsWait: async (request) => (await filings.check(request.ip)).retryAfterSeconds,
    async admitUpload(request, reply) {
      if (!isMultipartPost(request)) return;
      const key = addressKey(request.ip);
      const entered = inFlight.enter(key);
      if (entered !== 'ok') return gate.refuse(request, reply, entered === 'address' ? 'uploads_address' : 'uploads_total');
      let left = false;
      const stopWatching = watchUploadPace(request, { idleMs: abuse.uploadIdleSeconds * 1000, minBytesPerSecond: abuse.uploadMinBytesPerSecond }, (why) => {
        request.log.warn({ why }, 'upload cut off: it stalled or trickled');
      });
      // 'close' comes once the response is sent or the connection is gone, whichever happens.
      reply.raw.once('close', () => {
        stopWatching();
        if (!left) inFlight.leave(key);
        left = true;
      });
    },
    refuse(request, reply, why, retrySeconds = RETRY_AFTER_SECONDS) {
      reply.header('Retry-After', String(retrySeconds));
      // The body is not read: ending the connection stops a trickle from holding it.
      reply.header('Connection', 'close');
      reply.header('Cache-Control', 'no-store');
      const status = why === 'uploads_total' ? 503 : 429;
      if (request.headers.accept === 'application/json') return reply.code(status).send({ ok: false, busy: why });
      return reply.page('reports/busy', { titleKey: 'report.busy.title', reason: why, minutes: Math.ceil(retrySeconds / 60) }, { status });
    },
  };
  return gate;
}
