// /staff/exchange/dead-letters: webhook deliveries that kept failing, for the platform's system
// administrators (the top unit's: partners are platform settings, not case work), with a retry
// button each. Shows partner, work order number, attempts and the last error — no report content.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { record } from '../../audit/index.js';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { forbidden, notFound } from '../../shared/errors.js';
import { deadLetters, reviveDelivery } from '../deliveries-repository.js';
import { rowIdOf } from '../../db/dialect.js';
import { hasMessage, translate } from '../../i18n/translate.js';
import { caseNumbersOf } from '../../reports/index.js';
import { deliveryErrorMessage } from '../delivery-errors.js';

/** The status a queued event carries (its payload is the event body); null when unreadable. */
function statusOf(payload: string): string | null {
  try {
    const status = (JSON.parse(payload) as { status?: unknown }).status;
    return typeof status === 'string' ? status : null;
  } catch {
    return null;
  }
}

export default async function deadLetterRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  /** The system administrator of the top civil-affairs unit (省民政厅), checked on every request. */
  async function platformAdmin(request: FastifyRequest) {
    const unit = request.staff!.unit;
    if (unit.kind !== 'civil_affairs' || unit.supervisorId !== null) throw forbidden();
  }
  const guard = { preHandler: [requireStaff('system_admin'), platformAdmin] };

  app.get<{ Querystring: { done?: string } }>('/staff/exchange/dead-letters', guard, async (request, reply) => {
    const locale = request.locale;
    const letters = await deadLetters(deps.db, 200);
    // The case number and the status the event carried, so the administrator can tell the case and the step.
    const caseNos = await caseNumbersOf(deps.db, letters.flatMap((l) => (l.reportId === null ? [] : [l.reportId])));
    const rows = letters.map(({ payload, reportId, lastError, ...l }) => {
      const status = statusOf(payload);
      const error = deliveryErrorMessage(lastError);
      return {
        ...l,
        caseNo: reportId === null ? null : (caseNos.get(reportId) ?? null),
        status: status && hasMessage(`track.status.${status}`) ? translate(locale, `track.status.${status}`) : status,
        lastError: translate(locale, `exchange.dead_letters.errors.${error.key}`, error.params),
      };
    });
    return reply.page(
      'exchange/dead-letters',
      { titleKey: 'exchange.dead_letters.title', csrfToken: reply.generateCsrf(), rows, done: request.query.done === 'retried' },
      { layout: 'staff' },
    );
  });

  app.post<{ Params: { id: string } }>('/staff/exchange/dead-letters/:id/retry', guard, async (request, reply) => {
    const id = rowIdOf(request.params.id) ?? 0;
    if (!(await reviveDelivery(deps.db, id, Date.now()))) throw notFound();
    await record(deps.db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'exchange.delivery.retry', object: { type: 'exchange_delivery', id } });
    return reply.redirect('/staff/exchange/dead-letters?done=retried', 303);
  });
}
