// /staff (dashboard) and /staff/reports (the inbox with filters, count, paging both ways, and the
// 台账 export as XLSX and CSV).
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../../plugins/auth.js';
import type { Deps } from '../../../shared/deps.js';
import { CATEGORIES, CHANNELS, STATUSES } from '../../catalog.js';
import { regionsAtLevel, childrenOf } from '../../../regions/index.js';
import { clockOf } from '../../../clocks/index.js';
import { DASHBOARD_PLAN, countInbox, dashboardCounts, ledgerRows, listInbox, QUEUES, SORTS, type InboxFilter, type Queue, type Sort } from '../inbox.js';
import { EXPORT_LIMIT, ledgerCsv, writeLedgerXlsx } from '../export.js';
import { translate } from '../../../i18n/translate.js';
import { localNumber } from '../../../i18n/number.js';
import type { Locale } from '../../../config.js';
import { formatDate } from '../../../views/helpers/date.js';
import { calendarWarning } from '../../../calendar/index.js';
import { todayInChina } from '../../../clocks/index.js';
import { scopeStamp } from '../scope-stamp.js';
import { record } from '../../../audit/index.js';
import { acceptMany, batchIds } from '../batch-accept.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CURSOR = /^[A-Za-z0-9_-]{1,400}$/;

function parseFilter(q: Record<string, string | undefined>, limit = 50): InboxFilter {
  const pick = <T extends string>(v: string | undefined, allowed: readonly T[]) => (v && (allowed as readonly string[]).includes(v) ? (v as T) : undefined);
  const queue = pick<Queue>(q.queue, QUEUES) ?? 'all';
  return {
    queue,
    status: pick(q.status, STATUSES),
    category: pick(q.category, CATEGORIES),
    channel: pick(q.channel, CHANNELS),
    region: q.region && /^\d{6,12}$/.test(q.region) ? q.region : undefined,
    clock: pick(q.clock, ['on_time', 'due_soon', 'overdue'] as const),
    from: q.from && DATE.test(q.from) ? q.from : undefined,
    to: q.to && DATE.test(q.to) ? q.to : undefined,
    q: q.q && q.q.trim() ? q.q.trim().slice(0, 100) : undefined,
    // 我的待办 is work to do: by deadline unless another order is asked for (issue 19 item 8).
    sort: pick<Sort>(q.sort, SORTS) ?? (queue === 'mine' ? 'due' : 'newest'),
    after: q.after && CURSOR.test(q.after) ? q.after : undefined,
    // Both cursors given (a hand-made link): the page after wins.
    before: q.before && CURSOR.test(q.before) && !(q.after && CURSOR.test(q.after)) ? q.before : undefined,
    limit,
  };
}

