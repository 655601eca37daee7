// Display preferences (language, care mode) read from plain cookies, so public pages need no
// session and stay cacheable, keyed on these two cookies (DESIGN.md §6).
import fp from 'fastify-plugin';
import type { Config, Locale } from '../config.js';
import { isLocale } from '../i18n/translate.js';

export const LANG_COOKIE = 'lang';
export const CARE_COOKIE = 'care';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    careMode: boolean;
  }
}

export default fp(
  async (app, opts: { config: Config }) => {
    app.decorateRequest('locale', opts.config.defaultLocale);
    app.decorateRequest('careMode', false);
    app.addHook('onRequest', async (request) => {
      const lang = request.cookies[LANG_COOKIE];
      request.locale = isLocale(lang) ? lang : opts.config.defaultLocale;
      request.careMode = request.cookies[CARE_COOKIE] === '1';
    });
  },
  { name: 'preferences', dependencies: ['@fastify/cookie'] },
);
