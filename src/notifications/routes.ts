// /staff/notices: the in-app list of what the portal told this user — reminders, escalations,
// hastenings, replies, referrals (issue 19 item 8: reminders existed only as e-mail, and a user
// without an address, allowed since item 15, saw nothing). Newest first, unread ones marked, a
// button that marks them read. Each notice names its case; the case numbers come from a resolver
// the app passes in, because reports writes these notices and notifications may not import it back.
import type { FastifyInstance } from 'fastify';
import type { Executor } from '../db/executor.js';
import { hasMessage } from '../i18n/translate.js';
import { requireStaff } from '../plugins/auth.js';
import type { Deps } from '../shared/deps.js';
import { markNoticesRead, noticeCount, noticesFor } from './repository.js';
import { rowIdOf } from '../db/dialect.js';

const PAGE = 50;

export interface NoticeRouteOptions {
  deps: Deps;
  /** Case numbers of report ids (unknown ids left out). */
  caseNumbers: (db: Executor, ids: readonly number[]) => Promise<Map<number, string>>;
}

/** The label of a notice kind: the subject of its e-mail, or a neutral one for a kind without it. */
export function noticeLabelKey(kind: string): string {
  return hasMessage(`mail.${kind}.subject`) ? `mail.${kind}.subject` : 'notices.kind_other';
}

export default async function noticeRoutes(app: FastifyInstance, opts: NoticeRouteOptions) {
  const { deps, caseNumbers } = opts;
  const { db } = deps;

  app.get<{ Querystring: { before?: string; done?: string } }>('/staff/notices', { preHandler: requireStaff() }, async (request, reply) => {
    const userId = request.staff!.user.id;
    const before = rowIdOf(request.query.before);
    const rows = await noticesFor(db, userId, { limit: PAGE + 1, ...(before ? { beforeId: before } : {}) });
    const page = rows.slice(0, PAGE);
    const numbers = await caseNumbers(db, [...new Set(page.flatMap((n) => (n.reportId === null ? [] : [n.reportId])))]);
    reply.header('Cache-Control', 'no-store');
    return reply.page('notifications/list', {
      titleKey: 'notices.title',
      csrfToken: reply.generateCsrf(),
      unread: await noticeCount(db, userId, { unreadOnly: true }),
      newestId: page[0]?.id ?? 0,
      notices: page.map((n) => ({
        id: n.id,
        at: n.createdAt,
        labelKey: noticeLabelKey(n.kind),
        unread: n.readAt === null,
        caseNo: n.reportId === null ? null : (numbers.get(n.reportId) ?? null),
        href: n.reportId === null ? null : `/staff/reports/${n.reportId}`,
      })),
      next: rows.length > PAGE ? page[page.length - 1]!.id : null,
      done: request.query.done === 'read',
    }, { layout: 'staff' });
  });

  app.post<{ Body: { up_to?: string } }>('/staff/notices/read', { preHandler: requireStaff() }, async (request, reply) => {
    const upTo = rowIdOf(request.body?.up_to) ?? 0;
    // Only the notices the user saw on the page: one arriving meanwhile stays unread.
    if (upTo > 0) await markNoticesRead(db, request.staff!.user.id, upTo, Date.now());
    return reply.redirect('/staff/notices?done=read', 303);
  });
}
