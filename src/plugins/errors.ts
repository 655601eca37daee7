// One handler renders every error page in the user's language; 5xx details stay in the log.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.js';

interface ErrorView {
  status: number;
  code: string;
  titleKey: string;
  bodyKey: string;
}

function classify(error: FastifyError | AppError): ErrorView {
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  const code = (error as { code?: string }).code ?? 'ERROR';
  if (error instanceof AppError && status < 500) {
    const titles: Record<number, string> = { 404: 'errors.not_found_title', 403: 'errors.forbidden_title', 429: 'errors.too_many_title' };
    return { status, code, titleKey: titles[status] ?? 'errors.bad_request_title', bodyKey: error.messageKey ?? 'errors.bad_request_body' };
  }
  if (code.startsWith('FST_CSRF')) return { status: 403, code: 'CSRF', titleKey: 'errors.csrf_title', bodyKey: 'errors.csrf_body' };
  if (status === 404) return { status, code: 'NOT_FOUND', titleKey: 'errors.not_found_title', bodyKey: 'errors.not_found_body' };
  if (status === 403) return { status, code: 'FORBIDDEN', titleKey: 'errors.forbidden_title', bodyKey: 'errors.forbidden_body' };
  if (status === 429) return { status, code: 'TOO_MANY', titleKey: 'errors.too_many_title', bodyKey: 'errors.too_many_body' };
  if (status < 500) return { status, code, titleKey: 'errors.bad_request_title', bodyKey: 'errors.bad_request_body' };
  return { status, code: 'SERVER_ERROR', titleKey: 'errors.server_title', bodyKey: 'errors.server_body' };
}

export function renderError(reply: FastifyReply, view: ErrorView) {
  const staff = reply.request.url.startsWith('/staff');
  reply.header('Cache-Control', 'no-store');
  return reply.page('errors/error', { titleKey: view.titleKey, bodyKey: view.bodyKey, errorCode: view.code }, { status: view.status, layout: staff ? 'staff' : 'public' });
}

export default fp(
  async (app) => {
    app.setErrorHandler(async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const view = classify(error);
      if (view.status >= 500) request.log.error({ err: error }, 'request failed');
      const headers = (error as { headers?: Record<string, string> }).headers;
      if (view.status === 429 && headers) reply.headers(headers);
      return renderError(reply, view);
    });
    app.setNotFoundHandler(async (_request, reply) =>
      renderError(reply, { status: 404, code: 'NOT_FOUND', titleKey: 'errors.not_found_title', bodyKey: 'errors.not_found_body' }),
    );
  },
  { name: 'errors', dependencies: ['views'] },
);
