// /staff/spot-checks: the rounds of the user's unit, planning a new one, a round's page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { forbidden } from '../../shared/errors.js';
import * as repo from '../repository.js';
import * as service from '../service.js';
import { MAX_TOWNSHIPS, validateRound, type FieldErrors } from '../validate.js';
import { loadRound, roundPage } from '../view-model.js';

type Body = Record<string, string | undefined>;

export default async function roundRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;
  const inspecting = requireStaff(...service.SPOT_CHECK_ROLES);

  async function regionOf(request: FastifyRequest) {
    const region = await service.inspectedRegion(deps, request.staff!);
    if (!region) throw forbidden();
    return region;
  }

  app.get('/staff/spot-checks', { preHandler: inspecting }, async (request, reply) => {
    const staff = request.staff!;
    await regionOf(request);
    const rounds = (await repo.roundsOf(db, staff.unit.id)).map((r) => ({ ...r.round, checked: r.checked }));
    return reply.page('spot-checks/list', { titleKey: 'spot_checks.title', rounds, unitName: staff.unit.name }, { layout: 'staff' });
  });

  async function renderNew(request: FastifyRequest, reply: FastifyReply, values: Body, errors: FieldErrors = {}, status = 200) {
    const region = await regionOf(request);
    const restrictions = await service.restrictionChoices(deps, region);
    return reply.page(
      'spot-checks/new',
      {
        titleKey: 'spot_checks.new.title',
        csrfToken: reply.generateCsrf(),
        regionName: region.name,
        restrictions: restrictions.map((r) => ({ ...r, indent: r.level === 'county' && region.level === 'province' })),
        values,
        errors,
        errorList: Object.entries(errors).map(([field, key]) => ({ field, key })),
        max: MAX_TOWNSHIPS,
        staleDays: service.STALE_ROSTER_DAYS,
        windowDays: service.REPORT_WINDOW_DAYS,
      },
      { layout: 'staff', status },
    );
  }

  app.get('/staff/spot-checks/new', { preHandler: inspecting }, async (request, reply) => renderNew(request, reply, { count: '5', random_count: '2' }));

  app.post<{ Body: Body }>('/staff/spot-checks/new', { preHandler: inspecting }, async (request, reply) => {
    const staff = request.staff!;
    const region = await regionOf(request);
    const body = request.body ?? {};
    const values = { name: body.name, count: body.count, random_count: body.random_count, region: body.region };
    const { input, errors } = validateRound(body, region.code, await service.restrictionChoices(deps, region));
    if (!input) return renderNew(request, reply, values, errors, 400);
    try {
      const { round } = await service.planRound(deps, { userId: staff.user.id, unit: staff.unit }, input);
      return reply.redirect(`/staff/spot-checks/${round.id}?done=planned`, 303);
    } catch (err) {
      if (err instanceof service.SpotCheckError) return renderNew(request, reply, values, { region: err.messageKey! }, err.statusCode);
      throw err;
    }
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/staff/spot-checks/:id', { preHandler: requireStaff() }, async (request, reply) => {
    const round = await loadRound(deps, request);
    const done = request.query.done && /^[a-z_]{1,20}$/.test(request.query.done) ? request.query.done : null;
    const signals = await service.signalsAt(deps, request.staff!.unit.regionCode);
    return reply.page('spot-checks/round', { title: round.name, done, ...(await roundPage(deps, round, signals)) }, { layout: 'staff' });
  });
}
