/**
 * The interchange process. Started by the HighThroughputExecutor with an IPC channel; it exits
 * when told to stop or when the executor goes away (the IPC channel closes).
 */
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
    case 'stop':
      void stopAndExit(0);
      break;
  }
});
process.on('disconnect', () => void stopAndExit(0));
