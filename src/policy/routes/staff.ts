// Staff editing of policy pages: list, new, edit with a preview of the sanitized rendering.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { renderMarkdown } from '../markdown.js';
import * as repo from '../repository.js';
import { normalizeInput, requirePolicyEditor, savePolicy, type PolicyErrors, type PolicyInput } from '../service.js';

type Body = Record<string, string | undefined>;

export default async function staffPolicyRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;
  const editor = [requireStaff('lead', 'supervisor', 'system_admin'), async (request: FastifyRequest) => requirePolicyEditor(request.staff!)];

  app.get('/staff/policy', { preHandler: editor }, async (_request, reply) => {
    return reply.page('policy/staff-list', { titleKey: 'policy.staff.title', pages: await repo.allPages(db) }, { layout: 'staff' });
  });

  function form(reply: FastifyReply, page: repo.PolicyPage | null, values: PolicyInput, extra: { errors?: PolicyErrors; done?: string | null } = {}, status = 200) {
    return reply.page(
      'policy/staff-edit',
      {
        titleKey: page ? 'policy.staff.edit_title' : 'policy.staff.new_title',
        page,
        values,
        action: page ? `/staff/policy/${page.id}` : '/staff/policy/new',
        preview: values.bodyMarkdown ? renderMarkdown(values.bodyMarkdown) : '',
        csrfToken: reply.generateCsrf(),
        errors: extra.errors ?? null,
        done: extra.done ?? null,
      },
      { layout: 'staff', status },
    );
  }

  const load = async (id: string) => {
    const page = /^\d{1,12}$/.test(id) ? await repo.findPage(db, Number(id)) : undefined;
    if (!page) throw notFound();
    return page;
  };

  app.get('/staff/policy/new', { preHandler: editor }, async (_request, reply) => form(reply, null, { slug: '', title: '', bodyMarkdown: '', published: false }));

  app.post<{ Body: Body }>('/staff/policy/new', { preHandler: editor }, async (request, reply) => {
    const input = normalizeInput(request.body ?? {});
    const saved = await savePolicy(deps, request.staff!, null, input);
    if (saved.errors) return form(reply, null, input, { errors: saved.errors }, 400);
    return reply.redirect(`/staff/policy/${saved.page.id}?done=saved`, 303);
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/staff/policy/:id', { preHandler: editor }, async (request, reply) => {
    const page = await load(request.params.id);
    return form(reply, page, { slug: page.slug, title: page.title, bodyMarkdown: page.bodyMarkdown, published: page.published }, { done: request.query.done === 'saved' ? 'saved' : null });
  });

  app.post<{ Params: { id: string }; Body: Body }>('/staff/policy/:id', { preHandler: editor }, async (request, reply) => {
    const page = await load(request.params.id);
    const input = normalizeInput(request.body ?? {});
    const saved = await savePolicy(deps, request.staff!, page.id, input);
    if (saved.errors) return form(reply, page, input, { errors: saved.errors }, 400);
    return reply.redirect(`/staff/policy/${page.id}?done=saved`, 303);
  });
}
