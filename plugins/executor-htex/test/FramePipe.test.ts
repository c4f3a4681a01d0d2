/**
 * The local links (executor↔interchange, manager↔worker): frames arrive whole and in order however
 * the stream cuts them, a garbled frame closes the link instead of crashing, a closed link drops
 * sends; and a real child process on descriptor 3 answers over it.
 */
import { spawn } from 'node:child_process';
import { PassThrough, type Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@parsl-ts/testing';
import { FramePipe } from '../src/protocol/FramePipe.js';

type Message = { t: string; n?: number; payload?: Uint8Array };

/** A pipe over a loopback stream (what it sends, it receives), recording what arrives. */
function loopback(): { stream: PassThrough; pipe: FramePipe<Message, Message>; received: Message[]; events: string[] } {
  const stream = new PassThrough();
  const received: Message[] = [];
  const events: string[] = [];
  const pipe = new FramePipe<Message, Message>(stream, {
    onMessage: (message) => received.push(message),
    onClose: () => events.push('close'),
    onGarbage: (error) => events.push(`garbage: ${String(error)}`),
  });
  return { stream, pipe, received, events };
}

/** One frame as FramePipe writes it: 4-byte little-endian length, then the msgpack body. */
function frame(message: Message): Buffer {
  const body = new Packr({ useRecords: false, moreTypes: false }).pack(message);
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}

describe('FramePipe', () => {
  it('delivers messages in order, with binary payloads intact', async () => {
    const { pipe, received } = loopback();
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
    for (let n = 0; n < 100; n++) expect(pipe.send({ t: 'tasks', n, payload })).toBe(true);
    await waitFor('received.length === 100', () => (received.length === 100) || undefined, 5000);
    expect(received.map((m) => m.n)).toEqual([...Array(100).keys()]);
    expect(Buffer.from(received[99]!.payload!).equals(Buffer.from(payload))).toBe(true);
  });

  it('reassembles frames cut anywhere: one byte at a time, and many frames in one chunk', async () => {
    const { stream, received } = loopback();
    const bytes = Buffer.concat([frame({ t: 'a', n: 1 }), frame({ t: 'b', n: 2 }), frame({ t: 'c', n: 3 })]);
    for (const byte of bytes) stream.write(Buffer.from([byte]));
    await waitFor('received.length === 3', () => (received.length === 3) || undefined, 5000);
    stream.write(bytes);
    await waitFor('received.length === 6', () => (received.length === 6) || undefined, 5000);
    expect(received.map((m) => m.t).join('')).toBe('abcabc');
  });

  it('joins a large frame that arrives in many chunks once, whole', async () => {
    const { stream, received } = loopback();
    const payload = new Uint8Array(8 * 1024 * 1024).fill(7);
    const bytes = frame({ t: 'big', payload });
    for (let offset = 0; offset < bytes.length; offset += 65536) stream.write(bytes.subarray(offset, offset + 65536));
    await waitFor('received.length === 1', () => (received.length === 1) || undefined, 10_000);
    expect(received[0]!.payload!.length).toBe(payload.length);
    expect(received[0]!.payload!.every((b) => b === 7)).toBe(true);
  });

  it('closes the link on a frame that does not decode, and drops sends after close', async () => {
    const { stream, pipe, events } = loopback();
    const garbage = Buffer.from([3, 0, 0, 0, 0xc1, 0xc1, 0xc1]); // 0xc1 is never used in msgpack
    stream.write(garbage);
    await waitFor(`events.includes('close')`, () => (events.includes('close')) || undefined, 5000);
    expect(events[0]).toMatch(/^garbage: /);
    expect(events.filter((e) => e === 'close')).toHaveLength(1);
    expect(pipe.open).toBe(false);
    expect(pipe.send({ t: 'late' })).toBe(false);
  });

  it("talks to a real child process on its descriptor 3, and sees the link close when it exits", async () => {
    const script = `
      import { FramePipe, parentLink } from ${JSON.stringify(fileURLToPath(new URL('../dist/protocol/FramePipe.js', import.meta.url)))};
      const pipe = new FramePipe(parentLink(), {
        onMessage: (m) => { if (m.t === 'exit') process.exit(0); pipe.send({ t: 'echo', n: m.n * 2 }); },
        onClose: () => process.exit(0),
      });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
    const received: Message[] = [];
    let closed = false;
    const pipe = new FramePipe<Message, Message>(child.stdio[3] as Duplex, { onMessage: (m) => received.push(m), onClose: () => { closed = true; } });
    for (let n = 1; n <= 3; n++) pipe.send({ t: 'ask', n });
    await waitFor('received.length === 3', () => (received.length === 3) || undefined, 10_000);
    expect(received.map((m) => m.n)).toEqual([2, 4, 6]);
    pipe.send({ t: 'exit' });
    await waitFor('closed', () => (closed) || undefined, 10_000);
    expect(await new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)))).toBe(0);
  });
});
