import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ErrorCodes } from '@parsl-ts/core';
import { TaskVineError, TaskVineErrorCodes } from '../TaskVineError.js';
import { SIDECAR_PROTOCOL_VERSION, type FromSidecar, type ToSidecar } from './protocol.js';

/** The `ready` message: what the sidecar started. */
export type SidecarReady = Extract<FromSidecar, { op: 'ready' }>;

/** How to start a sidecar. */
export interface SidecarStartOptions {
  /** Python interpreter. */
  readonly python: string;
  /** Path of parsl_ts_sidecar.py. */
  readonly script: string;
  /** Environment of the sidecar. */
  readonly env: NodeJS.ProcessEnv;
  /** The first message (the sidecar answers `ready` or `error`). */
  readonly hello: Extract<ToSidecar, { op: 'hello' }>;
  /** Where the sidecar's stderr is copied. */
  readonly logFile: string;
  /** Bound of the start, in ms. */
  readonly startTimeoutMs: number;
  /** Every message after `ready`. */
  readonly onMessage: (message: FromSidecar) => void;
  /** Called once when the sidecar is gone without being stopped, with the error to fail pending tasks with. */
  readonly onLost: (error: TaskVineError) => void;
}

/** Bytes of the sidecar's stderr kept for error messages. */
const STDERR_TAIL_BYTES = 8192;

/**
 * The Python sidecar that hosts the manager library: a child process spoken to in JSON lines over
 * stdio (see protocol.ts). Keeps the end of its stderr to quote when it dies; a message that is
 * not valid JSON, or of another protocol version, counts as the sidecar being lost.
 */
export class SidecarProcess {
  private stderrTail = '';
  private stopping = false;
  private lost = false;
  private readonly log: WriteStream;
  private readonly closed: Promise<void>;
  private started = false;

  private constructor(private readonly child: ChildProcessWithoutNullStreams, private readonly options: SidecarStartOptions) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
    this.log.on('error', () => undefined);
    child.stderr.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES);
    });
    // EPIPE when the sidecar is gone: its exit is reported through 'close'.
    child.stdin.on('error', () => undefined);
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
  }

  /** Process id of the sidecar. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last lines the sidecar wrote on stderr. */
  stderr(): string {
    return this.stderrTail.trim();
  }

  /**
   * Start a sidecar and wait for its `ready`. Rejects with `PARSL_PROTOCOL_MISMATCH` when it speaks
   * another protocol version, `PARSL_EXECUTOR_START` when it fails to start the manager or exits,
   * quoting its stderr either way.
   */
  static start(options: SidecarStartOptions): Promise<{ sidecar: SidecarProcess; ready: SidecarReady }> {
    const child = spawn(options.python, ['-u', options.script], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env });
    const sidecar = new SidecarProcess(child, options);
    return sidecar.handshake();
  }

  private handshake(): Promise<{ sidecar: SidecarProcess; ready: SidecarReady }> {
    const { options, child } = this;
    return new Promise((resolve, reject) => {
      let settled = false;
      let refusedBeforeReady = false;
      const fail = (error: TaskVineError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.stopping = true;
        child.kill('SIGKILL');
        reject(error);
      };
      const timer = setTimeout(() => fail(this.startError(`did not answer within ${options.startTimeoutMs} ms`)), options.startTimeoutMs);
      child.once('error', (error) => fail(this.startError(`could not be run: ${error.message}`)));
      const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
      lines.on('line', (line) => {
        let message: FromSidecar;
        try {
          message = JSON.parse(line) as FromSidecar;
          if (typeof message !== 'object' || message === null || typeof message.op !== 'string') throw new Error('not a message');
        } catch {
          const error = this.protocolError(`wrote a line that is not a protocol message: ${JSON.stringify(line.slice(0, 200))}`);
          if (!settled) fail(error);
          else this.loseWith(error);
          return;
        }
        if (!settled) {
          if (message.op === 'ready') {
            if (message.protocol !== SIDECAR_PROTOCOL_VERSION) {
              fail(this.protocolError(`speaks protocol ${message.protocol}, this executor ${SIDECAR_PROTOCOL_VERSION}`));
              return;
            }
            settled = true;
            clearTimeout(timer);
            this.started = true;
            resolve({ sidecar: this, ready: message });
          } else if (message.op === 'error') {
            // The sidecar exits after a fatal error: let it finish writing its stderr, which the error quotes.
            const refused = message;
            refusedBeforeReady = true;
            const report = (): void => fail(refused.code === 'protocol'
              ? this.protocolError(`refused the handshake: ${refused.message}`)
              : this.startError(`could not start the ${options.hello.backend} manager: ${refused.message}`));
            const grace = setTimeout(report, 2000);
            this.closed.then(() => { clearTimeout(grace); report(); }, report);
          } else {
            fail(this.protocolError(`sent "${message.op}" before "ready"`));
          }
          return;
        }
        options.onMessage(message);
      });
      child.once('close', (code, signal) => {
        if (!settled && !refusedBeforeReady) {
          fail(this.startError(`exited while starting (${signal ?? `exit code ${code}`})`));
          return;
        }
        if (this.stopping) return;
        this.loseWith(new TaskVineError(TaskVineErrorCodes.SidecarLost,
          `the TaskVine executor's sidecar (pid ${child.pid}) ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${this.quote()}`, {
            hint: `its stderr is in ${options.logFile}; the manager and its queue are gone, so no task of this executor can finish: start a new run`,
          }));
      });
      this.send(options.hello);
    });
  }

  private quote(): string {
    const text = this.stderr();
    return text ? `; its stderr ends with:\n${text.split('\n').slice(-12).join('\n')}` : '; it wrote nothing on stderr';
  }

  private startError(what: string): TaskVineError {
    return new TaskVineError(ErrorCodes.ExecutorStart, `the TaskVine executor's sidecar (${this.options.python} ${this.options.script}) ${what}${this.quote()}`, {
      hint: `see ${this.options.logFile}; check the backend's installation (python3 ${this.options.script} --probe) and that the manager's port is free`,
    });
  }

  private protocolError(what: string): TaskVineError {
    return new TaskVineError(ErrorCodes.ProtocolMismatch, `the TaskVine executor's sidecar ${what}${this.quote()}`, {
      hint: `the sidecar script (${this.options.script}) must come from the same @parsl-ts/executor-taskvine version as the executor (protocol ${SIDECAR_PROTOCOL_VERSION})`,
    });
  }

  /** The sidecar is unusable: report it once and make sure it is gone. */
  private loseWith(error: TaskVineError): void {
    if (this.lost || this.stopping) return;
    this.lost = true;
    this.child.kill('SIGKILL');
    this.options.onLost(error);
  }

  /** Send one message (dropped once the sidecar is gone: its loss is reported by then). */
  send(message: ToSidecar): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null || !this.child.stdin.writable) return;
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /**
   * Ask the sidecar to stop (it cancels its tasks and closes the manager), and kill it if it has not
   * exited after `timeoutMs`. Never reports it as lost.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.started) this.send({ op: 'shutdown' });
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), Math.max(100, timeoutMs));
      await this.closed;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}
