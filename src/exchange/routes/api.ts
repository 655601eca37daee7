// /api/v1: the exchange API for partner systems (12345, 信访). Every request is signed (auth.ts);
// answers are JSON with a stable error code, never a page. A work order comes as multipart/form-data:
// a `work_order` field (JSON, first) and then any `attachments` files, streamed to temporary files
// and checked by content and size by the evidence feature's reader, as the public form's are.
import crypto from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Value } from '@sinclair/typebox/value';
import { discardFiles, readUploadForm, watchUploadPace, type ParsedForm } from '../../evidence/index.js';
import type { Deps } from '../../shared/deps.js';
import { ApiError, verifySignedRequest } from '../auth.js';
import { ErrorBody, WorkOrder, WorkOrderParams, WorkOrderStatus, type WorkOrderInput } from '../schemas.js';
import { EMPTY_SHA256 } from '../signature.js';
import { submitWorkOrder, workOrderStatus } from '../work-orders.js';
import { holdUploadSlot } from '../uploads.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A signed partner route: the signature replaces the CSRF token (there is no browser or cookie). */
    exchangeApi?: boolean;
  }
}

// The refusals each route can give (the OpenAPI document lists these, so a GET does not promise a 409 or a 507).
const refusals = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody };
const createErrors = { ...refusals, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody, 507: ErrorBody };
const readErrors = { ...refusals, 404: ErrorBody };

/** The route schemas, also read by the OpenAPI document (openapi.ts). */
export const API_ROUTES = {
  createWorkOrder: {
    method: 'POST',
    url: '/api/v1/work-orders',
    summary: 'File a report from a work order (工单/来文)',
    description:
      'multipart/form-data: the plain field `work_order` holding the work order as JSON text (before any file; no Content-Type of its own) and files named `attachments`. Idempotent by partner + workOrderNo: the same content again answers 200 with the same report; other content answers 409 and is audited, never merged.',
    schema: { response: { 200: WorkOrderStatus, 201: WorkOrderStatus, ...createErrors } },
    requestBody: WorkOrder,
  },
  readWorkOrder: {
    method: 'GET',
    url: '/api/v1/work-orders/:workOrderNo',
    summary: 'The public life-cycle status of one of the partner’s work orders',
    description: 'Only the status, the case number and two moments: no staff notes, no text, no identity.',
    schema: { params: WorkOrderParams, response: { 200: WorkOrderStatus, ...readErrors } },
    requestBody: null,
  },
} as const;

function isMultipartRequest(request: FastifyRequest): boolean {
  return /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '');
}

/** The work order of the form, checked against its schema; a 422 naming each problem otherwise. */
function workOrderOf(fields: Record<string, string>): WorkOrderInput {
  let value: unknown;
  try {
    value = JSON.parse(fields.work_order ?? '');
  } catch {
    throw new ApiError(422, 'invalid', [{ path: '/work_order', message: 'the field work_order must hold the work order as JSON text (a plain field: no Content-Type: application/json on the part)' }]);
  }
  if (!Value.Check(WorkOrder, value)) {
    throw new ApiError(422, 'invalid', [...Value.Errors(WorkOrder, value)].slice(0, 20).map((e) => ({ path: e.path || '/', message: e.message })));
  }
  return value;
}

export default async function apiRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const signed = verifySignedRequest(deps, app.counters);
  const uploadSlot = holdUploadSlot(deps);
  const { abuse, upload } = deps.config;
  app.decorateRequest('exchangePartner', null);
  app.decorateRequest('exchangeContentSha256', null);

  // The signature is the proof of origin here: the app-wide CSRF check (plugins/security.ts) is taken
  // off these routes only, after it was added to them.
  app.addHook('onRoute', (route) => {
    if (!route.config?.exchangeApi || !route.preValidation) return;
    const hooks = Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation];
    route.preValidation = hooks.filter((hook) => hook !== app.csrfProtection);
  });

  app.setErrorHandler(async (error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) => {
    reply.header('Cache-Control', 'no-store');
    if (error instanceof ApiError) return reply.code(error.statusCode).send({ error: error.code, ...(error.details ? { details: error.details } : {}) });
    const fe = error as FastifyError;
    if (fe.validation) return reply.code(400).send({ error: 'invalid', details: fe.validation.map((v) => ({ path: v.instancePath || '/', message: v.message ?? 'invalid' })) });
    if (fe.code === 'FST_FILES_LIMIT' || fe.code === 'FST_PARTS_LIMIT') return reply.code(413).send({ error: 'too_many_parts' });
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return reply.code(fe.statusCode).send({ error: 'bad_request' });
    request.log.error({ err: error }, 'exchange request failed');
    return reply.code(500).send({ error: 'internal' });
  });

  /** A slow or stalled upload is cut off as on the public forms (issue 16). */
  async function watchPace(request: FastifyRequest, reply: FastifyReply) {
    const stop = watchUploadPace(request, { idleMs: abuse.uploadIdleSeconds * 1000, minBytesPerSecond: abuse.uploadMinBytesPerSecond }, (why) => request.log.warn({ why }, 'exchange upload cut off'));
    reply.raw.once('close', stop);
  }

  const route = API_ROUTES.createWorkOrder;
  app.post(route.url, { onRequest: [signed, uploadSlot, watchPace], schema: route.schema, config: { exchangeApi: true } }, async (request, reply) => {
    if (!isMultipartRequest(request) || !request.isMultipart()) throw new ApiError(415, 'multipart_required');
    // The signature covers the body's hash: every byte is hashed as the multipart reader takes it
    // (both listen to the same stream; the reader is attached in the same tick, before data flows).
    const hash = crypto.createHash('sha256');
    const tap = (chunk: Buffer) => hash.update(chunk);
    request.raw.on('data', tap);
    let parsed: ParsedForm;
    try {
      parsed = await readUploadForm(request, deps.dirs, { maxFileBytes: upload.maxFileBytes, maxFiles: upload.maxFiles, maxTotalBytes: upload.maxReportBytes });
    } finally {
      request.raw.off('data', tap);
    }
    if (hash.digest('hex') !== request.exchangeContentSha256) {
      discardFiles(parsed.files);
      throw new ApiError(401, 'body_hash');
    }
    if (parsed.problems.length > 0) {
      discardFiles(parsed.files);
      const status = parsed.problems.some((p) => p.problem === 'disk_full') ? 507 : 422;
      throw new ApiError(status, 'attachment_refused', parsed.problems.map((p) => ({ path: `/attachments/${p.name}`, message: p.problem })));
    }
    let workOrder: WorkOrderInput;
    try {
      workOrder = workOrderOf(parsed.fields);
    } catch (err) {
      discardFiles(parsed.files);
      throw err;
    }
    const result = await submitWorkOrder(deps, request.exchangePartner!, workOrder, parsed.files);
    reply.header('Cache-Control', 'no-store');
    return reply.code(result.created ? 201 : 200).send(result.body);
  });

  const read = API_ROUTES.readWorkOrder;
  app.get<{ Params: { workOrderNo: string } }>(read.url, { onRequest: signed, schema: read.schema, config: { exchangeApi: true } }, async (request, reply) => {
    if (request.exchangeContentSha256 !== EMPTY_SHA256) throw new ApiError(401, 'body_hash');
    const status = await workOrderStatus(deps, request.exchangePartner!, request.params.workOrderNo);
    if (!status) throw new ApiError(404, 'not_found');
    reply.header('Cache-Control', 'no-store');
    return status;
  });
}
