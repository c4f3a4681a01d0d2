/**
 * A local stand-in for the Globus Transfer API and the client-credentials grant of Globus Auth —
 * the only test double in the project, because Globus's cloud cannot be reached from CI. It
 * answers the calls the staging plugin makes with the request and response shapes of Globus's
 * published documentation:
 *
 * - `POST /v2/oauth2/token` (Auth, client credentials; https://docs.globus.org/api/auth/reference/):
 *   `{access_token, expires_in, resource_server, token_type, scope, other_tokens}`; bad client → 401
 *   `{"error": "invalid_client"}`.
 * - `GET /v0.10/submission_id` (https://docs.globus.org/api/transfer/task_submit/#get_submission_id):
 *   `{"DATA_TYPE": "submission_id", "value": "<uuid>"}`.
 * - `POST /v0.10/transfer` (…/task_submit/#submit_transfer_task): 202 `transfer_result` with code
 *   `Accepted` (200 `Duplicate` for a submission id seen before); errors as Transfer error
 *   documents `{code, message, request_id, resource}`: 400 `ClientError.BadRequest`, 401
 *   `AuthenticationFailed`, 403 `PermissionDenied`, 404 `EndpointNotFound`, 503 `ServiceUnavailable`.
 * - `GET /v0.10/task/<id>` (https://docs.globus.org/api/transfer/task/#get_task_by_id): the task
 *   document (`status` ACTIVE → SUCCEEDED or FAILED with `fatal_error {code, description}`).
 * - `POST /v0.10/task/<id>/cancel` (…/task/#cancel_task_by_id): `{"DATA_TYPE": "result", "code": "Canceled", ...}`.
 *
 * Collections are folders on this machine (`endpoints`): a transfer really copies the file after
 * `transferDelayMs`, honouring `sync_level` and `verify_checksum`, so tests check real bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

/** One collection of the double: a folder (`~` and `/` both name it), and whether the caller may use it. */
export interface DoubleEndpoint {
  readonly root: string;
  /** Submissions that name it are refused with 403 PermissionDenied. */
  readonly denied?: boolean;
}

