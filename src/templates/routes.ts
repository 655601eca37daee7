// /staff/templates: 常用答复 — list (the unit's own and the province-wide ones, by category) and,
// for leads and supervisors, create, edit and delete. Forms come back with messages and input kept.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../plugins/auth.js';
import { CATEGORIES, isCategory } from '../reports/index.js';
import type { Deps } from '../shared/deps.js';
import { notFound, forbidden } from '../shared/errors.js';
import { listVisible, type AnswerTemplate } from './repository.js';
import { BODY_MAX, TITLE_MAX, canEdit, canManage, createTemplate, editTemplate, isProvinceUser, removeTemplate, visibleTemplate, type FieldErrors } from './service.js';
import { textField } from '../shared/form-fields.js';
import { rowIdOf } from '../db/dialect.js';

type Body = Record<string, unknown>;

const DONE = ['created', 'updated', 'deleted'] as const;


function parseId(raw: string): number {
  return rowIdOf(raw) ?? 0;
}

export default async function templateRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;
  const managers = requireStaff('lead', 'supervisor');

  app.get<{ Querystring: { category?: string; done?: string } }>('/staff/templates', { preHandler: requireStaff() }, async (request, reply) => {
    const staff = request.staff!;
    const category = isCategory(request.query.category) ? request.query.category : undefined;
    const items = (await listVisible(db, staff.unit.id, category)).map((t) => ({
      id: t.id,
      title: t.title,
      category: t.category,
      body: t.body,
      province: t.unitId === null,
      updatedAt: t.updatedAt,
      editable: canEdit(staff, t),
    }));
    return reply.page(
      'templates/list',
      {
        titleKey: 'templates.title',
        csrfToken: reply.generateCsrf(),
        items,
        category: category ?? '',
        categories: CATEGORIES.map((c) => ({ value: c, selected: c === category })),
        canCreate: canManage(staff),
        done: (DONE as readonly string[]).includes(request.query.done ?? '') ? request.query.done : null,
      },
      { layout: 'staff' },
    );
  });

  interface FormData {
    values: Record<string, string>;
    errors?: FieldErrors;
    template?: AnswerTemplate;
  }

  function renderForm(request: FastifyRequest, reply: FastifyReply, data: FormData, status = 200) {
    const staff = request.staff!;
    const errors = data.errors ?? {};
    const errorList = Object.entries(errors).map(([f, key]) => ({ field: f, key }));
    return reply.page(
      'templates/form',
      {
        titleKey: data.template ? 'templates.edit_title' : 'templates.new_title',
        csrfToken: reply.generateCsrf(),
        template: data.template ? { id: data.template.id, province: data.template.unitId === null } : null,
        values: data.values,
        errors,
        errorList,
        hasErrors: errorList.length > 0,
        categories: CATEGORIES.map((c) => ({ value: c, selected: c === data.values.category })),
        provinceUser: isProvinceUser(staff),
        unitName: staff.unit.name,
        titleMax: TITLE_MAX,
        bodyMax: BODY_MAX,
      },
      { layout: 'staff', status },
    );
  }

  const input = (body: Body) => ({
    category: textField(body, 'category', 40),
    title: textField(body, 'title', TITLE_MAX * 4),
    // Longer than allowed is kept (cut generously) so the person can shorten it rather than retype.
    body: textField(body, 'body', BODY_MAX * 2),
    scope: textField(body, 'scope', 20),
  });

  app.get<{ Querystring: { category?: string } }>('/staff/templates/new', { preHandler: managers }, async (request, reply) =>
    renderForm(request, reply, { values: { category: isCategory(request.query.category) ? request.query.category : '', scope: 'unit' } }),
  );

  app.post<{ Body: Body }>('/staff/templates', { preHandler: managers }, async (request, reply) => {
    const values = input(request.body ?? {});
    const result = await createTemplate(deps, request.staff!, values);
    if (result.id === undefined) return renderForm(request, reply, { values, errors: result.errors }, 400);
    return reply.redirect(`/staff/templates?done=created&category=${encodeURIComponent(values.category)}#template-${result.id}`, 303);
  });

  app.get<{ Params: { id: string } }>('/staff/templates/:id/edit', { preHandler: managers }, async (request, reply) => {
    const template = await visibleTemplate(db, request.staff!, parseId(request.params.id));
    if (!canEdit(request.staff!, template)) throw forbidden();
    return renderForm(request, reply, { template, values: { category: template.category, title: template.title, body: template.body } });
  });

  app.post<{ Params: { id: string }; Body: Body }>('/staff/templates/:id', { preHandler: managers }, async (request, reply) => {
    const template = await visibleTemplate(db, request.staff!, parseId(request.params.id));
    const values = input(request.body ?? {});
    const { errors } = await editTemplate(deps, request.staff!, template, values);
    if (Object.keys(errors).length > 0) return renderForm(request, reply, { template, values, errors }, 400);
    return reply.redirect(`/staff/templates?done=updated&category=${encodeURIComponent(values.category)}#template-${template.id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/staff/templates/:id/delete', { preHandler: managers }, async (request, reply) => {
    const id = parseId(request.params.id);
    if (!id) throw notFound();
    const template = await visibleTemplate(db, request.staff!, id);
    await removeTemplate(deps, request.staff!, template);
    return reply.redirect('/staff/templates?done=deleted', 303);
  });
}
