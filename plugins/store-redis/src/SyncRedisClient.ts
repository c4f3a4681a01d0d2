import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { RedisResponse, RedisThreadData } from './redisThread.js';
import type { RespReply } from './resp.js';

const THREAD_URL = new URL('./redisThread.js', import.meta.url);

/** Connection settings of {@link SyncRedisClient}. */
export interface SyncRedisSettings {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly password: string | undefined;
  readonly timeoutMs: number;
}

/** Why a command failed: the server said no, the connection failed, or no reply came in time. */
export class RedisCommandError extends Error {
  constructor(message: string, readonly reason: 'server' | 'connection' | 'timeout') {
    super(message);
  }
}

/**
 * A Redis client with synchronous commands: each call hands the command to a helper thread
 * (which keeps the connection) and blocks this thread until the reply arrives, at most
 * `timeoutMs`. The helper thread is created on the first command and never keeps the process alive.
 */
export class SyncRedisClient {
  private worker: Worker | undefined;
  private replies: MessagePort | undefined;
  private flag: Int32Array | undefined;
  private nextId = 0;

  constructor(private readonly settings: SyncRedisSettings) {}

  /** Run one command; returns its reply or throws a {@link RedisCommandError}. */
  call(args: readonly (string | Uint8Array)[]): RespReply {
    this.ensureThread();
    const id = this.nextId++;
    Atomics.store(this.flag!, 0, 0);
    this.worker!.postMessage({ id, args });
    const deadline = Date.now() + this.settings.timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.flag!, 0, 0, left) === 'timed-out') {
        throw new RedisCommandError(`no reply from Redis at ${this.settings.host}:${this.settings.port} within ${this.settings.timeoutMs} ms`, 'timeout');
      }
      Atomics.store(this.flag!, 0, 0);
      // Replies to commands that timed out earlier are dropped here.
      for (let message = receiveMessageOnPort(this.replies!); message; message = receiveMessageOnPort(this.replies!)) {
        const response = message.message as RedisResponse;
        if (response.id !== id) continue;
        if (!response.ok) throw new RedisCommandError(response.message, response.connection ? 'connection' : 'server');
        const reply = response.reply;
        // The bulk bytes arrive as a Uint8Array over the transferred memory: no copy.
        return reply.kind === 'bulk' ? { kind: 'bulk', bytes: Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength) } : reply;
      }
    }
  }

  /** Stop the helper thread (and its connection). */
  close(): void {
    void this.worker?.terminate();
    this.replies?.close();
    this.worker = undefined;
    this.replies = undefined;
  }

  private ensureThread(): void {
    if (this.worker) return;
    const signal = new SharedArrayBuffer(4);
    const channel = new MessageChannel();
    const workerData: RedisThreadData = {
      host: this.settings.host, port: this.settings.port, db: this.settings.db, password: this.settings.password,
      connectTimeoutMs: this.settings.timeoutMs, signal, replies: channel.port2,
    };
    this.worker = new Worker(THREAD_URL, { workerData, transferList: [channel.port2] });
    this.worker.unref();
    this.replies = channel.port1;
    this.flag = new Int32Array(signal);
  }
}
