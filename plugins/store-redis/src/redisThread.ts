/**
 * The helper thread of a Redis store: it owns the connection and runs one command at a time for
 * the main thread, which waits on a shared flag (Atomics) and then takes the reply from a
 * MessagePort synchronously. This is how a store with an asynchronous client offers the
 * synchronous methods a serializer needs.
 */
import { connect, type Socket } from 'node:net';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { encodeCommand, RespParser, type RespReply } from './resp.js';

/** What the main thread gives the helper when it starts it. */
export interface RedisThreadData {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly password: string | undefined;
  readonly connectTimeoutMs: number;
  /** Int32 flag: the helper sets it to 1 and notifies when a reply is on `replies`. */
  readonly signal: SharedArrayBuffer;
  readonly replies: MessagePort;
}

/** A request from the main thread: one Redis command. */
export interface RedisRequest {
  readonly id: number;
  readonly args: readonly (string | Uint8Array)[];
}

/** The helper's answer to a request. */
export type RedisResponse =
  | { readonly id: number; readonly ok: true; readonly reply: RespReply }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly connection: boolean };

const data = workerData as RedisThreadData;
const flag = new Int32Array(data.signal);
let socket: Socket | undefined;
let connecting: Promise<Socket> | undefined;
let parser = new RespParser();
let waiting: ((reply: RespReply) => void) | undefined;
let failWaiting: ((error: Error) => void) | undefined;

function open(): Promise<Socket> {
  connecting ??= new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: data.host, port: data.port });
    const timer = setTimeout(() => s.destroy(new Error(`no connection within ${data.connectTimeoutMs} ms`)), data.connectTimeoutMs);
    s.setNoDelay(true);
    s.once('connect', () => {
      clearTimeout(timer);
      socket = s;
      resolve(s);
    });
    s.on('data', (chunk: Buffer) => {
      for (const reply of parser.push(chunk)) {
        const done = waiting;
        waiting = undefined;
        failWaiting = undefined;
        done?.(reply);
      }
    });
    const lost = (error: Error): void => {
      clearTimeout(timer);
      socket = undefined;
      connecting = undefined;
      parser = new RespParser();
      const fail = failWaiting;
      waiting = undefined;
      failWaiting = undefined;
      fail?.(error);
      reject(error);
    };
    s.on('error', lost);
    s.on('close', () => lost(new Error('the connection closed')));
  }).then(async (s) => {
    if (data.password !== undefined) await command(s, ['AUTH', data.password]);
    if (data.db !== 0) await command(s, ['SELECT', String(data.db)]);
    return s;
  });
  return connecting;
}

function command(s: Socket, args: readonly (string | Uint8Array)[]): Promise<RespReply> {
  return new Promise<RespReply>((resolve, reject) => {
    waiting = (reply) => (reply.kind === 'error' ? reject(Object.assign(new Error(reply.text), { redis: true })) : resolve(reply));
    failWaiting = reject;
    for (const part of encodeCommand(args)) s.write(part);
  });
}

function answer(response: RedisResponse): void {
  const transfer = response.ok && response.reply.kind === 'bulk' ? [response.reply.bytes.buffer as ArrayBuffer] : [];
  data.replies.postMessage(response, transfer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

parentPort!.on('message', (request: RedisRequest) => {
  void (async () => {
    let s: Socket;
    try {
      s = socket ?? await open();
    } catch (error) {
      answer({ id: request.id, ok: false, message: (error as Error).message, connection: true });
      return;
    }
    try {
      answer({ id: request.id, ok: true, reply: await command(s, request.args) });
    } catch (error) {
      answer({ id: request.id, ok: false, message: (error as Error).message, connection: !(error as { redis?: boolean }).redis });
    }
  })();
});
