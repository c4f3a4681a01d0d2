import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, rmSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunnerExit, SANDBOX_NAMES } from '../runner/runner.js';
import type { ChildMessage, RunMessage } from './poolChild.js';

const CHILD_MAIN = fileURLToPath(new URL('./poolChild.js', import.meta.url));
/** How often the pool checks that the tasks it runs still have their worker-side process. */
const LIVENESS_PERIOD_MS = 250;

/** Options of a {@link RunnerPool}. */
export interface RunnerPoolOptions {
  /** Path of the request FIFO to create (tasks find it in `PARSL_TS_TASKVINE_POOL`). */
  readonly fifo: string;
  /** Processes started at once (the worker's cores); more are started when more tasks run at a time. */
  readonly warm: number;
  /** Environment of the pool processes (serializer descriptor, base dir). */
  readonly env: NodeJS.ProcessEnv;
  /** Where the pool's log lines go. */
  readonly log: (line: string) => void;
}

/** A task handed to the pool by its worker-side command. */
interface Request {
  /** Process id of the task's command (a process group leader: the worker makes one group per task). */
  readonly pid: number;
  readonly sandbox: string;
  readonly walltimeSeconds: number;
  readonly received: number;
  timer?: NodeJS.Timeout;
  timedOut?: boolean;
  /** Write end of the task's reply FIFO, once open. */
  replyFd?: number;
  /** The answer, when it is known before the reply FIFO could be opened. */
  answer?: number;
  /** Set once answered (or given up): nothing more is written. */
  closed?: boolean;
}

/** How long the pool keeps trying to open a task's reply FIFO (the task opens it right after its request). */
const REPLY_OPEN_TIMEOUT_MS = 30_000;
const REPLY_OPEN_RETRY_MS = 2;

interface Slot {
  readonly child: ChildProcess;
  request: Request | undefined;
  fatal?: string;
}

/**
 * The runner pool of a parsl-ts block: warm Node.js processes that run the tasks of the worker
 * next to them, so a JavaScript task costs a message instead of a Node.js start.
 *
 * A task's command (see tasks/taskCommand.ts) makes a FIFO in its sandbox, opens it, writes
 * `<pid> <walltime> <sandbox>` to the pool's request FIFO (one write, atomic) and waits for the exit
 * code the pool writes back. The manager still sees a task that runs in its sandbox with its input
 * and output files; only the Node.js process is shared. The pool kills the process running a task
 * that passes its walltime (answer 124) or whose command is gone (cancelled by the manager), and
 * answers 75 when that process dies on its own (the app called process.exit).
 */
