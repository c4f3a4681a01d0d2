/**
 * Globus's error document, as the Transfer API returns it with a 4xx or 5xx status
 * (`{"code": "EndpointNotFound", "message": "...", "request_id": "...", "resource": "..."}`).
 *
 * @since 0.1.0
 */
export interface GlobusErrorBody {
  /** Globus's error code, e.g. `EndpointNotFound`, `PermissionDenied`, `AuthenticationFailed`. */
  readonly code: string;
  /** Globus's message. */
  readonly message: string;
  /** The request's id at Globus (for Globus support). */
  readonly request_id?: string;
  /** The resource the request named. */
  readonly resource?: string;
}

/** What went wrong, as far as a user can act on it. */
export type GlobusFailureKind = 'expired-token' | 'permission' | 'endpoint-not-found' | 'unreachable' | 'other';

/**
 * A failed call to Globus: what was being done, the HTTP status (0 when Globus could not be
 * reached) and Globus's error document.
 *
 * @since 0.1.0
 */
export class GlobusApiError extends Error {
  /** What the call was doing, e.g. `submit the transfer`. */
  readonly what: string;
  /** The HTTP status; 0 when there was no answer. */
  readonly status: number;
  /** Globus's error document. */
  readonly body: GlobusErrorBody;

  constructor(what: string, status: number, body: GlobusErrorBody, cause?: unknown) {
    super(`${what}: ${status === 0 ? '' : `HTTP ${status} `}${body.code}: ${body.message}${body.request_id ? ` (request ${body.request_id})` : ''}`, cause === undefined ? undefined : { cause });
    this.name = 'GlobusApiError';
    this.what = what;
    this.status = status;
    this.body = body;
  }

  /** The kind of failure, from the status and Globus's code. */
  get kind(): GlobusFailureKind {
    const code = this.body.code;
    if (this.status === 0) return 'unreachable';
    if (this.status === 401 || /AuthenticationFailed|invalid_client|invalid_grant|TokenExpired/i.test(code)) return 'expired-token';
    if (/EndpointNotFound/.test(code) || (this.status === 404 && /endpoint|collection/i.test(`${this.body.message} ${this.body.resource ?? ''}`))) return 'endpoint-not-found';
    if (this.status === 403 || /PermissionDenied|ConsentRequired|Forbidden/i.test(code)) return 'permission';
    return 'other';
  }
}
