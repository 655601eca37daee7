// Handlebars through @fastify/view, with the shared page context every layout needs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import view from '@fastify/view';
import Handlebars from 'handlebars';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOCALES, type Config } from '../config.js';
import { translate } from '../i18n/translate.js';
import { helpers } from '../views/helpers/index.js';

export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

export type Layout = 'public' | 'staff' | 'print';

export interface PageOptions {
  layout?: Layout;
  status?: number;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders views/<template>.hbs inside a layout with the shared page context. */
    page(template: string, data?: Record<string, unknown>, options?: PageOptions): FastifyReply;
  }
  interface FastifyInstance {
    /** Extra context every page gets (the staff user, the footer …), added by other plugins. */
    addPageContext(fn: (request: FastifyRequest) => Record<string, unknown>): void;
  }
}

/**
 * Partials live in views/partials and in a `partials` folder beside a feature's or a feature part's
 * pages (views/<feature>[/<part>]/partials); named `name`, `feature/name` or `feature/part/name`.
 */
function findPartials(root: string): Record<string, string> {
  const partials: Record<string, string> = {};
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.hbs')) continue;
    const folder = path.relative(root, entry.parentPath).split(path.sep);
    if (folder.at(-1) !== 'partials') continue;
    const prefix = folder.slice(0, -1).map((part) => `${part}/`).join('');
    partials[prefix + entry.name.slice(0, -4)] = path.relative(root, path.join(entry.parentPath, entry.name));
  }
  return partials;
}

/** A local path only: one leading slash, no scheme, no protocol-relative `//host` (no open redirect). */
export function safeLocalPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\\]/.test(next)) return fallback;
  return next;
}

export default fp(
  async (app, opts: { config: Config }) => {
    const engine = Handlebars.create();
    for (const [name, helper] of Object.entries(helpers)) engine.registerHelper(name, helper as Handlebars.HelperDelegate);
    await app.register(view, {
      engine: { handlebars: engine },
      root: VIEWS_DIR,
      production: opts.config.production,
      options: { partials: findPartials(VIEWS_DIR) },
    });

    const contextFns: ((request: FastifyRequest) => Record<string, unknown>)[] = [];
    app.decorate('addPageContext', (fn: (request: FastifyRequest) => Record<string, unknown>) => {
      contextFns.push(fn);
    });

    app.decorateReply('page', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}, options: PageOptions = {}) {
      const request = this.request;
      const locale = request.locale;
      const here = request.url;
      const context: Record<string, unknown> = {
        locale,
        htmlLang: locale,
        careMode: request.careMode,
        currentPath: here,
        siteName: translate(locale, 'site.name'),
        languages: LOCALES.map((l) => ({
          locale: l,
          label: translate(l, `lang.${l}`),
          href: `/lang/${l}?next=${encodeURIComponent(here)}`,
          current: l === locale,
        })),
        careHref: `/care/${request.careMode ? 'off' : 'on'}?next=${encodeURIComponent(here)}`,
      };
      for (const fn of contextFns) Object.assign(context, fn(request));
      if (context.staffUser) context.staffCsrf = this.generateCsrf();
      Object.assign(context, data);
      if (options.status) this.code(options.status);
      this.header('Content-Language', locale);
      return this.view(`${template}.hbs`, context, { layout: `layouts/${options.layout ?? 'public'}.hbs` });
    });
  },
  { name: 'views', dependencies: ['preferences'] },
);
