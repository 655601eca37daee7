// Shared pieces of the cross-check routes: who may come in, and reading form fields.
import type { FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import { forbidden } from '../../shared/errors.js';
import { canView, VIEW_ROLES } from '../scope.js';
import { rowIdOf } from '../../db/dialect.js';

export type Body = Record<string, unknown>;

/** Signed in with a viewing role, in a civil-affairs bureau or township government. */
export const viewGuard = {
  preHandler: [
    requireStaff(...VIEW_ROLES),
    async (request: FastifyRequest) => {
      if (!canView(request.staff!)) throw forbidden();
    },
  ],
};

export { textField as field } from '../../shared/form-fields.js';

/** A numeric route parameter, or null. */
export function idParam(value: string): number | null {
  return rowIdOf(value) ?? null;
}
