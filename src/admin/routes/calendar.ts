// /staff/admin/calendar: the operator's holiday overrides and the years declared fully entered.
// Every administrator sees the page and its warning; the table decides working-day deadlines for
// the whole province, so only administrators of 省民政厅 change it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { dateFieldValue } from '../../shared/date-input.js';
import { calendarOverview, declareYear, parseYear, removeOverride, setOverride, undeclareYear, validateOverride, yearRanges, type OverrideErrors, type OverrideValues } from '../calendar-service.js';
import { isTopUnit } from '../scope.js';

type Body = Record<string, string | undefined>;
const DONE = ['added', 'removed', 'declared', 'withdrawn'] as const;

export default async function calendarAdminRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const admin = { preHandler: requireStaff('system_admin') };

  interface Extra {
    values?: OverrideValues;
    errors?: OverrideErrors;
    year?: string;
    yearError?: string;
    actionError?: string;
    done?: string | null;
  }

  async function render(request: FastifyRequest, reply: FastifyReply, extra: Extra = {}, status = 200) {
    const overview = await calendarOverview(deps.db);
    const errors = extra.errors ?? {};
    return reply.page(
      'admin/calendar',
      {
        titleKey: 'admin.calendar.title',
        csrfToken: reply.generateCsrf(),
        canEdit: isTopUnit(request.staff!.unit),
        ...overview,
        packageYearsText: yearRanges(overview.packageYears),
        values: extra.values ?? { date: '', kind: 'holiday', note: '' },
        errors,
        errorList: (['date', 'kind', 'note'] as const).filter((f) => errors[f]).map((f) => ({ field: f, key: errors[f]! })),
        year: extra.year ?? '',
        yearError: extra.yearError ?? null,
        actionError: extra.actionError ?? null,
        doneKey: extra.done ? `admin.calendar.done.${extra.done}` : null,
      },
      { layout: 'staff', status },
    );
  }

  /** Edits: administrators of 省民政厅 only; a refused action re-renders the page with its message. */
  async function edit(request: FastifyRequest, reply: FastifyReply, run: () => Promise<unknown>, keep: Extra = {}) {
    if (!isTopUnit(request.staff!.unit)) throw new AppError(403, 'FORBIDDEN', 'admin.errors.calendar_forbidden');
    try {
      return await run();
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) return render(request, reply, { ...keep, actionError: err.messageKey }, 409);
      throw err;
    }
  }

  app.get<{ Querystring: { done?: string } }>('/staff/admin/calendar', admin, async (request, reply) =>
    render(request, reply, { done: (DONE as readonly string[]).includes(request.query.done ?? '') ? request.query.done! : null }),
  );

  app.post<{ Body: Body }>('/staff/admin/calendar/overrides', admin, async (request, reply) => {
    const values: OverrideValues = { date: dateFieldValue(request.body?.date ?? ''), kind: (request.body?.kind ?? '').trim(), note: (request.body?.note ?? '').trim() };
    return edit(request, reply, async () => {
      const errors = validateOverride(values);
      if (Object.keys(errors).length) return render(request, reply, { values, errors }, 400);
      await setOverride(deps, request.staff!, values);
      return reply.redirect('/staff/admin/calendar?done=added', 303);
    });
  });

  app.post<{ Params: { date: string } }>('/staff/admin/calendar/overrides/:date/delete', admin, async (request, reply) =>
    edit(request, reply, async () => {
      await removeOverride(deps, request.staff!, request.params.date);
      return reply.redirect('/staff/admin/calendar?done=removed', 303);
    }),
  );

  app.post<{ Body: Body }>('/staff/admin/calendar/years', admin, async (request, reply) => {
    const raw = (request.body?.year ?? '').trim();
    return edit(
      request,
      reply,
      async () => {
        const year = parseYear(raw);
        if (year === null) return render(request, reply, { year: raw, yearError: 'admin.calendar.errors.year' }, 400);
        await declareYear(deps, request.staff!, year);
        return reply.redirect('/staff/admin/calendar?done=declared', 303);
      },
      { year: raw },
    );
  });

  app.post<{ Params: { year: string } }>('/staff/admin/calendar/years/:year/delete', admin, async (request, reply) =>
    edit(request, reply, async () => {
      const year = parseYear(request.params.year);
      if (year !== null) await undeclareYear(deps, request.staff!, year);
      return reply.redirect('/staff/admin/calendar?done=withdrawn', 303);
    }),
  );
}
