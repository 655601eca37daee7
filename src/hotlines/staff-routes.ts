// /staff/hotlines: a civil-affairs unit's lead, supervisor or administrator edits the complaint
// numbers of their unit and of the units below it; /hotlines shows the change at once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../plugins/auth.js';
import type { Deps } from '../shared/deps.js';
import { forbidden, notFound } from '../shared/errors.js';
import { addHotline, editableUnits, editHotline, EDITING_ROLES, removeHotline, validateHotline, type HotlineErrors } from './editing.js';
import { findHotline, hotlinesOfUnits } from './repository.js';
import type { Unit } from '../units/index.js';

type Body = Record<string, string | undefined>;

export default async function staffHotlineRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const guard = requireStaff(...EDITING_ROLES);

  async function unitsOf(request: FastifyRequest) {
    const list = await editableUnits(deps, request.staff!);
    if (list.length === 0) throw forbidden();
    return list;
  }

  /** A row this user may edit, else 404 (the same answer as a row that does not exist); with the units. */
  async function load(request: FastifyRequest<{ Params: { id: string } }>) {
    const list = await unitsOf(request);
    const row = await findHotline(deps.db, Number(request.params.id));
    if (!row || !list.some((u) => u.id === row.unitId)) throw notFound();
    return { row, list };
  }

  /** The page for these units (unitsOf, looked up once per request). */
  async function render(reply: FastifyReply, list: Unit[], extra: { formId?: string; errors?: HotlineErrors; values?: Body; done?: string | null } = {}, status = 200) {
    const rows = await hotlinesOfUnits(deps.db, list.map((u) => u.id));
    const groups = list.map((u) => ({
      id: u.id,
      name: u.name,
      lines: rows
        .filter((r) => r.hotline.unitId === u.id)
        .map((r) => {
          const failed = extra.formId === String(r.hotline.id);
          return { ...r.hotline, values: failed ? extra.values : { phone: r.hotline.phone, duty_hours: r.hotline.dutyHours, note: r.hotline.note ?? '' }, errors: failed ? extra.errors : {} };
        }),
    }));
    const isNew = extra.formId === 'new';
    return reply.page(
      'hotlines/staff',
      { titleKey: 'hotlines.staff.title', csrfToken: reply.generateCsrf(), groups, units: list.map((u) => ({ id: String(u.id), name: u.name })), newValues: isNew ? extra.values : {}, newErrors: isNew ? extra.errors : {}, failed: Boolean(extra.errors && Object.keys(extra.errors).length), done: extra.done ?? null },
      { layout: 'staff', status },
    );
  }

  app.get<{ Querystring: { done?: string } }>('/staff/hotlines', { preHandler: guard }, async (request, reply) => {
    const done = request.query.done && /^[a-z]{1,12}$/.test(request.query.done) ? request.query.done : null;
    return render(reply, await unitsOf(request), { done });
  });

  app.post<{ Body: Body }>('/staff/hotlines', { preHandler: guard }, async (request, reply) => {
    const list = await unitsOf(request);
    const body = request.body ?? {};
    const unit = list.find((u) => u.id === Number(body.unit_id));
    const { input, errors } = validateHotline(body);
    if (!unit) errors.unit_id = 'hotlines.errors.unit';
    if (!input || !unit) return render(reply, list, { formId: 'new', errors, values: body }, 400);
    await addHotline(deps, request.staff!, unit, input);
    return reply.redirect('/staff/hotlines?done=created', 303);
  });

  app.post<{ Params: { id: string }; Body: Body }>('/staff/hotlines/:id', { preHandler: guard }, async (request, reply) => {
    const { row, list } = await load(request);
    const body = request.body ?? {};
    const { input, errors } = validateHotline(body);
    if (!input) return render(reply, list, { formId: String(row.id), errors, values: body }, 400);
    await editHotline(deps, request.staff!, row, input);
    return reply.redirect('/staff/hotlines?done=updated', 303);
  });

  app.post<{ Params: { id: string } }>('/staff/hotlines/:id/delete', { preHandler: guard }, async (request, reply) => {
    const { row } = await load(request);
    await removeHotline(deps, request.staff!, row);
    return reply.redirect('/staff/hotlines?done=deleted', 303);
  });
}
