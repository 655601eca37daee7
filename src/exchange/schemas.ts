// The exchange API's shapes as TypeBox schemas (JSON Schema): Fastify validates parameters and
// serialises responses with them (a field not in a response schema is never sent), the work order
// in a multipart body is checked with them, and /api/openapi.json is generated from them.
import { FormatRegistry, Type, type Static } from '@sinclair/typebox';
import { LOCALES } from '../config.js';
import { CATEGORIES, POSITION_CODES, STATUSES } from '../reports/index.js';

const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => ISO_MOMENT.test(v) && !Number.isNaN(Date.parse(v)));

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

/** Who forwarded it: the 12345 hotline, the 信访 bureau, or a higher office (casework's 来源 codes). */
export const WORK_ORDER_SOURCES = ['hotline_12345', 'xinfang_bureau', 'superior'] as const;
/** How the partner received it from the person (the report's channel). */
export const WORK_ORDER_CHANNELS = ['phone', 'visit', 'letter', 'online'] as const;

export const WorkOrderNo = Type.String({ minLength: 1, maxLength: 50, pattern: '^[^\\u0000-\\u001f/\\\\]+$', description: '工单号 / 来文号 as the partner writes it (no slash, no control character)' });

export const WorkOrder = Type.Object(
  {
    source: literals(WORK_ORDER_SOURCES),
    workOrderNo: WorkOrderNo,
    receivedAt: Type.String({ format: 'date-time', description: 'When the partner received it (ISO 8601 with offset); the legal clocks run from it. At most 60 days ago (an older moment is taken for a mistyped year) and not more than 5 minutes ahead of the server clock; otherwise 422 invalid' }),
    channel: literals(WORK_ORDER_CHANNELS),
    category: literals(CATEGORIES),
    placeCode: Type.String({ pattern: '^[0-9]{9}([0-9]{3})?$', description: 'Region code of the township (9 digits) or village (12 digits) where it happened' }),
    placeText: Type.Optional(Type.String({ maxLength: 200, description: 'The place as written, when the village is not known' })),
    text: Type.String({ minLength: 1, maxLength: 5000, description: 'What the person reported' }),
    subject: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ maxLength: 40 })),
          position: Type.Optional(literals(POSITION_CODES)),
          isHead: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    reporter: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 2, maxLength: 40 }),
          phone: Type.String({ minLength: 1, maxLength: 30, description: 'A mainland mobile (11 digits, optionally after +86) or a landline with its area code (0431-88886666); full-width digits are taken' }),
          email: Type.Optional(Type.String({ maxLength: 200 })),
          address: Type.Optional(Type.String({ maxLength: 200 })),
          sms: Type.Optional(Type.Boolean({ description: 'The person asked for text messages on this phone, which must then be a mainland mobile: at acceptance, an extension, the answer and 3 days before the review window closes; only the case number and the step, never the content' })),
          smsLocale: Type.Optional(literals(LOCALES)),
        },
        { additionalProperties: false, description: 'Only when the person gave their name to the partner: sealed at rest, never sent out again' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type WorkOrderInput = Static<typeof WorkOrder>;

export const WorkOrderStatus = Type.Object(
  {
    workOrderNo: Type.String(),
    caseNo: Type.String({ description: 'The portal’s case number (JL<year>-<6 digits>)' }),
    status: literals(STATUSES),
    receivedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  {},
);
export type WorkOrderStatusBody = Static<typeof WorkOrderStatus>;

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'A stable code: unsigned, bad_signature, stale_timestamp, replayed, body_hash, partner_disabled, rate_limited, too_many_uploads, invalid, out_of_scope, conflict, not_found …' }),
    details: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  {},
);

export const StatusEvent = Type.Object(
  {
    eventId: Type.String({ description: 'Unique per event: drop a repeat' }),
    workOrderNo: Type.String(),
    caseNo: Type.String(),
    seq: Type.Integer({ minimum: 1, description: 'Events of one work order are numbered 1, 2, 3 … and delivered in that order' }),
    status: literals(STATUSES),
    previousStatus: Type.Union([literals(STATUSES), Type.Null()]),
    at: Type.String({ format: 'date-time' }),
  },
  {},
);
export type StatusEventBody = Static<typeof StatusEvent>;

export const WorkOrderParams = Type.Object({ workOrderNo: WorkOrderNo });
