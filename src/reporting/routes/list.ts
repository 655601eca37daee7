// /staff/reporting: the year's tasks for the user's unit (its own submissions, and for a city or
// the province the units below, submitted or late); the province creates the year's tasks here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { forbidden } from '../../shared/errors.js';
import { civilAffairsUnitsAtLevel, supervisedUnitIds, type Unit } from '../../units/index.js';
import { todayInChina } from '../../clocks/index.js';
import { tasksForYear } from '../catalog.js';
import * as repo from '../repository.js';
import * as service from '../service.js';

type Query = Record<string, string | undefined>;

function yearOf(value: string | undefined, fallback: number): number {
  return value && /^20\d{2}$/.test(value) ? Number(value) : fallback;
}

export default async function listRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function render(request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) {
    const staff = request.staff!;
    const today = todayInChina();
    const thisYear = Number(today.slice(0, 4));
    const year = yearOf(request.query.year, thisYear);
    const tasks = await repo.tasksOfYear(db, year);
    const subs = await repo.submissionsOfTasks(
      db,
      tasks.map((t) => t.id),
    );
    const subOf = (taskId: number, unitId: number) => subs.find((s) => s.taskId === taskId && s.unitId === unitId);
    const isCivil = staff.unit.kind === 'civil_affairs';

    // The unit's own tasks.
    const ownTasks: repo.Task[] = [];
    if (isCivil) for (const t of tasks) if (await service.isSubmitter(db, t, staff.unit)) ownTasks.push(t);
    const own = ownTasks.map((t) => {
      const sub = subOf(t.id, staff.unit.id);
      return { task: t, state: service.stateOf(t, sub, today), submittedAt: sub?.submittedAt ?? null, reminded: !!sub?.remindedAt && sub.status !== 'submitted', href: `/staff/reporting/${t.id}/${staff.unit.id}` };
    });

    // The units below: per task a count, and a matrix of units × tasks.
    const scopeIds = isCivil ? await supervisedUnitIds(db, staff.unit.id) : [];
    const below: { task: repo.Task; total: number; submitted: number; late: number; overdue: number; href: string }[] = [];
    const rowsByUnit = new Map<number, { unit: Unit; cells: Map<number, service.SubmissionState> }>();
    for (const t of tasks) {
      const units = (isCivil ? await civilAffairsUnitsAtLevel(db, t.kind === 'city_summary' ? 'prefecture' : 'county', scopeIds) : []).filter((u) => u.id !== staff.unit.id);
      if (units.length === 0) continue;
      const states = units.map((u) => ({ unit: u, state: service.stateOf(t, subOf(t.id, u.id), today) }));
      below.push({
        task: t,
        total: units.length,
        submitted: states.filter((s) => s.state.status === 'submitted').length,
        late: states.filter((s) => s.state.late).length,
        overdue: states.filter((s) => s.state.status === 'overdue').length,
        href: `/staff/reporting/tasks/${t.id}`,
      });
      for (const s of states) {
        const row = rowsByUnit.get(s.unit.id) ?? { unit: s.unit, cells: new Map() };
        row.cells.set(t.id, s.state);
        rowsByUnit.set(s.unit.id, row);
      }
    }
    const matrixTasks = below.map((b) => b.task);
    const matrix = [...rowsByUnit.values()]
      .sort((a, b) => a.unit.regionCode.localeCompare(b.unit.regionCode))
      .map((r) => ({ unit: r.unit, cells: matrixTasks.map((t) => ({ state: r.cells.get(t.id) ?? null, href: `/staff/reporting/${t.id}/${r.unit.id}` })) }));

    const canCreate = await service.mayCreateTasks(db, staff);
    const createYears = [thisYear - 1, thisYear, thisYear + 1];
    const createYear = createYears.includes(year) ? year : thisYear;
    const years = [...new Set([...(await repo.taskYears(db)), thisYear])].sort((a, b) => b - a);
    return reply.page(
      'reporting/index',
      {
        titleKey: 'reporting.title',
        csrfToken: canCreate ? reply.generateCsrf() : null,
        year,
        years: years.map((y) => ({ year: y, selected: y === year })),
        tasks,
        own,
        below,
        matrixTasks,
        matrix,
        canSeeContent: service.ABOVE_VIEW_ROLES.some((r) => staff.has(r)),
        notApplicable: own.length === 0 && below.length === 0 && tasks.length > 0,
        canCreate,
        createYears: createYears.map((y) => ({ year: y, selected: y === createYear })),
        preview: tasksForYear(createYear),
        today,
        ...extra,
      },
      { layout: 'staff', status },
    );
  }

  app.get<{ Querystring: Query }>('/staff/reporting', { preHandler: requireStaff() }, async (request, reply) => {
    const created = request.query.created;
    return render(request, reply, { created: created && /^\d{1,2}$/.test(created) ? Number(created) : null });
  });

  app.post<{ Querystring: Query; Body: Record<string, string | undefined> }>('/staff/reporting/tasks', { preHandler: requireStaff(...service.TASK_ADMIN_ROLES) }, async (request, reply) => {
    const staff = request.staff!;
    if (!(await service.mayCreateTasks(db, staff))) throw forbidden();
    const thisYear = Number(todayInChina().slice(0, 4));
    const raw = request.body?.year ?? '';
    const year = /^\d{4}$/.test(raw) ? Number(raw) : NaN;
    if (!(year >= thisYear - 1 && year <= thisYear + 1)) {
      request.query.year = String(thisYear);
      return render(request, reply, { createError: 'reporting.create.bad_year' }, 400);
    }
    const created = await service.createTasksForYear(deps, year, staff);
    return reply.redirect(`/staff/reporting?year=${year}&created=${created.length}`, 303);
  });
}
