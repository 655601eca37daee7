// /staff (dashboard) and /staff/reports (the inbox with filters, paging and CSV export).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireStaff } from '../../../plugins/auth.js';
import type { Deps } from '../../../shared/deps.js';
import { toCsv } from '../../../shared/csv.js';
import { CATEGORIES, CHANNELS, STATUSES } from '../../catalog.js';
import { regionsAtLevel, childrenOf } from '../../../regions/index.js';
import { clockOf } from '../../../clocks/index.js';
import { dashboardCounts, listInbox, QUEUES, SORTS, type InboxFilter, type Queue, type Sort } from '../inbox.js';
import { translate } from '../../../i18n/translate.js';
import { formatDate } from '../../../views/helpers/date.js';
import { calendarWarning } from '../../../calendar/index.js';
import { todayInChina } from '../../../clocks/index.js';
import { scopeStamp } from '../scope-stamp.js';
import { record } from '../../../audit/index.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseFilter(q: Record<string, string | undefined>, limit = 50): InboxFilter {
  const pick = <T extends string>(v: string | undefined, allowed: readonly T[]) => (v && (allowed as readonly string[]).includes(v) ? (v as T) : undefined);
  return {
    queue: pick<Queue>(q.queue, QUEUES) ?? 'all',
    status: pick(q.status, STATUSES),
    category: pick(q.category, CATEGORIES),
    channel: pick(q.channel, CHANNELS),
    region: q.region && /^\d{6,12}$/.test(q.region) ? q.region : undefined,
    clock: pick(q.clock, ['on_time', 'due_soon', 'overdue'] as const),
    from: q.from && DATE.test(q.from) ? q.from : undefined,
    to: q.to && DATE.test(q.to) ? q.to : undefined,
    q: q.q && q.q.trim() ? q.q.trim().slice(0, 100) : undefined,
    sort: pick<Sort>(q.sort, SORTS) ?? 'newest',
    after: q.after && /^[A-Za-z0-9_-]{1,400}$/.test(q.after) ? q.after : undefined,
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
    return reply.page('reports/casework/dashboard', { titleKey: 'casework.dashboard.title', counts, mine: decorate(mine.rows), calendarYear }, { layout: 'staff' });
  });

  async function regionOptions(request: FastifyRequest) {
    // Counties under the user's own region (or prefectures for the province), for the region filter.
    const own = request.staff!.unit.regionCode;
    const list = own === '220000' ? await regionsAtLevel(db, 'prefecture') : await childrenOf(db, own);
    return list.map((r) => ({ code: r.code, name: r.name }));
  }

  app.get<{ Querystring: Record<string, string> }>('/staff/reports', { preHandler: [requireStaff(), cached] }, async (request, reply) => {
    const filter = parseFilter(request.query);
    const page = await listInbox(db, request.staff!, filter);
    const query = new URLSearchParams(Object.entries(request.query).filter(([k, v]) => k !== 'after' && v) as [string, string][]);
    const nextQuery = page.next ? `${query.toString()}${query.size ? '&' : ''}after=${page.next}` : null;
    return reply.page(
      'reports/casework/inbox',
      {
        titleKey: 'casework.inbox.title',
        filter,
        rows: decorate(page.rows),
        nextHref: nextQuery ? `/staff/reports?${nextQuery}` : null,
        exportHref: `/staff/reports.csv?${query.toString()}`,
        queues: QUEUES,
        sorts: SORTS,
        statuses: STATUSES,
        categories: CATEGORIES,
        channels: CHANNELS,
        regionOptions: await regionOptions(request),
      },
      { layout: 'staff' },
    );
  });

  // CSV of the filtered list, without identities or report text (issue 4).
  app.get<{ Querystring: Record<string, string> }>('/staff/reports.csv', { preHandler: requireStaff() }, async (request, reply) => {
    const locale = request.locale;
    const header = ['case_no', 'status', 'category', 'channel', 'place', 'received', 'due', 'real_name', 'assignee'].map((k) => translate(locale, `casework.csv.${k}`));
    const lines: string[][] = [header];
    let after: string | undefined;
    for (let pages = 0; pages < 200; pages++) {
      const page = await listInbox(db, request.staff!, { ...parseFilter(request.query, 1000), after });
      for (const r of page.rows) {
        lines.push([r.caseNo, translate(locale, `track.status.${r.status}`), translate(locale, `report.categories.${r.category}`), translate(locale, `casework.channels.${r.channel}`), r.placeName ?? '', formatDate(r.receivedAt), r.dueOn ?? '', r.realName ? '1' : '0', r.assignee ?? '']);
      }
      if (!page.next) break;
      after = page.next;
    }
    // Audited like every staff read of case content: how many rows, not which (issue 15).
    await record(db, opts.deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'export.csv', object: { type: 'report_list', id: request.staff!.unit.id }, detail: { rows: lines.length - 1 } });
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="reports-${formatDate(Date.now())}.csv"`);
    // With a BOM (Excel on Chinese Windows reads UTF-8 then) and formula-like cells neutralised.
    return toCsv(lines);
  });
}

function decorate<T extends { dueOn: string | null; status: string }>(rows: T[]) {
  return rows.map((r) => ({ ...r, clock: clockOf({ dueOn: r.dueOn, clockRule: r.dueOn ? 'x' : null }) }));
}
