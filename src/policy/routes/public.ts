// Public policy explainers: the list (with search) and each page, rendered as sanitized HTML. Cacheable.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { htmlText, plainText, renderMarkdown } from '../markdown.js';
import * as repo from '../repository.js';
import { SLUG } from '../service.js';

/** The first `chars` characters of a page's plain text (plainText or htmlText). */
function excerpt(plain: string, chars = 80): string {
  const text = Array.from(plain.replace(/\s+/g, ' '));
  return text.length > chars ? `${text.slice(0, chars).join('')}…` : text.join('');
}

export default async function publicPolicyRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;

  app.get<{ Querystring: { q?: string } }>('/policy', { config: { publicCache: true } }, async (request, reply) => {
    const q = (request.query.q ?? '').trim().slice(0, 100) || undefined;
    const pages = (await repo.publishedPages(db, q)).map((p) => ({ slug: p.slug, title: p.title, updatedAt: p.updatedAt, excerpt: excerpt(plainText(p.bodyMarkdown)) }));
    return reply.page('policy/index', { titleKey: 'policy.public.title', descriptionKey: 'policy.public.description', q, pages });
  });

  app.get<{ Params: { slug: string } }>('/policy/:slug', { config: { publicCache: true } }, async (request, reply) => {
    const slug = request.params.slug;
    const page = SLUG.test(slug) && slug.length <= 64 ? await repo.findPageBySlug(db, slug) : undefined;
    if (!page || !page.published) throw notFound();
    // Rendered once: the description is taken from the same HTML.
    const html = renderMarkdown(page.bodyMarkdown);
    return reply.page('policy/page', { title: page.title, description: excerpt(htmlText(html), 120), page: { title: page.title, updatedAt: page.updatedAt }, html });
  });
}
