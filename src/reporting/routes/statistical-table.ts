// /staff/reporting/tables: the province's 统计报表 (issue 24) of a month or quarter as XLSX. Without a
// period, a form to choose one (and, for a unit above, which unit); with one, the file. The table of
// a unit is read by anyone of that unit and by the supervisors, leads and handlers of a unit above
// it (the reporting visibility rule); anything else is 404, as for the submissions.
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { civilAffairsUnitsAtLevel, findUnit, supervisedUnitIds, type Unit } from '../../units/index.js';
import { todayInChina } from '../../clocks/index.js';
import { buildStatisticalTable, defaultPeriodKey, parseTablePeriod, periodChoiceLabel, recentPeriods, rowLevelOf } from '../statistical-table.js';
import { writeStatisticalTableXlsx } from '../statistical-table-xlsx.js';
import { ABOVE_VIEW_ROLES } from '../service.js';
import { rowIdOf } from '../../db/dialect.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Query = { period?: string; unit?: string };

export default async function statisticalTableRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;

  /** The units whose table this user may read: the own unit first, then those below (for the roles above). */
  async function readableUnits(request: FastifyRequest): Promise<Unit[]> {
    const staff = request.staff!;
    const own = (await rowLevelOf(db, staff.unit)) ? [staff.unit] : [];
    if (staff.unit.kind !== 'civil_affairs' || !ABOVE_VIEW_ROLES.some((r) => staff.has(r))) return own;
    const scope = await supervisedUnitIds(db, staff.unit.id);
    const below = [...(await civilAffairsUnitsAtLevel(db, 'prefecture', scope)), ...(await civilAffairsUnitsAtLevel(db, 'county', scope))].filter((u) => u.id !== staff.unit.id);
    return [...own, ...below];
  }

  /** The unit asked for (`?unit=`, else the own unit), if this user may read its table; else 404. */
  async function unitAsked(request: FastifyRequest<{ Querystring: Query }>): Promise<Unit> {
    const staff = request.staff!;
    const raw = request.query.unit;
    const id = raw ? rowIdOf(raw) : staff.unit.id;
    if (id === undefined) throw notFound();
    const unit = id === staff.unit.id ? staff.unit : await findUnit(db, id);
    if (!unit || !(await rowLevelOf(db, unit))) throw notFound();
    if (unit.id === staff.unit.id) return unit;
    if (staff.unit.kind !== 'civil_affairs' || !ABOVE_VIEW_ROLES.some((r) => staff.has(r))) throw notFound();
    if (!(await supervisedUnitIds(db, staff.unit.id)).includes(unit.id)) throw notFound();
    return unit;
  }

  async function form(request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply, unit: Unit, status = 200, error: string | null = null) {
    const today = todayInChina();
    const units = await readableUnits(request);
    // A valid period asked for stays chosen; else (none, or an invalid one) the last complete month.
    const chosen = parseTablePeriod(request.query.period, today)?.key ?? defaultPeriodKey(today);
    return reply.page(
      'reporting/tables',
      {
        titleKey: 'reporting.tables.page_title',
        error,
        periods: recentPeriods(today).map((key) => ({ key, label: periodChoiceLabel(parseTablePeriod(key, today)!, request.locale, today), selected: key === chosen })),
        units: units.map((u) => ({ id: u.id, name: u.name, selected: u.id === unit.id })),
        chooseUnit: units.length > 1,
      },
      { layout: 'staff', status },
    );
  }

  app.get<{ Querystring: Query }>('/staff/reporting/tables', { preHandler: requireStaff() }, async (request, reply) => {
    const unit = await unitAsked(request);
    if (request.query.period === undefined || request.query.period === '') return form(request, reply, unit);
    const today = todayInChina();
    const period = parseTablePeriod(request.query.period, today);
    if (!period) return form(request, reply, unit, 400, 'reporting.tables.bad_period');

    const table = await buildStatisticalTable(db, unit, period);
    const name = `${unit.name}-${table.title}.xlsx`;
    reply.header('Content-Type', XLSX_TYPE);
    // An ASCII fallback name, and the Chinese one for browsers that read RFC 5987.
    reply.header('Content-Disposition', `attachment; filename="statistics-${unit.regionCode}-${period.key}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`);
    reply.header('Cache-Control', 'no-store');
    reply.header('X-Content-Type-Options', 'nosniff');
    const out = new PassThrough();
    // Written while it is sent; a failure half-way ends the download broken rather than silently short.
    void writeStatisticalTableXlsx(out, table, today).catch((err: unknown) => {
      request.log.error({ err }, 'statistical table xlsx failed');
      out.destroy(err as Error);
    });
    return reply.send(out);
  });
}
