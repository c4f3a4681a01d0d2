/**
 * The interchange process. Started by the HighThroughputExecutor with a link on descriptor 3
 * (msgpack frames, see FramePipe); it exits when told to stop or when the executor goes away (the
 * link closes).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FramePipe, parentLink } from '../protocol/FramePipe.js';
import type { ExecutorToInterchange, InterchangeToExecutor } from '../protocol/messages.js';
import { Interchange } from './Interchange.js';

let interchange: Interchange | undefined;

function toExecutor(message: InterchangeToExecutor): void {
  executor.send(message);
}

async function stopAndExit(code: number): Promise<void> {
  const timer = setTimeout(() => process.exit(code), 5000);
  timer.unref();
  await interchange?.stop();
  process.exit(code);
}

/** A full GC, for the heap probe only: turned on at the first probe, never on the hot path. */
function collectGarbage(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

function onMessage(message: ExecutorToInterchange): void {
  switch (message.t) {
    case 'start':
      interchange = new Interchange(message.settings, toExecutor);
      interchange.listening().then((port) => {
        interchange!.start();
        toExecutor({ t: 'ready', port });
      }, (error: unknown) => {
        process.stderr.write(`interchange: cannot listen on ${message.settings.address}:${message.settings.port}: ${String(error)}\n`);
        void stopAndExit(3);
      });
      break;
    case 'submit':
      interchange?.submit(message.tasks);
      break;
    case 'drain':
      interchange?.drain(message.blockIds);
      break;
    case 'heap':
      collectGarbage();
      {
        const { heapUsed, arrayBuffers } = process.memoryUsage();
        toExecutor({ t: 'heap', heapUsed, arrayBuffers, queued: interchange?.queued ?? 0 });
      }
      break;
    case 'stop':
      void stopAndExit(0);
      break;
  }
}

const executor = new FramePipe<ExecutorToInterchange, InterchangeToExecutor>(parentLink(), {
  onMessage,
  onClose: () => void stopAndExit(0),
  onGarbage: (error) => process.stderr.write(`interchange: undecodable frame from the executor (${String(error)}); stopping\n`),
});