/** A request the double received. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
  readonly time: number;
}

interface DoubleTask {
  readonly doc: Record<string, unknown>;
  timer?: NodeJS.Timeout;
}

const TRANSFER_SCOPE = 'urn:globus:auth:scope:transfer.api.globus.org:all';

export class GlobusTransferDouble {
  /** Every request, in order. */
  readonly requests: SeenRequest[] = [];
  /** Collections by UUID. */
  readonly endpoints = new Map<string, DoubleEndpoint>();
  /** Confidential clients that may use client credentials: id → secret. */
  readonly clients = new Map<string, string>();
  /** How long a transfer stays ACTIVE before it copies and ends. */
  transferDelayMs = 50;
  /** Lifetime of tokens issued by the client-credentials grant, in seconds. */
  tokenLifetimeSeconds = 172_800;
  /** Answer the next N submissions with 503 ServiceUnavailable. */
  unavailableSubmissions = 0;
  private readonly tokens = new Map<string, { expired: boolean }>();
  private readonly submissions = new Map<string, string>();
  private readonly tasks = new Map<string, DoubleTask>();
  private server: Server | undefined;
  private port = 0;

  /** The base URL, for `GLOBUS_SDK_SERVICE_URL_TRANSFER` and `GLOBUS_SDK_SERVICE_URL_AUTH`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A valid access token for the Transfer API, as a user would bring one. */
  issueToken(): string {
    const token = `Ag${randomUUID().replace(/-/g, '')}`;
    this.tokens.set(token, { expired: false });
    return token;
  }

  /** Make a token expire (Transfer then answers 401 AuthenticationFailed). */
  expire(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) entry.expired = true;
  }

  /** Every token issued so far (most recent last). */
  get issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** The requests whose path starts with `prefix`. */
  seen(method: string, prefix: string): SeenRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(prefix));
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => { void this.handle(req, res); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const task of this.tasks.values()) clearTimeout(task.timer);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk: Buffer) => { data += chunk.toString(); });
      req.on('end', () => resolve(data));
    });
    const url = new URL(req.url ?? '/', this.url);
    let body: unknown = text;
    try { body = text ? JSON.parse(text) : undefined; } catch { /* a form or text body */ }
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, authorization: req.headers.authorization, body, time: Date.now() });
    const resource = url.pathname.replace(/^\/v0\.10/, '');
    try {
      if (req.method === 'POST' && url.pathname === '/v2/oauth2/token') return this.token(req, text, res);
      if (!url.pathname.startsWith('/v0.10/')) return this.transferError(res, 404, 'ClientError.NotFound', `No such resource '${url.pathname}'`, resource);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const known = token === undefined ? undefined : this.tokens.get(token);
      if (!known) return this.transferError(res, 401, 'AuthenticationFailed', 'No valid Authorization header: a Bearer token for the Transfer API is required', resource);
      if (known.expired) return this.transferError(res, 401, 'AuthenticationFailed', 'Token is not active', resource);
      if (req.method === 'GET' && resource === '/submission_id') {
        const value = randomUUID();
        this.submissions.set(value, '');
        return this.json(res, 200, { DATA_TYPE: 'submission_id', value });
      }
      if (req.method === 'POST' && resource === '/transfer') return this.submit(res, body as Record<string, unknown>, resource);
      const taskMatch = /^\/task\/([^/]+)(\/cancel)?$/.exec(resource);
      if (taskMatch) {
        const task = this.tasks.get(taskMatch[1]!);
        if (!task) return this.transferError(res, 404, 'TaskNotFound', `Task ID ${taskMatch[1]} not found`, resource);
        if (req.method === 'GET' && !taskMatch[2]) return this.json(res, 200, task.doc);
        if (req.method === 'POST' && taskMatch[2]) return this.cancel(res, task, resource);
      }
      return this.transferError(res, 404, 'ClientError.NotFound', `No such resource '${resource}'`, resource);
    } catch (error) {
      return this.transferError(res, 500, 'InternalError', String(error), resource);
    }
  }

  /** Globus Auth's client-credentials grant (form body, HTTP Basic client authentication). */
  private token(req: IncomingMessage, text: string, res: ServerResponse): void {
    const form = new URLSearchParams(text);
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    if (!id || this.clients.get(id) !== secret) return this.json(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
    if (form.get('grant_type') !== 'client_credentials') return this.json(res, 400, { error: 'unsupported_grant_type' });
    if (!(form.get('scope') ?? '').split(' ').includes(TRANSFER_SCOPE)) return this.json(res, 400, { error: 'invalid_scope' });
    const accessToken = this.issueToken();
    return this.json(res, 200, {
      access_token: accessToken, expires_in: this.tokenLifetimeSeconds, resource_server: 'transfer.api.globus.org',
      token_type: 'Bearer', scope: TRANSFER_SCOPE, state: '_default', other_tokens: [],
    });
  }

  private submit(res: ServerResponse, doc: Record<string, unknown> | undefined, resource: string): void {
    if (this.unavailableSubmissions > 0) {
      this.unavailableSubmissions--;
      return this.transferError(res, 503, 'ServiceUnavailable', 'The service is down for maintenance, please try again later', resource);
    }
    if (!doc || doc.DATA_TYPE !== 'transfer' || !Array.isArray(doc.DATA) || doc.DATA.length === 0) {
      return this.transferError(res, 400, 'ClientError.BadRequest', 'A transfer requires at least one item', resource);
    }
    const submissionId = doc.submission_id;
    if (typeof submissionId !== 'string' || !this.submissions.has(submissionId)) {
      return this.transferError(res, 400, 'ClientError.BadRequest', `Invalid submission_id ${JSON.stringify(submissionId)}`, resource);
    }
    for (const key of ['source_endpoint', 'destination_endpoint'] as const) {
      const id = String(doc[key]);
      const endpoint = this.endpoints.get(id);
      if (!endpoint) return this.transferError(res, 404, 'EndpointNotFound', `No such endpoint '${id}'`, `/endpoint/${id}`);
      if (endpoint.denied) return this.transferError(res, 403, 'PermissionDenied', `You do not have permission to use endpoint '${id}'`, resource);
    }
    const previous = this.submissions.get(submissionId);
    if (previous) return this.json(res, 200, this.result(submissionId, previous, 'Duplicate', 'A transfer with id \'' + previous + '\' was already submitted'));
    const taskId = randomUUID();
    this.submissions.set(submissionId, taskId);
    const now = new Date().toISOString();
    const task: DoubleTask = {
      doc: {
        DATA_TYPE: 'task', task_id: taskId, type: 'TRANSFER', status: 'ACTIVE', label: doc.label ?? null,
        owner_id: '00000000-0000-4000-8000-000000000000', request_time: now, completion_time: null, deadline: doc.deadline ?? null,
        source_endpoint_id: doc.source_endpoint, destination_endpoint_id: doc.destination_endpoint,
        sync_level: doc.sync_level ?? null, verify_checksum: doc.verify_checksum ?? false, preserve_timestamp: doc.preserve_timestamp ?? false,
        encrypt_data: false, fatal_error: null, nice_status: 'Queued', nice_status_short_description: 'Queued', is_ok: true, is_paused: false,
        files: (doc.DATA as unknown[]).length, directories: 0, symlinks: 0, files_skipped: 0, files_transferred: 0,
        subtasks_total: (doc.DATA as unknown[]).length, subtasks_pending: (doc.DATA as unknown[]).length, subtasks_succeeded: 0,
        subtasks_failed: 0, subtasks_canceled: 0, subtasks_expired: 0, subtasks_retrying: 0, subtasks_skipped_errors: 0,
        bytes_transferred: 0, bytes_checksummed: 0, effective_bytes_per_second: 0, faults: 0, history_deleted: false,
        command: 'API 0.10', canceled_by_admin: null, canceled_by_admin_message: null,
      },
    };
    this.tasks.set(taskId, task);
    task.timer = setTimeout(() => { void this.run(task, doc); }, this.transferDelayMs);
    return this.json(res, 202, this.result(submissionId, taskId, 'Accepted', 'The transfer has been accepted and a task has been created and queued for execution'));
  }

  private result(submissionId: string, taskId: string, code: string, message: string): Record<string, unknown> {
    return {
      DATA_TYPE: 'transfer_result', code, message, request_id: requestId(), resource: '/transfer', submission_id: submissionId, task_id: taskId,
      task_link: { DATA_TYPE: 'link', href: `task/${taskId}?format=json`, rel: 'related', resource: 'task', title: 'related task' },
    };
  }

  /** Copy every item, as a Globus task would; end SUCCEEDED, or FAILED with the first error. */
  private async run(task: DoubleTask, doc: Record<string, unknown>): Promise<void> {
    if (task.doc.status !== 'ACTIVE') return;
    const source = this.endpoints.get(String(doc.source_endpoint))!;
    const destination = this.endpoints.get(String(doc.destination_endpoint))!;
    let transferred = 0;
    let skipped = 0;
    let bytes = 0;
    for (const item of doc.DATA as { source_path: string; destination_path: string }[]) {
      const from = onDisk(source, item.source_path);
      const to = onDisk(destination, item.destination_path);
      try {
        const info = await stat(from);
        if (await inSync(from, to, Number(doc.sync_level ?? -1))) {
          skipped++;
          continue;
        }
        await mkdir(dirname(to), { recursive: true });
        await copyFile(from, to);
        if (doc.verify_checksum === true && md5(await readFile(from)) !== md5(await readFile(to))) {
          return this.end(task, 'FAILED', { code: 'VERIFY_CHECKSUM', description: `checksum verification failed for ${item.destination_path}` });
        }
        transferred++;
        bytes += info.size;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const fatal = code === 'ENOENT'
          ? { code: 'FILE_NOT_FOUND', description: `No such file or directory: '${item.source_path}'` }
          : code === 'EACCES' ? { code: 'PERMISSION_DENIED', description: `Permission denied: '${item.source_path}'` }
            : { code: 'ENDPOINT_ERROR', description: String(error) };
        return this.end(task, 'FAILED', fatal);
      }
    }
    Object.assign(task.doc, { files_transferred: transferred, files_skipped: skipped, bytes_transferred: bytes });
    return this.end(task, 'SUCCEEDED', null);
  }

  private end(task: DoubleTask, status: 'SUCCEEDED' | 'FAILED', fatal: { code: string; description: string } | null): void {
    const total = Number(task.doc.subtasks_total);
    Object.assign(task.doc, {
      status, fatal_error: fatal, completion_time: new Date().toISOString(), subtasks_pending: 0,
      subtasks_succeeded: status === 'SUCCEEDED' ? total : 0, subtasks_failed: status === 'FAILED' ? 1 : 0,
      nice_status: status === 'SUCCEEDED' ? null : fatal?.code ?? null, is_ok: status === 'SUCCEEDED' ? null : false,
    });
  }

  private cancel(res: ServerResponse, task: DoubleTask, resource: string): void {
    if (task.doc.status === 'ACTIVE' || task.doc.status === 'INACTIVE') {
      clearTimeout(task.timer);
      Object.assign(task.doc, { status: 'FAILED', fatal_error: { code: 'CANCELED', description: 'canceled' }, completion_time: new Date().toISOString(), subtasks_canceled: task.doc.subtasks_total, subtasks_pending: 0 });
      return this.json(res, 200, { DATA_TYPE: 'result', code: 'Canceled', message: 'The task has been cancelled successfully.', resource, request_id: requestId() });
    }
    return this.json(res, 409, { code: 'Conflict', message: 'The task is already complete and cannot be cancelled.', resource, request_id: requestId() });
  }

  private transferError(res: ServerResponse, status: number, code: string, message: string, resource: string): void {
    this.json(res, status, { code, message, request_id: requestId(), resource });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

/** `/~/a/b` and `/a/b` both name `<root>/a/b`. */
function onDisk(endpoint: DoubleEndpoint, path: string): string {
  return join(endpoint.root, path.replace(/^\/~(?=\/|$)/, ''));
}

/** Globus's sync levels: 0 exists, 1 size, 2 mtime, 3 checksum; -1 (none): always copy. */
async function inSync(from: string, to: string, level: number): Promise<boolean> {
  if (level < 0) return false;
  let target;
  try { target = await stat(to); } catch { return false; }
  const source = await stat(from);
  if (level === 0) return true;
  if (level >= 1 && source.size !== target.size) return false;
  if (level >= 2 && source.mtimeMs > target.mtimeMs) return false;
  if (level >= 3) return md5(await readFile(from)) === md5(await readFile(to));
  return true;
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

function requestId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 9);
}
