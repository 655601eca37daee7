/** An error with an HTTP status and a stable code; the message key says it in the user's language. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly messageKey?: string,
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const notFound = () => new AppError(404, 'NOT_FOUND', 'errors.not_found_body');
export const forbidden = () => new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
export const badRequest = (code = 'BAD_REQUEST', messageKey = 'errors.bad_request_body') => new AppError(400, code, messageKey);
