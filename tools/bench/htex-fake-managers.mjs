// Dispatch rate of the HTEX interchange to many fake managers. The interchange runs in this
// process; the fake managers run in a child process (one ws connection each) and answer every
// task at once with an empty result, so the interchange's own work is what is measured.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = new URL('../../plugins/executor-htex/dist/', import.meta.url);
const { values } = parseArgs({ options: {
  managers: { type: 'string', default: '1000' }, tasks: { type: 'string', default: '200000' }, child: { type: 'string' },
  url: { type: 'string' }, secret: { type: 'string' },
} });

if (values.child) {
  // Fake managers.
  const { WebSocket } = await import(new URL('../../plugins/executor-htex/node_modules/ws/wrapper.mjs', import.meta.url).href);
  const { encodeFrame, decodeFrame } = await import(new URL('protocol/codec.js', root).href);
  const { challengeAnswer } = await import(new URL('protocol/auth.js', root).href);
  const empty = new Uint8Array(0);
  let connected = 0;
  const count = Number(values.managers);
  for (let i = 0; i < count; i++) {
    const socket = new WebSocket(values.url, { perMessageDeflate: false });
    const managerId = `fake-${i}`;
    socket.on('message', (data) => {
      const m = decodeFrame(data);
      if (m.t === 'hello') {
        socket.send(encodeFrame({ t: 'auth', protocol: m.protocol, version: m.version, managerId, blockId: String(i), hostname: 'fake', workers: 1, prefetch: 7, mac: challengeAnswer(values.secret, m.nonce, managerId) }));
      } else if (m.t === 'welcome') {
        if (++connected === count) process.send({ t: 'connected' });
      } else if (m.t === 'tasks') {
        socket.send(encodeFrame({ t: 'results', results: m.tasks.map((task) => [task[0], task[1], 0, empty]) }));
      } else if (m.t === 'stop') socket.close();
    });
    socket.on('error', () => {});
    if (i % 100 === 99) await new Promise((r) => setTimeout(r, 20)); // do not overflow the accept backlog
  }
} else {
  const { Interchange } = await import(new URL('interchange/Interchange.js', root).href);
  const secret = randomBytes(16).toString('hex');
  let done = 0;
  let resolveAll;
  const all = new Promise((r) => { resolveAll = r; });
  const total = Number(values.tasks);
  const interchange = new Interchange({
    address: '127.0.0.1', port: 0, secret, serializer: { package: 'none' }, heartbeatPeriod: 5, heartbeatThreshold: 60,
    maxMessageBytes: 64 * 1024 * 1024, version: 'bench', protocol: 1,
  }, (m) => { if (m.t === 'results') { done += m.results.length; if (done >= total) resolveAll(); } });
  const port = await interchange.listening();
  interchange.start();
  const child = fork(fileURLToPath(import.meta.url), ['--child', '1', '--managers', values.managers, '--url', `ws://127.0.0.1:${port}`, '--secret', secret]);
  await new Promise((resolve, reject) => { child.once('message', resolve); child.once('exit', reject); });
  const payload = new Uint8Array(64);
  const started = performance.now();
  for (let i = 0; i < total; i += 10000) {
    interchange.submit(Array.from({ length: Math.min(10000, total - i) }, (_, k) => [i + k, 0, 0, 0, payload]));
  }
  await all;
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ managers: Number(values.managers), tasks: total, seconds: Number(seconds.toFixed(3)), tasksPerSecond: Math.round(total / seconds) }));
  await interchange.stop();
  child.kill();
  process.exit(0);
}
