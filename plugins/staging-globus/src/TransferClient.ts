import * as auth from '@globus/sdk/services/auth';
import * as transfer from '@globus/sdk/services/transfer';
import { GlobusApiError, type GlobusErrorBody } from './GlobusApiError.js';

/** The scope of the Transfer API, asked for by client credentials. */
export const TRANSFER_SCOPE = 'urn:globus:auth:scope:transfer.api.globus.org:all';

/**
 * How the client authenticates: a confidential client's id and secret (client credentials; the
 * token is fetched from Globus Auth and renewed when it expires), or an access token for the
 * Transfer API obtained by the user (a string, or a function that returns a current one).
 *
 * @since 0.1.0
 */
export type GlobusCredentials =
  | { readonly clientId: string; readonly clientSecret: string }
  | { readonly accessToken: string | (() => string | Promise<string>) };

/**
 * The parts of a Transfer API task document the staging provider reads.
 *
 * @since 0.1.0
 */
export interface TransferTask {
  /** The task id. */
  readonly task_id: string;
  /** `ACTIVE`, `INACTIVE`, `SUCCEEDED` or `FAILED`. */
  readonly status: 'ACTIVE' | 'INACTIVE' | 'SUCCEEDED' | 'FAILED';
  /** Why a FAILED task failed. */
  readonly fatal_error: { readonly code: string; readonly description: string } | null;
  /** A short word on how the task is doing (`OK`, `Queued`, or an error such as `PERMISSION_DENIED`). */
  readonly nice_status: string | null;
}

/** One transfer to submit. */
export interface TransferRequest {
  readonly sourceEndpoint: string;
  readonly sourcePath: string;
  readonly destinationEndpoint: string;
  readonly destinationPath: string;
  readonly label: string;
  /** 0 exists, 1 size, 2 mtime, 3 checksum. */
  readonly syncLevel: 0 | 1 | 2 | 3;
  readonly verifyChecksum: boolean;
  readonly preserveTimestamp: boolean;
  /** ISO 8601: Globus gives up on the task after this. */
  readonly deadline: string;
}

/** Options of {@link TransferClient}. */
export interface TransferClientOptions {
  readonly credentials: GlobusCredentials;
  /** The Globus environment (`production`, `sandbox`, ...); default the SDK's (production). */
  readonly environment?: string;
  /** Bound on each HTTP request, in ms. */
  readonly requestTimeoutMs: number;
  /** How often a request that met a transient failure (network, 429, 5xx) is tried again. */
  readonly retries: number;
}

/**
 * A small client of the Globus Transfer API on the official `@globus/sdk`: a submission id, a
 * transfer submission, a task's status, a cancel. It adds what the SDK leaves to callers: the
 * Authorization header (client credentials renewed on a 401, or the user's token), bounded
 * requests, retries with backoff for transient failures (the submission id makes a repeated
 * submission safe), and errors that carry Globus's error document ({@link GlobusApiError}).
 *
 * @since 0.1.0
 */
export class TransferClient {
  private token: { value: string; expiresAt: number } | undefined;
  private tokenPending: Promise<string> | undefined;

  constructor(private readonly options: TransferClientOptions) {}

  /** A new submission id (GET /submission_id). */
  async submissionId(signal?: AbortSignal): Promise<string> {
    const body = await this.call('get a submission id', (headers, sdk) => transfer.taskSubmission.submissionId({ headers }, sdk), signal) as { value?: string };
    if (typeof body.value !== 'string') throw new GlobusApiError('get a submission id', 200, { code: 'UnexpectedResponse', message: 'the response has no submission id' });
    return body.value;
  }

  /** Submit a transfer of one file (POST /transfer); resolves to the task id. */
  async submitTransfer(submissionId: string, request: TransferRequest, signal?: AbortSignal): Promise<string> {
    const payload = {
      submission_id: submissionId, label: request.label,
      source_endpoint: request.sourceEndpoint, destination_endpoint: request.destinationEndpoint,
      sync_level: request.syncLevel, verify_checksum: request.verifyChecksum, preserve_timestamp: request.preserveTimestamp,
      deadline: request.deadline, notify_on_succeeded: false, notify_on_failed: false,
      DATA: [{ DATA_TYPE: 'transfer_item' as const, source_path: request.sourcePath, destination_path: request.destinationPath, recursive: false }],
    };
    const body = await this.call('submit the transfer', (headers, sdk) => transfer.taskSubmission.submitTransfer({ payload, headers }, sdk), signal) as { task_id?: string };
    if (typeof body.task_id !== 'string') throw new GlobusApiError('submit the transfer', 200, { code: 'UnexpectedResponse', message: 'the response has no task id' });
    return body.task_id;
  }

