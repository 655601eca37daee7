// /staff/reporting/:taskId/:unitId: one unit's submission for a task. The unit's lead, supervisors
// and handlers edit the draft until it is submitted; the lead submits; the units above read it.
// Anyone else gets 404, as for any object out of scope.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { forbidden, notFound } from '../../shared/errors.js';
import { findUnit, type Unit } from '../../units/index.js';
import { todayInChina } from '../../clocks/index.js';
import { SECTIONS, hasStatistics } from '../catalog.js';
import { statRows, type Statistics } from '../statistics.js';
import * as repo from '../repository.js';
import * as service from '../service.js';
import { rowIdOf } from '../../db/dialect.js';

type Params = { taskId: string; unitId: string };
type Body = Record<string, string | undefined>;

export default async function submissionRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function load(request: FastifyRequest<{ Params: Params }>) {
    const { taskId, unitId } = request.params;
    const wanted = { task: rowIdOf(taskId), unit: rowIdOf(unitId) };
    if (!wanted.task || !wanted.unit) throw notFound();
    const task = await repo.findTask(db, wanted.task);
    const unit = task ? await findUnit(db, wanted.unit) : undefined;
    if (!task || !unit || !(await service.mayView(db, request.staff!, task, unit))) throw notFound();
    return { task, unit };
  }

  interface RenderState {
    values?: service.Texts;
    errors?: service.FieldErrors;
    done?: string | null;
    compiled?: { count: number } | null;
    status?: number;
  }

  async function render(request: FastifyRequest, reply: FastifyReply, task: repo.Task, unit: Unit, state: RenderState = {}) {
    const staff = request.staff!;
    const sub = await repo.submissionOf(db, task.id, unit.id);
    const canEdit = service.mayEdit(staff, unit, sub);
    let stats: Statistics | undefined;
    if (hasStatistics(service.kindOf(task))) stats = (await service.figuresFor(db, task, [unit]))?.get(unit.id);
    const saved: service.Texts = { basic: sub?.basic ?? '', practices: sub?.practices ?? '', problems: sub?.problems ?? '', suggestions: sub?.suggestions ?? '' };
    let values = state.values ?? saved;
    // A city's summary starts from its counties' submitted texts, section by section.
    const source = canEdit ? await service.compilationSource(db, task, unit) : null;
    let compiled = source ? (state.compiled ?? null) : null;
    const nothingWritten = SECTIONS.every((s) => saved[s] === '');
    if (source && !state.values && (compiled || nothingWritten)) {
      const c = await service.compileTexts(db, source.task, source.units);
      if (c.count > 0) values = c.texts;
      compiled = { count: c.count };
    }
    const errors = state.errors ?? {};
    const countyTask = service.kindOf(task) === 'city_summary' ? await repo.findTaskByKey(db, 'county_summary', task.year, null) : undefined;
    return reply.page(
      'reporting/submission',
      {
        title: `${task.title} · ${unit.name}`,
        csrfToken: canEdit ? reply.generateCsrf() : null,
        task,
        kind: service.kindOf(task),
        unit,
        sub: sub ?? null,
        state: service.stateOf(task, sub, todayInChina()),
        version: sub?.updatedBy !== null && sub ? String(sub.updatedAt) : '',
        canEdit,
        canSubmit: service.maySubmit(staff, unit, sub),
        sections: SECTIONS.map((key) => ({ key, value: values[key], error: errors[key] ?? null, savedText: saved[key] })),
        errors,
        errorList: Object.entries(errors).map(([field, key]) => ({ field, key })),
        done: state.done ?? null,
        compiled,
        canCompile: !!source,
        stats: stats ? { from: stats.from, to: stats.to, frozen: sub?.status === 'submitted', rollup: stats.units > 1, rows: statRows(stats, request.locale) } : null,
        rollupHref: countyTask && service.ABOVE_VIEW_ROLES.some((r) => staff.has(r)) ? `/staff/reporting/tasks/${countyTask.id}${staff.unit.id === unit.id ? '' : `?unit=${unit.id}`}` : null,
      },
      { layout: 'staff', status: state.status ?? 200 },
    );
  }

  app.get<{ Params: Params; Querystring: { done?: string; compile?: string } }>('/staff/reporting/:taskId/:unitId', { preHandler: requireStaff() }, async (request, reply) => {
    const { task, unit } = await load(request);
    const done = request.query.done === 'saved' || request.query.done === 'submitted' ? request.query.done : null;
    return render(request, reply, task, unit, { done, compiled: request.query.compile === '1' ? { count: 0 } : null });
  });

  app.post<{ Params: Params; Body: Body }>('/staff/reporting/:taskId/:unitId', { preHandler: requireStaff(...service.EDIT_ROLES) }, async (request, reply) => {
    const staff = request.staff!;
    const { task, unit } = await load(request);
    const body = request.body ?? {};
    const submit = body.action === 'submit';
    const sub = await repo.submissionOf(db, task.id, unit.id);
    if (staff.unit.id !== unit.id) throw forbidden();
    if (submit && !staff.has('lead')) throw forbidden();
    const values = service.validateTexts(body, false).texts;
    if (sub?.status === 'submitted') return render(request, reply, task, unit, { values, errors: { form: 'reporting.errors.already_submitted' }, status: 409 });
    const outcome = await service.saveSubmission(deps, staff, task, unit, body, submit);
    if (!outcome.ok) {
      // Keep exactly what was typed, including over-long text, so nothing is lost.
      const typed = Object.fromEntries(SECTIONS.map((s) => [s, typeof body[s] === 'string' ? body[s] : ''])) as unknown as service.Texts;
      const status = outcome.errors.form ? 409 : 400;
      return render(request, reply, task, unit, { values: typed, errors: outcome.errors, status });
    }
    return reply.redirect(`/staff/reporting/${task.id}/${unit.id}?done=${submit ? 'submitted' : 'saved'}`, 303);
  });
}