export class RunnerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Request[] = [];
  private reader: Socket | undefined;
  private liveness: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: RunnerPoolOptions) {}

  /** Create the request FIFO, start the warm processes and listen. */
  start(): void {
    execFileSync('mkfifo', ['-m', '0600', this.options.fifo]);
    // Read-write, so that the FIFO never reports end of file between tasks.
    const fd = openSync(this.options.fifo, constants.O_RDWR | constants.O_NONBLOCK);
    this.reader = new Socket({ fd, readable: true, writable: false });
    let buffered = '';
    this.reader.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        this.onRequest(line);
      }
    });
    this.reader.on('error', (error) => this.options.log(`request FIFO: ${error.message}`));
    for (let i = 0; i < this.options.warm; i++) this.slots.push(this.spawn());
    this.liveness = setInterval(() => this.checkLiveness(), LIVENESS_PERIOD_MS);
  }

  /** Process ids of the task commands being run or waiting (to kill their groups when the worker is gone). */
  get commandPids(): number[] {
    return [...this.slots.flatMap((s) => (s.request ? [s.request.pid] : [])), ...this.waiting.map((r) => r.pid)];
  }

  private spawn(): Slot {
    const child = fork(CHILD_MAIN, [], { env: this.options.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    const slot: Slot = { child, request: undefined };
    child.on('message', (message: ChildMessage) => {
      if (message.t === 'done') {
        const request = slot.request;
        if (request && request.sandbox === message.sandbox) {
          this.finish(slot, RunnerExit.ok);
          this.dispatch();
        }
      } else if (message.t === 'fatal') {
        slot.fatal = message.message;
      }
    });
    child.on('exit', (code, signal) => this.onChildExit(slot, code, signal));
    return slot;
  }

  private onChildExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const request = slot.request;
    if (request) {
      slot.request = undefined;
      if (request.timer) clearTimeout(request.timer);
      const answer = request.timedOut ? RunnerExit.timeout : slot.fatal ? RunnerExit.failed : RunnerExit.processLost;
      if (!request.timedOut) this.options.log(`the process running the task in ${request.sandbox} ended (${signal ?? `exit code ${code}`}) before it finished`);
      this.reply(request, answer);
    }
    if (this.stopped) return;
    if (slot.fatal) {
      // A process that cannot load parsl-ts will not do better on the next try: fail what waits.
      for (const waiting of this.waiting.splice(0)) this.reply(waiting, RunnerExit.failed);
      return;
    }
    this.dispatch();
  }

  private onRequest(line: string): void {
    const match = /^(\d+) (\d+) (.+)$/.exec(line);
    if (!match) {
      this.options.log(`ignored a malformed request: ${JSON.stringify(line.slice(0, 200))}`);
      return;
    }
    const request: Request = { pid: Number(match[1]), walltimeSeconds: Number(match[2]), sandbox: match[3]!, received: Date.now() };
    this.openReply(request);
    this.waiting.push(request);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.waiting.length > 0 && !this.stopped) {
      let slot = this.slots.find((s) => s.request === undefined && s.child.connected && !s.fatal);
      if (!slot) {
        slot = this.spawn();
        this.slots.push(slot);
      }
      const request = this.waiting.shift()!;
      slot.request = request;
      if (request.walltimeSeconds > 0) {
        request.timer = setTimeout(() => {
          request.timedOut = true;
          this.options.log(`the task in ${request.sandbox} passed its walltime of ${request.walltimeSeconds} s: killing the process running it`);
          slot.child.kill('SIGKILL');
        }, request.walltimeSeconds * 1000);
      }
      slot.child.send({ t: 'run', sandbox: request.sandbox } satisfies RunMessage);
    }
  }

  private finish(slot: Slot, code: number): void {
    const request = slot.request!;
    slot.request = undefined;
    if (request.timer) clearTimeout(request.timer);
    this.reply(request, code);
  }

  /**
   * Open the write end of the task's reply FIFO and hold it until the answer: the task's `read`
   * then ends with the answer, or with end of file if this process dies. The task opens its end
   * just after sending the request; until then the open fails with ENXIO and is tried again.
   */
  private openReply(request: Request): void {
    if (request.closed) return;
    try {
      request.replyFd = openSync(join(request.sandbox, SANDBOX_NAMES.reply), constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENXIO' && alive(request.pid) && Date.now() - request.received < REPLY_OPEN_TIMEOUT_MS) {
        setTimeout(() => this.openReply(request), REPLY_OPEN_RETRY_MS);
      } else {
        request.closed = true; // the task's command is gone (cancelled, killed at the manager)
      }
      return;
    }
    if (request.answer !== undefined) this.reply(request, request.answer);
  }

  /** Answer a task with its exit code (as soon as its reply FIFO is open). */
  private reply(request: Request, code: number): void {
    if (request.closed) return;
    if (request.replyFd === undefined) {
      request.answer = code;
      return;
    }
    request.closed = true;
    try {
      writeSync(request.replyFd, `${code}\n`);
    } catch {
      // EPIPE: the command was killed meanwhile.
    } finally {
      closeSync(request.replyFd);
    }
  }

  private checkLiveness(): void {
    for (const slot of this.slots) {
      const request = slot.request;
      if (request && !alive(request.pid)) {
        this.options.log(`the command of the task in ${request.sandbox} is gone (cancelled): killing the process running it`);
        slot.request = undefined;
        if (request.timer) clearTimeout(request.timer);
        this.reply(request, RunnerExit.processLost);
        slot.child.kill('SIGKILL');
      }
    }
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const request = this.waiting[i]!;
      if (!alive(request.pid)) {
        this.waiting.splice(i, 1);
        this.reply(request, RunnerExit.processLost);
      }
    }
  }

  /** Kill every pool process and remove the FIFO. */
  stop(): void {
    this.stopped = true;
    if (this.liveness) clearInterval(this.liveness);
    for (const slot of this.slots) slot.child.kill('SIGKILL');
    this.reader?.destroy();
    rmSync(this.options.fifo, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