  /** A task's document (GET /task/<id>). */
  async task(taskId: string, signal?: AbortSignal): Promise<TransferTask> {
    return await this.call(`read task ${taskId}`, (headers, sdk) => transfer.task.get(taskId, { headers }, sdk), signal) as TransferTask;
  }

  /** Cancel a task (POST /task/<id>/cancel). */
  async cancel(taskId: string, signal?: AbortSignal): Promise<void> {
    await this.call(`cancel task ${taskId}`, (headers, sdk) => transfer.task.cancel(taskId, { headers }, sdk), signal);
  }

  /**
   * One API call with a bound, the Authorization header, one token renewal on a 401 (client
   * credentials), and retries with backoff on transient failures.
   */
  private async call(
    what: string,
    send: (headers: Record<string, string>, sdk: object) => Promise<Response>,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
      const bounded = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const sdk = { ...(this.options.environment ? { environment: this.options.environment } : {}), fetch: { options: { signal: bounded } } };
      let response: Response;
      try {
        response = await send({ Authorization: `Bearer ${await this.accessToken(bounded)}` }, sdk);
      } catch (cause) {
        if (cause instanceof GlobusApiError) throw cause; // from Globus Auth
        if (signal?.aborted) throw cause;
        if (attempt < this.options.retries) {
          await pause(backoff(attempt), signal);
          continue;
        }
        const reason = timeout.aborted ? `no answer within ${this.options.requestTimeoutMs / 1000} s` : describeNetworkError(cause);
        throw new GlobusApiError(what, 0, { code: 'NetworkError', message: `Globus could not be reached: ${reason}` }, cause);
      }
      if (response.ok) return await response.json();
      const body = await errorBody(response);
      if (response.status === 401 && 'clientId' in this.options.credentials && !renewed) {
        // A client-credentials token expired (they last 48 h): get a new one, once.
        renewed = true;
        this.token = undefined;
        continue;
      }
      if ((response.status === 429 || response.status >= 500) && attempt < this.options.retries) {
        await pause(backoff(attempt), signal);
        continue;
      }
      throw new GlobusApiError(what, response.status, body);
    }
  }

  private async accessToken(signal: AbortSignal): Promise<string> {
    const credentials = this.options.credentials;
    if ('accessToken' in credentials) {
      return typeof credentials.accessToken === 'function' ? await credentials.accessToken() : credentials.accessToken;
    }
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    this.tokenPending ??= this.clientCredentialsToken(credentials, signal).finally(() => { this.tokenPending = undefined; });
    return this.tokenPending;
  }

  /** Client credentials grant at Globus Auth (POST /v2/oauth2/token). */
  private async clientCredentialsToken(credentials: { clientId: string; clientSecret: string }, signal: AbortSignal): Promise<string> {
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    const sdk = { ...(this.options.environment ? { environment: this.options.environment } : {}), fetch: { options: { signal } } };
    let response: Response;
    try {
      response = await auth.oauth2.token.token({
        payload: { grant_type: 'client_credentials', scope: TRANSFER_SCOPE },
        headers: { Authorization: `Basic ${basic}` },
      } as never, sdk as Parameters<typeof auth.oauth2.token.token>[1]);
    } catch (cause) {
      throw new GlobusApiError('get a token from Globus Auth', 0, { code: 'NetworkError', message: `Globus Auth could not be reached: ${describeNetworkError(cause)}` }, cause);
    }
    const body = await response.json().catch(() => ({})) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new GlobusApiError('get a token from Globus Auth', response.status, {
        code: body.error ?? 'AuthenticationFailed', message: body.error_description ?? body.error ?? `HTTP ${response.status}`,
      });
    }
    // Renew a minute early, so that a token does not expire between two calls of one transfer.
    this.token = { value: body.access_token, expiresAt: Date.now() + Math.max(0, (body.expires_in ?? 0) - 60) * 1000 };
    return body.access_token;
  }
}

async function errorBody(response: Response): Promise<GlobusErrorBody> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as Partial<GlobusErrorBody>;
    if (typeof parsed.code === 'string') return parsed as GlobusErrorBody;
  } catch { /* not JSON */ }
  return { code: `HTTP${response.status}`, message: text.slice(0, 300) || response.statusText };
}

function describeNetworkError(cause: unknown): string {
  const inner = (cause as { cause?: unknown })?.cause ?? cause;
  const code = (inner as NodeJS.ErrnoException)?.code ?? (cause as NodeJS.ErrnoException)?.code;
  const message = (inner as Error)?.message ?? String(inner);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** 0.5 s, 1 s, 2 s, ... capped at 10 s. */
function backoff(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** attempt);
}

/** Wait `ms`, or reject at once when `signal` is aborted. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
