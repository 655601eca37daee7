// /staff/ledger: the ledger items of the user's unit and the units below it; entering items,
// progress with evidence, sign-off (对账销号) and sending back.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../plugins/auth.js';
import type { Deps } from '../shared/deps.js';
import { AppError, forbidden, notFound } from '../shared/errors.js';
import { record } from '../audit/index.js';
import { discardFiles, evidenceOf, findEvidence, originalName, readUploadForm, sendDownload, type FileProblem } from '../evidence/index.js';
import { findReport, visibleReportIds } from '../reports/index.js';
import { placeChain, placeLabel } from '../regions/index.js';
import { findUnit, supervisedUnitIds } from '../units/index.js';
import { todayInChina } from '../clocks/index.js';
import { ENTERABLE_SOURCES, ITEM_STATUSES, SOURCES, isItemStatus, isOverdue, isSource } from './catalog.js';
import * as repo from './repository.js';
import * as service from './service.js';
import { mayOfferReopen, mayReopen, reopenItem, SPOT_CHECK_REOPEN_ROLE, validateReopen } from './reopen.js';
import { rowIdOf } from '../db/dialect.js';

type Body = Record<string, string | undefined>;
const PAGE = 50;

export default async function staffLedgerRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  /** The item if this user may see it: its unit in their scope and, for a report's item, the report visible to them. */
  async function load(request: FastifyRequest<{ Params: { id: string } }>) {
    const staff = request.staff!;
    const item = await repo.findItem(db, Number(request.params.id));
    const scopeIds = await supervisedUnitIds(db, staff.unit.id);
    if (!item || !scopeIds.includes(item.unitId)) throw notFound();
    if (item.reportId && !(await visibleReportIds(db, staff, [item.reportId])).has(item.reportId)) throw notFound();
    return { item, scopeIds };
  }

  app.get<{ Querystring: Body }>('/staff/ledger', { preHandler: requireStaff() }, async (request, reply) => {
    const staff = request.staff!;
    const q = request.query;
    const scopeIds = await supervisedUnitIds(db, staff.unit.id);
    const today = todayInChina();
    const filter = {
      status: isItemStatus(q.status) ? q.status : undefined,
      source: isSource(q.source) ? q.source : undefined,
      overdue: q.overdue === '1',
      toSign: q.to_sign === '1',
    };
    const signable = scopeIds.filter((id) => id !== staff.unit.id || staff.unit.supervisorId === null);
    const canSign = service.MANAGING_ROLES.some((r) => staff.has(r));
    const before = rowIdOf(q.before);
    const rows = await repo.listItems(db, { unitIds: scopeIds, ...filter, signableUnitIds: filter.toSign ? (canSign ? signable : []) : undefined, today, before, limit: PAGE });
    // A report's items follow the report's visibility (recusal included).
    const reportIds = rows.map((r) => r.item.reportId).filter((x): x is number => x !== null);
    const visible = await visibleReportIds(db, staff, reportIds);
    const items = rows
      .filter((r) => r.item.reportId === null || visible.has(r.item.reportId))
      .map((r) => ({ ...r.item, unitName: r.unitName, regionName: r.regionName, overdue: isOverdue(r.item, today) }));
    const query = new URLSearchParams(Object.entries({ status: filter.status, source: filter.source, overdue: filter.overdue ? '1' : undefined, to_sign: filter.toSign ? '1' : undefined }).filter(([, v]) => v) as [string, string][]);
    const last = rows[rows.length - 1];
    return reply.page(
      'ledger/staff-list',
      {
        titleKey: 'ledger.staff.title',
        items,
        filter,
        statuses: ITEM_STATUSES,
        sources: SOURCES,
        canCreate: canSign && staff.unit.kind === 'civil_affairs',
        canSign,
        nextHref: rows.length === PAGE && last ? `/staff/ledger?${query.toString()}${query.size ? '&' : ''}before=${last.item.id}` : null,
      },
      { layout: 'staff' },
    );
  });

  async function renderNew(request: FastifyRequest, reply: FastifyReply, values: Body = {}, errors: service.FieldErrors = {}, status = 200) {
    const unitChoices = await service.assignableUnits(deps, request.staff!);
    return reply.page(
      'ledger/staff-new',
      { titleKey: 'ledger.staff.new_title', csrfToken: reply.generateCsrf(), sources: ENTERABLE_SOURCES, units: unitChoices.map((u) => ({ id: String(u.id), name: u.name })), values, errors, errorList: Object.entries(errors).map(([field, key]) => ({ field, key })), minDeadline: todayInChina() },
      { layout: 'staff', status },
    );
  }

  const managing = requireStaff(...service.MANAGING_ROLES);

  app.get('/staff/ledger/new', { preHandler: managing }, async (request, reply) => {
    if (request.staff!.unit.kind !== 'civil_affairs') throw forbidden();
    return renderNew(request, reply);
  });

  app.post<{ Body: Body }>('/staff/ledger/new', { preHandler: managing }, async (request, reply) => {
    const staff = request.staff!;
    if (staff.unit.kind !== 'civil_affairs') throw forbidden();
    const body = request.body ?? {};
    const allowed = await service.assignableUnits(deps, staff);
    const { input, errors } = service.validateItem(body, allowed);
    const values = { source: body.source, problem: body.problem, measures: body.measures, unit_id: body.unit_id, person: body.person, deadline: body.deadline };
    if (!input) return renderNew(request, reply, values, errors, 400);
    const item = await service.createItem(deps, staff, input, allowed.find((u) => u.id === input.unitId)!);
    return reply.redirect(`/staff/ledger/${item.id}?done=created`, 303);
  });

  async function renderItem(request: FastifyRequest, reply: FastifyReply, item: repo.Item, scopeIds: number[], extra: Record<string, unknown> = {}, status = 200) {
    const staff = request.staff!;
    const unit = await findUnit(db, item.unitId);
    const report = item.reportId ? await findReport(db, item.reportId) : undefined;
    const files = (await evidenceOf(db, 'ledger_item', item.id)).map((f) => ({ id: f.id, name: originalName(deps.keys.identity, f), size: f.size, createdAt: f.createdAt, cleaned: f.cleaned }));
    return reply.page(
      'ledger/staff-item',
      {
        title: `${item.id} · ${item.problem.slice(0, 30)}`,
        csrfToken: reply.generateCsrf(),
        item,
        unitName: unit?.name ?? '',
        place: placeLabel(await placeChain(db, item.regionCode)),
        report: report ? { id: report.id, caseNo: report.caseNo, status: report.status } : null,
        overdue: isOverdue(item),
        files,
        history: await service.historyOf(deps, item.id),
        can: {
          progress: service.mayReportProgress(staff, item, scopeIds),
          signOff: service.maySignOff(staff, item, scopeIds) && item.status === 'awaiting_signoff',
          reopen: mayOfferReopen(staff, item, scopeIds),
          // An inspector reopens only as a spot-check finding: the form says so instead of offering the choice.
          reopenOnlyAsSpotCheck: mayOfferReopen(staff, item, scopeIds) && !mayReopen(staff, item, scopeIds, false),
        },
        minDeadline: todayInChina(),
        waitingForAbove: item.status === 'awaiting_signoff' && !service.maySignOff(staff, item, scopeIds),
        ...extra,
      },
      { layout: 'staff', status },
    );
  }

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/staff/ledger/:id', { preHandler: requireStaff() }, async (request, reply) => {
    const { item, scopeIds } = await load(request);
    const done = request.query.done && /^[a-z_]{1,30}$/.test(request.query.done) ? request.query.done : null;
    return renderItem(request, reply, item, scopeIds, { done });
  });

  /** Runs an action; a refused one re-renders the item page with the message and the input kept. */
  async function act(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, name: string, run: (item: repo.Item, scopeIds: number[]) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void) {
    const { item, scopeIds } = await load(request);
    try {
      const problem = await run(item, scopeIds);
      if (problem) return renderItem(request, reply, (await repo.findItem(db, item.id))!, scopeIds, problem, 400);
    } catch (err) {
      if (err instanceof AppError && err.statusCode < 500 && err.statusCode !== 404 && err.messageKey?.startsWith('ledger.')) {
        return renderItem(request, reply, (await repo.findItem(db, item.id))!, scopeIds, { actionError: err.messageKey, failedAction: name, values: request.body }, err.statusCode);
      }
      throw err;
    }
    return reply.redirect(`/staff/ledger/${item.id}?done=${name}`, 303);
  }

  app.post<{ Params: { id: string } }>('/staff/ledger/:id/progress', { preHandler: requireStaff(...service.PROGRESS_ROLES) }, async (request, reply) =>
    act(request, reply, 'progress', async (item, scopeIds) => {
      if (!service.mayReportProgress(request.staff!, item, scopeIds)) throw item.status === 'signed_off' ? new service.LedgerError('signed_off') : forbidden();
      if (!request.isMultipart()) return { actionError: 'ledger.errors.progress_text', failedAction: 'progress' };
      const parsed = await readUploadForm(request, deps.dirs, { maxFileBytes: deps.config.upload.maxFileBytes, maxFiles: deps.config.upload.maxFiles, maxTotalBytes: deps.config.upload.maxReportBytes });
      const values = { progress: parsed.fields.progress ?? '', complete: parsed.fields.complete ?? '' };
      if (parsed.problems.length > 0) {
        discardFiles(parsed.files);
        return { fileProblems: parsed.problems as FileProblem[], failedAction: 'progress', values, droppedFiles: parsed.files.map((f) => f.originalName) };
      }
      try {
        await service.reportProgress(deps, request.staff!, item, values.progress, values.complete === '1', parsed.files, scopeIds);
      } catch (err) {
        discardFiles(parsed.files);
        if (err instanceof AppError && err.messageKey?.startsWith('ledger.')) return { actionError: err.messageKey, failedAction: 'progress', values, droppedFiles: parsed.files.map((f) => f.originalName) };
        throw err;
      }
    }),
  );

  app.post<{ Params: { id: string }; Body: Body }>('/staff/ledger/:id/sign-off', { preHandler: requireStaff(...service.MANAGING_ROLES) }, async (request, reply) =>
    act(request, reply, 'signed_off', async (item, scopeIds) => {
      await service.signOff(deps, request.staff!, item, scopeIds);
    }),
  );

  app.post<{ Params: { id: string }; Body: Body }>('/staff/ledger/:id/send-back', { preHandler: requireStaff(...service.MANAGING_ROLES) }, async (request, reply) =>
    act(request, reply, 'sent_back', async (item, scopeIds) => {
      await service.sendBack(deps, request.staff!, item, request.body?.note ?? '', scopeIds);
    }),
  );

  // 重新整改: a sign-off taken back (e.g. a spot check found the rectification was only on paper).
  app.post<{ Params: { id: string }; Body: Body }>('/staff/ledger/:id/reopen', { preHandler: requireStaff(...service.MANAGING_ROLES, SPOT_CHECK_REOPEN_ROLE) }, async (request, reply) =>
    act(request, reply, 'reopened', async (item, scopeIds) => {
      const body = request.body ?? {};
      const values = { reason: body.reason ?? '', deadline: body.deadline ?? '', spot_check: body.spot_check ?? '' };
      const { input, errors } = validateReopen(body);
      // Refused before the form is judged: a user who may not reopen learns nothing from field errors.
      if (item.status === 'signed_off' && !mayReopen(request.staff!, item, scopeIds, values.spot_check === '1')) throw forbidden();
      if (!input) return { reopenErrors: errors, failedAction: 'reopened', values };
      await reopenItem(deps, request.staff!, item, input, scopeIds);
    }),
  );

  // Evidence: checked for scope, audited, always a download (never rendered inline).
  app.get<{ Params: { id: string; fileId: string } }>('/staff/ledger/:id/files/:fileId', { preHandler: requireStaff() }, async (request, reply) => {
    const { item } = await load(request);
    const file = await findEvidence(db, Number(request.params.fileId));
    if (!file || file.ownerType !== 'ledger_item' || file.ownerId !== item.id) throw notFound();
    await record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'evidence.download', object: { type: 'evidence', id: file.id }, detail: { ledgerItem: item.id } });
    return sendDownload(reply, { dirs: deps.dirs, key: deps.keys.files }, file, `ledger-${item.id}-${file.id}.${file.ext}`);
  });
}
