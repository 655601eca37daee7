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

export default async function deadLetterRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  /** The system administrator of the top civil-affairs unit (省民政厅), checked on every request. */
  async function platformAdmin(request: FastifyRequest) {
    const unit = request.staff!.unit;
    if (unit.kind !== 'civil_affairs' || unit.supervisorId !== null) throw forbidden();
  }
  const guard = { preHandler: [requireStaff('system_admin'), platformAdmin] };

  app.get<{ Querystring: { done?: string } }>('/staff/exchange/dead-letters', guard, async (request, reply) => {
    const rows = await deadLetters(deps.db, 200);
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
