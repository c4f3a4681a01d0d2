// The raw ceiling of msgpackr frames over ws on loopback between two processes: one-way and echo,
// batched (`--batch` ~100-byte messages per frame). HTEX figures are reported as a fraction of it.
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const dir = new URL('../../plugins/executor-htex/node_modules/', import.meta.url);
const { WebSocket, WebSocketServer } = await import(new URL('ws/wrapper.mjs', dir).href);
const { Packr } = await import(new URL('msgpackr/index.js', dir).href);
const packr = new Packr({ useRecords: false });
const { values } = parseArgs({ options: {
  messages: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '100' }, child: { type: 'string' }, mode: { type: 'string' },
} });
const total = Number(values.messages);
const batch = Number(values.batch);
const message = [1, 0, 0, 0, new Uint8Array(80)];

if (values.child) {
  // Sender: connects, sends `total` messages in frames of `batch`, with bounded in-flight frames.
  const socket = new WebSocket(values.child, { perMessageDeflate: false });
  socket.on('open', async () => {
    const frame = packr.pack(Array.from({ length: batch }, () => message));
    for (let sent = 0; sent < total; sent += batch) {
      socket.send(frame);
      if (socket.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
    }
  });
  socket.on('message', () => {});
} else {
  const results = {};
  for (const mode of ['one-way', 'echo']) {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise((r) => server.once('listening', r));
    let received = 0;
    let started = 0;
    const done = new Promise((resolve) => {
      server.on('connection', (socket) => {
        started = performance.now();
        socket.on('message', (data) => {
          const items = packr.unpack(data);
          received += items.length;
          if (mode === 'echo') socket.send(packr.pack(items));
          if (received >= total) resolve();
        });
      });
    });
    const child = fork(fileURLToPath(import.meta.url), ['--child', `ws://127.0.0.1:${server.address().port}`, '--messages', String(total), '--batch', String(batch)]);
    await done;
    const seconds = (performance.now() - started) / 1000;
    results[mode] = Math.round(total / seconds);
    child.kill();
    server.close();
  }
  console.log(JSON.stringify({ messages: total, batch, messagesPerSecond: results }));
  process.exit(0);
}
