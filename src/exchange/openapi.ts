// The OpenAPI 3.1 document of the exchange API, built from the same TypeBox schemas the routes
// validate and serialise with (routes/api.ts API_ROUTES), so the document cannot drift from them.
import { API_ROUTES } from './routes/api.js';
import { ErrorBody, StatusEvent, WorkOrder, WorkOrderStatus } from './schemas.js';
import { SIGNATURE_HEADERS as H } from './signature.js';

/** A TypeBox schema as plain JSON Schema (TypeBox's symbol keys dropped). */
const plain = (schema: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

const COMPONENTS = new Map<unknown, string>([
  [WorkOrder, 'WorkOrder'],
  [WorkOrderStatus, 'WorkOrderStatus'],
  [ErrorBody, 'Error'],
  [StatusEvent, 'StatusEvent'],
]);

function ref(schema: unknown): Record<string, unknown> {
  const name = COMPONENTS.get(schema);
  return name ? { $ref: `#/components/schemas/${name}` } : plain(schema);
}

const DESCRIPTIONS: Record<string, string> = {
  '200': 'The work order (already filed, for a POST repeated with the same content)',
  '201': 'Filed: a new report',
  '400': 'Malformed request',
  '401': 'unsigned, bad_signature, stale_timestamp, replayed or body_hash',
  '403': 'partner_disabled: the partner was disabled by the portal’s operator (its requests are refused until it is enabled again); out_of_scope: the place is handled by a unit outside the partner’s scopes',
  '404': 'not_found: no such work order of this partner',
  '409': 'conflict: this work order number was sent before with other content (audited; nothing changed)',
  '413': 'Too many parts or files',
  '415': 'multipart_required',
  '422': 'invalid (a field, with details) or attachment_refused (type by content, size)',
  '429': 'rate_limited (requests per minute) or too_many_uploads (the partner’s uploads in flight at once, 4 unless agreed otherwise): see Retry-After',
  '507': 'The server has no room for attachments now',
};

/** What integrators got wrong from the first wording: which bytes key the HMAC, and which form of the path is signed. */
const SECRET_AS_KEY = 'The HMAC key is the partner secret exactly as it was handed over: its characters as UTF-8 bytes (do not base64-decode it).';
const PATH_AS_SENT = 'PATH-WITH-QUERY is the request target exactly as sent on the request line, percent-encoded (a 工单号 12345-信访-1 is signed as /api/v1/work-orders/12345-%E4%BF%A1%E8%AE%BF-1).';

const signatureHeaders = [
  { name: H.partner, description: 'The partner key given at registration' },
  { name: H.timestamp, description: 'Unix seconds; refused when more than 5 minutes from the server clock' },
  { name: H.nonce, description: '16–64 characters A–Z a–z 0–9 _ -; never the same twice (a replay is refused)' },
  { name: H.contentSha256, description: 'Hex SHA-256 of the exact body bytes (of nothing for GET)' },
  { name: H.signature, description: `Hex HMAC-SHA256 (or base64 Ed25519 with a registered key) of METHOD\\nPATH-WITH-QUERY\\nTIMESTAMP\\nNONCE\\nCONTENT-SHA256. ${SECRET_AS_KEY} ${PATH_AS_SENT}` },
].map((h) => ({ in: 'header', required: true, name: h.name, description: h.description, schema: { type: 'string' } }));

export function openApiDocument(baseUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, route] of Object.entries(API_ROUTES)) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const schema = route.schema as { params?: { properties: Record<string, unknown> }; response: Record<string, unknown> };
    const parameters = [
      ...Object.entries(schema.params?.properties ?? {}).map(([name, s]) => ({ in: 'path', name, required: true, schema: plain(s) })),
      ...signatureHeaders,
    ];
    const responses = Object.fromEntries(Object.entries(schema.response).map(([code, s]) => [code, { description: DESCRIPTIONS[code] ?? code, content: { 'application/json': { schema: ref(s) } } }]));
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId,
      summary: route.summary,
      description: route.description,
      parameters,
      ...(route.requestBody
        ? {
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: { type: 'object', required: ['work_order'], properties: {
                      work_order: { type: 'string', contentMediaType: 'application/json', contentSchema: ref(route.requestBody), description: 'The work order as JSON text, in a plain field sent before the files' },
                      attachments: { type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' }, description: 'Photos, recordings, documents: the type is decided by the content, sizes as for the public form' },
                    },
                  },
                  encoding: { work_order: { contentType: 'text/plain; charset=utf-8' } },
                },
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '阳光救助监督平台 exchange API (12345 / 信访)',
      version: '1.0.0',
      description: 'Work orders from partner systems become reports; their status is read or pushed back as signed webhooks. See the README section "Exchange API (12345 / 信访)".',
    },
    servers: [{ url: baseUrl }],
    paths,
    webhooks: {
      statusEvent: {
        post: {
          summary: 'A work order’s report changed status',
          description: `Sent to the partner’s webhook URL, signed: ${H.signature} is hex HMAC-SHA256 of TIMESTAMP\\nBODY (the body's exact bytes), with ${H.timestamp} and ${H.eventId}. ${SECRET_AS_KEY} Events of one work order arrive in seq order; a failed delivery is retried with exponential back-off (30 s doubling, at most an hour apart, 10 attempts) and then waits for staff. Drop a repeated eventId.`,
          requestBody: { required: true, content: { 'application/json': { schema: ref(StatusEvent) } } },
          responses: { '2XX': { description: 'Received' } },
        },
      },
    },
    components: { schemas: Object.fromEntries([...COMPONENTS].map(([schema, name]) => [name, plain(schema)])) },
  };
}