export default async function inboxRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;
  // Both pages only read reports in the user's scope: kept per session until that scope changes.
  const cached = app.staffPageCache.handler((request) => scopeStamp(db, request.staff!));

  app.get('/staff', { preHandler: [requireStaff(), cached] }, async (request, reply) => {
    const counts = await dashboardCounts(db, request.staff!);
    const mine = await listInbox(db, request.staff!, { queue: 'mine', sort: 'due', limit: 10 });
    // Administrators are warned when deadlines now running (up to 60 + 30 days) reach a year the
    // holiday calendar does not cover: those count weekends only until it is entered (DESIGN.md §3).
    const uncovered = request.staff!.has('system_admin') ? await calendarWarning(db) : null;
    const horizon = todayInChina(new Date(Date.now() + 120 * 86_400_000));
    const calendarYear = uncovered && horizon >= `${uncovered.year}-01-01` ? uncovered.year : null;
    // A wide tree's ended states are counted up to a cap: "1,000+" and a line saying where the exact number is.
    const byStatus = counts.byStatus.map((s) => ({ ...s, shown: `${localNumber(request.locale, s.n)}${s.more ? '+' : ''}` }));
    const capped = counts.byStatus.some((s) => s.more) ? translate(request.locale, 'casework.dashboard.capped', { n: localNumber(request.locale, DASHBOARD_PLAN.cap) }) : null;
    return reply.page('reports/casework/dashboard', { titleKey: 'casework.dashboard.title', counts: { ...counts, byStatus }, capped, mine: decorate(mine.rows, request.locale), calendarYear }, { layout: 'staff' });
  });

  async function regionOptions(request: FastifyRequest) {
    // Counties under the user's own region (or prefectures for the province), for the region filter.
    const own = request.staff!.unit.regionCode;
    const list = own === '220000' ? await regionsAtLevel(db, 'prefecture') : await childrenOf(db, own);
    return list.map((r) => ({ code: r.code, name: r.name }));
  }

  /** The inbox page for a filter; `extra` adds a notice (an export refused as too large). */
  async function inboxPage(request: FastifyRequest<{ Querystring: Record<string, string> }>, reply: FastifyReply, extra: { exportTooMany?: string; status?: number } = {}) {
    const filter = parseFilter(request.query);
    const staff = request.staff!;
    const page = await listInbox(db, staff, filter);
    // The first page with no page after it holds every match: no count query needed.
    const total = !filter.after && !filter.before && !page.next ? { n: page.rows.length, more: false } : await countInbox(db, staff, filter, undefined, page);
    const number = localNumber(request.locale, total.n);
    const query = filterQuery(request.query);
    const href = (cursor: string | null, side: 'after' | 'before') => (cursor ? `/staff/reports?${query}${query ? '&' : ''}${side}=${cursor}` : null);
    return reply.page(
      'reports/casework/inbox',
      {
        titleKey: 'casework.inbox.title',
        filter,
        rows: decorate(page.rows, request.locale),
        // Intake may tick received reports and accept them together (each still checked on the server).
        batchAccept: (staff.has('intake') || staff.has('lead') || staff.has('supervisor')) && page.rows.some((r) => r.status === 'received'),
        total: translate(request.locale, total.more ? 'casework.inbox.total_more' : 'casework.inbox.total', { n: number }),
        nextHref: href(page.next, 'after'),
        prevHref: href(page.prev, 'before'),
        paged: !!(page.next || page.prev),
        exportHref: `/staff/reports.csv?${query}`,
        xlsxHref: `/staff/reports.xlsx?${query}`,
        exportTooMany: extra.exportTooMany,
        queues: QUEUES,
        sorts: SORTS,
        statuses: STATUSES,
        categories: CATEGORIES,
        channels: CHANNELS,
        regionOptions: await regionOptions(request),
      },
      { layout: 'staff', status: extra.status },
    );
  }

  app.get<{ Querystring: Record<string, string> }>('/staff/reports', { preHandler: [requireStaff(), cached] }, async (request, reply) => inboxPage(request, reply));

  /**
   * Batch 受理 (issue 19 item 12): the inbox's ticked reports, each accepted as by its own button
   * (scope, relation, state checked per report, each its own transaction, event and audit entry).
   * The page says which were accepted and which not, and why; a report out of the user's reach is
   * "not found", as on its own page.
   */
  app.post<{ Body: Record<string, unknown> }>('/staff/reports/accept', { preHandler: requireStaff('intake', 'lead', 'supervisor') }, async (request, reply) => {
    const ids = batchIds(request.body?.ids);
    const outcomes = ids.length > 0 ? await acceptMany(opts.deps, request.staff!, ids) : [];
    const accepted = outcomes.filter((o) => o.accepted);
    const refused = outcomes.filter((o) => !o.accepted);
    return reply.page(
      'reports/casework/batch-accept',
      { titleKey: 'casework.batch.title', none: ids.length === 0, accepted, refused, acceptedCount: accepted.length, refusedCount: refused.length },
      { layout: 'staff', status: ids.length === 0 ? 400 : 200 },
    );
  });

  /**
   * The 台账 export of the filtered list (XLSX, and CSV with the same columns), without identities
   * or report text: exactly the reports the inbox shows this user, streamed. Over EXPORT_LIMIT.maxRows
   * the inbox comes back with a message instead. Audited before the first row leaves: who, the
   * filters and the row count, no content (issue 15).
   */
  async function ledgerExport(request: FastifyRequest<{ Querystring: Record<string, string> }>, reply: FastifyReply, format: 'xlsx' | 'csv') {
    const staff = request.staff!;
    const filter = parseFilter(request.query, 1000);
    const count = await countInbox(db, staff, filter, EXPORT_LIMIT.maxRows);
    if (count.more) {
      const max = localNumber(request.locale, EXPORT_LIMIT.maxRows);
      return inboxPage(request, reply, { exportTooMany: translate(request.locale, 'casework.export.too_many', { max }), status: 422 });
    }
    await record(db, opts.deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: `export.${format}`, object: { type: 'report_list', id: staff.unit.id }, detail: { rows: count.n, filters: auditedFilters(filter) } });
    const day = formatDate(Date.now());
    const name = `${translate('zh-CN', 'casework.export.file_name')}-${day}.${format}`;
    reply.header('Content-Disposition', `attachment; filename="reports-${day}.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    reply.header('Cache-Control', 'no-store');
    if (format === 'csv') {
      reply.header('Content-Type', 'text/csv; charset=utf-8');
      return reply.send(ledgerCsv(ledgerRows(db, staff, filter)));
    }
    reply.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const out = new PassThrough();
    // Written while it is sent; a failure half-way ends the download broken rather than silently short.
    void writeLedgerXlsx(out, ledgerRows(db, staff, filter)).catch((err: unknown) => {
      request.log.error({ err }, 'xlsx export failed');
      out.destroy(err as Error);
    });
    return reply.send(out);
  }

  app.get<{ Querystring: Record<string, string> }>('/staff/reports.xlsx', { preHandler: requireStaff() }, async (request, reply) => ledgerExport(request, reply, 'xlsx'));
  app.get<{ Querystring: Record<string, string> }>('/staff/reports.csv', { preHandler: requireStaff() }, async (request, reply) => ledgerExport(request, reply, 'csv'));
}

/** The request's filter as a query string, without the paging cursors. */
function filterQuery(q: Record<string, string | undefined>): string {
  return new URLSearchParams(Object.entries(q).filter(([k, v]) => k !== 'after' && k !== 'before' && v) as [string, string][]).toString();
}

/** The filters of an export for its audit entry: codes and dates; a free-text search only as "used" (it may name a person). */
function auditedFilters(f: InboxFilter): Record<string, string | boolean> {
  const { queue, status, category, channel, region, clock, from, to, sort } = f;
  const codes = Object.entries({ queue, status, category, channel, region, clock, from, to, sort }).filter(([, v]) => v !== undefined) as [string, string][];
  return { ...Object.fromEntries(codes), ...(f.q ? { search: true } : {}) };
}

/**
 * The rows as the table shows them. The labels (status, category, position, clock) and the date are
 * written here, each distinct one translated once a page, rather than by a template helper per cell:
 * 50 rows made ≈ 250 helper calls on every inbox view that was not kept (issue 22).
 */
function decorate<T extends { dueOn: string | null; status: string; category: string; subjectPosition: string | null; receivedAt: number; assignmentDue: string | null; assignee: string | null; assignedUnit: string | null; handlingUnit: string | null }>(rows: T[], locale: Locale) {
  const today = todayInChina();
  const labels = new Map<string, string>();
  const label = (key: string) => {
    let text = labels.get(key);
    if (text === undefined) labels.set(key, (text = translate(locale, key)));
    return text;
  };
  return rows.map((r) => {
    const clock = clockOf({ dueOn: r.dueOn, clockRule: r.dueOn ? 'x' : null });
    return {
      ...r,
      clock,
      clockLabel: clock ? label(`casework.clock.${clock.state}`) : null,
      statusLabel: label(`track.status.${r.status}`),
      categoryLabel: label(`report.categories.${r.category}`),
      positionLabel: r.subjectPosition ? label(`report.positions.${r.subjectPosition}`) : null,
      received: formatDate(r.receivedAt),
      // 交办期限 passed while the assignee still has the report.
      assignmentLate: !!r.assignmentDue && r.assignmentDue < today && ASSIGNEE_HOLDS.includes(r.status),
      // A township (or other unit) the report was given to, shown under the person.
      assignedElsewhere: r.assignedUnit && r.assignedUnit !== r.handlingUnit ? r.assignedUnit : null,
    };
  });
}

/** The states in which the assignee is working on the report (DESIGN.md §3). */
const ASSIGNEE_HOLDS = ['assigned', 'investigating'];
