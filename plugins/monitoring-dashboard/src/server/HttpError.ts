/**
 * An API answer other than 200: the HTTP status and a stable code, sent as
 * `{ "code": ..., "message": ... }`.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}

/**
 * The codes of API error responses (documented in the README): a bad query parameter, an
 * unknown run, task or path, a method other than GET/HEAD, a request for another host name, and
 * a failure while reading the database.
 */
export const ApiErrorCodes = {
  BadRequest: 'PARSL_DASHBOARD_BAD_REQUEST',
  NotFound: 'PARSL_DASHBOARD_NOT_FOUND',
  MethodNotAllowed: 'PARSL_DASHBOARD_METHOD',
  ForbiddenHost: 'PARSL_DASHBOARD_FORBIDDEN_HOST',
  Internal: 'PARSL_DASHBOARD_INTERNAL',
} as const;
