/**
 * The interchange process. Started by the HighThroughputExecutor with an IPC channel; it exits
 * when told to stop or when the executor goes away (the IPC channel closes).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ExecutorToInterchange, InterchangeToExecutor } from '../protocol/messages.js';
import { Interchange } from './Interchange.js';

let interchange: Interchange | undefined;

function toExecutor(message: InterchangeToExecutor): void {
  if (process.connected) process.send!(message);
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

process.on('message', (message: ExecutorToInterchange) => {
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
      toExecutor({ t: 'heap', heapUsed: process.memoryUsage().heapUsed, queued: interchange?.queued ?? 0 });
      break;
    case 'stop':
      void stopAndExit(0);
      break;
  }
});
process.on('disconnect', () => void stopAndExit(0));
