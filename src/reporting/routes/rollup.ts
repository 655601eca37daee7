// /staff/reporting/tasks/:taskId: the roll-up of a task for a city or the province — each unit
// below with its status and figures, the sum (rates recomputed from the summed counts), and the
// compiled draft of the submitted texts. The province sees its cities as groups and can drill into
// one (?unit=<city>).
import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { civilAffairsUnitsAtLevel, findUnit, supervisedUnitIds, type Unit } from '../../units/index.js';
import { todayInChina } from '../../clocks/index.js';
import { SECTIONS, periodOf, submitterLevel } from '../catalog.js';
import { ROLLUP_COLUMNS, RATES, rollUp, rollupCells, type Statistics } from '../statistics.js';
import * as repo from '../repository.js';
import * as service from '../service.js';
import { rowIdOf } from '../../db/dialect.js';

export default async function rollupRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;

  app.get<{ Params: { taskId: string }; Querystring: { unit?: string } }>('/staff/reporting/tasks/:taskId', { preHandler: requireStaff() }, async (request, reply) => {
    const staff = request.staff!;
    const task = await repo.findTask(db, rowIdOf(request.params.taskId) ?? 0);
    if (!task || staff.unit.kind !== 'civil_affairs' || !service.ABOVE_VIEW_ROLES.some((r) => staff.has(r))) throw notFound();
    const ownScope = await supervisedUnitIds(db, staff.unit.id);
    const asked = request.query.unit ? rowIdOf(request.query.unit) : staff.unit.id;
    if (asked === undefined || !ownScope.includes(asked)) throw notFound();
    const scope = asked === staff.unit.id ? staff.unit : await findUnit(db, asked);
    if (!scope) throw notFound();
    const scopeIds = await supervisedUnitIds(db, scope.id);
    const level = submitterLevel(service.kindOf(task));
    const submitters = (await civilAffairsUnitsAtLevel(db, level, scopeIds)).filter((u) => u.id !== scope.id);
    if (submitters.length === 0) throw notFound();

    const today = todayInChina();
    const subs = new Map((await repo.submissionsOfTasks(db, [task.id])).map((s) => [s.unitId, s]));
    const figures = await service.figuresFor(db, task, submitters);
    const period = periodOf(task);
    const stateOf = (u: Unit) => service.stateOf(task, subs.get(u.id), today);

    // The province looks at county tasks city by city; everyone else unit by unit.
    const cities = level === 'county' && (await service.isProvinceUnit(db, scope)) ? await civilAffairsUnitsAtLevel(db, 'prefecture', scopeIds) : [];
    let rows: Record<string, unknown>[];
    if (cities.length > 0) {
      rows = cities
        .map((city) => {
          const members = submitters.filter((u) => u.supervisorId === city.id);
          const states = members.map(stateOf);
          const sum: Statistics | null = figures ? rollUp(members.map((u) => figures.get(u.id)!), period) : null;
          return {
            unit: city,
            href: `/staff/reporting/tasks/${task.id}?unit=${city.id}`,
            group: true,
            submitted: states.filter((s) => s.status === 'submitted').length,
            total: members.length,
            overdue: states.filter((s) => s.status === 'overdue').length,
            cells: sum ? rollupCells(sum) : null,
          };
        })
        .filter((r) => r.total > 0);
    } else {
      rows = submitters.map((u) => {
        const state = stateOf(u);
        const fig = figures?.get(u.id);
        return { unit: u, href: `/staff/reporting/${task.id}/${u.id}`, group: false, state, submittedAt: subs.get(u.id)?.submittedAt ?? null, cells: fig ? rollupCells(fig) : null, live: state.status !== 'submitted' };
      });
    }
    const total = figures ? rollUp(submitters.map((u) => figures.get(u.id)!), period) : null;
    const states = submitters.map(stateOf);
    const compiled = await service.compileTexts(db, task, submitters);

    // A city writes its own summary from its counties' annual summaries.
    const cityTask = task.kind === 'county_summary' && scope.id === staff.unit.id ? await repo.findTaskByKey(db, 'city_summary', task.year, null) : undefined;
    const toCitySummary = cityTask && (await service.isSubmitter(db, cityTask, scope)) ? `/staff/reporting/${cityTask.id}/${scope.id}?compile=1` : null;

    return reply.page(
      'reporting/rollup',
      {
        title: `${task.title} · ${scope.name}`,
        task,
        kind: task.kind,
        scope,
        upHref: scope.id !== staff.unit.id ? `/staff/reporting/tasks/${task.id}` : null,
        rows,
        grouped: cities.length > 0,
        columns: ROLLUP_COLUMNS.map((key) => ({ key, isRate: RATES.some((r) => r.key === key) })),
        hasFigures: !!figures,
        total: total ? { cells: rollupCells(total), from: total.from, to: total.to } : null,
        progress: { submitted: states.filter((s) => s.status === 'submitted').length, total: submitters.length, overdue: states.filter((s) => s.status === 'overdue').length },
        compiled: { count: compiled.count, sections: SECTIONS.map((key) => ({ key, text: compiled.texts[key] })) },
        toCitySummary,
      },
      { layout: 'staff' },
    );
  });
}
