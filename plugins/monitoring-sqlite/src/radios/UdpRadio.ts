import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { MonitoringRadio, MonitoringRecord } from '@parsl-ts/core';
import { MonitoringError, MonitoringErrorCodes } from '../MonitoringError.js';
import { ACK, ACK_LENGTH, dataDatagram } from './udpProtocol.js';

/**
 * Options of a {@link UdpRadio}. Plain data.
 *
 * @since 0.1.0
 */
export interface UdpRadioOptions {
  /** The hub's UDP address. Default `127.0.0.1`. */
  host?: string;
  /** The hub's UDP port (`hub.udpPort` after start). */
  port: number;
  /** Largest datagram sent, in bytes (512–65 000). Longer messages are cut into chunks. Default 8192. */
  maxDatagramBytes?: number;
  /** Datagrams sent and not yet acknowledged, at most. Default 64. */
  window?: number;
  /** Resend what is not acknowledged after this many ms. Default 200. */
  retransmitMs?: number;
  /** Bound of `close()`, in seconds. Default 10. */
  closeTimeout?: number;
  /** Seconds between resource samples on workers, passed on to executors (0: none). Default 0. */
  resourceMonitoringInterval?: number;
}

interface InFlight {
  readonly seq: number;
  readonly datagram: Buffer;
  sentAt: number;
}

/**
 * A radio that sends records to a hub's UDP listener, from any process on any host that can reach
 * it. Unlike a bare UDP socket it loses nothing: datagrams are numbered, acknowledged and resent
 * until they arrive (see the README, "UDP radio"); records too large for one datagram are cut into
 * chunks. `close()` resolves once the hub has acknowledged everything, and rejects with
 * `PARSL_MONITORING_UNDELIVERED` when it has not within `closeTimeout`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const radio = new UdpRadio({ host: '10.0.0.5', port: 55055 });
 * radio.send({ kind: 'block', runId, time: Date.now(), executor: 'htex', blockId: '0', state: 'running' });
 * await radio.close();
 * ```
 */
export class UdpRadio implements MonitoringRadio {
  /** @inheritDoc */
  readonly resourceMonitoringInterval: number;
  private readonly host: string;
  private readonly port: number;
  private readonly maxPayload: number;
  private readonly window: number;
  private readonly retransmitMs: number;
  private readonly closeTimeoutMs: number;
  private readonly id = randomBytes(16);
  private readonly socket: Socket;
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private nextSeq = 0;
  private readonly outbox: Buffer[] = [];
  private readonly inFlight: InFlight[] = [];
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(options: UdpRadioOptions) {
    const o = options ?? ({} as UdpRadioOptions);
    if (!Number.isInteger(o.port) || o.port <= 0 || o.port > 65535) {
      throw new MonitoringError(MonitoringErrorCodes.Options, `UdpRadio: port must be the hub's UDP port (1–65535), got ${String(o.port)}`, {
        hint: 'start the hub with a udp listener and use hub.udpPort',
      });
    }
    this.host = o.host ?? '127.0.0.1';
    this.port = o.port;
    const max = o.maxDatagramBytes ?? 8192;
    if (!(Number.isInteger(max) && max >= 512 && max <= 65_000)) {
      throw new MonitoringError(MonitoringErrorCodes.Options, `UdpRadio: maxDatagramBytes must be a whole number from 512 to 65000, got ${String(max)}`, {
        hint: 'leave it out for 8192',
      });
    }
    this.maxPayload = max - 22;
    this.window = o.window ?? 64;
    this.retransmitMs = o.retransmitMs ?? 200;
    this.closeTimeoutMs = (o.closeTimeout ?? 10) * 1000;
    this.resourceMonitoringInterval = o.resourceMonitoringInterval ?? 0;
    this.socket = createSocket({ type: isIPv6(this.host) ? 'udp6' : 'udp4' });
    this.socket.on('message', (message) => this.onAck(message));
    this.socket.on('error', () => undefined); // ICMP unreachable while the hub is away: resent later
    this.socket.unref();
  }

  /** Datagrams sent and not yet acknowledged, plus those waiting for room in the window. */
  get unacknowledged(): number {
    return this.inFlight.length + this.outbox.length;
  }

  /** @inheritDoc */
  send(record: MonitoringRecord): void {
    if (this.closed) return;
    const text = JSON.stringify(record);
    this.pending.push(text);
    this.pendingBytes += Buffer.byteLength(text) + 1;
    if (this.pendingBytes >= this.maxPayload) this.pack();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pack();
      });
    }
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    if (this.closed && this.unacknowledged === 0) return;
    this.pack();
    this.closed = true;
    if (this.unacknowledged > 0) {
      const delivered = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), this.closeTimeoutMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!delivered) {
        const left = this.unacknowledged;
        this.shutdown();
        throw new MonitoringError(MonitoringErrorCodes.Undelivered,
          `the UDP radio to ${this.host}:${this.port} could not deliver ${left} datagram(s) within ${this.closeTimeoutMs / 1000} s`, {
            hint: 'is the hub still running, and is its UDP port reachable from here (firewall)?',
          });
      }
    }
    this.shutdown();
  }

  private shutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.inFlight.length = 0;
    this.outbox.length = 0;
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  /** Turn pending records into messages of at most one datagram each (longer ones in chunks). */
  private pack(): void {
    if (this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    let start = 0;
    let bytes = 2;
    for (let i = 0; i < records.length; i++) {
      const size = Buffer.byteLength(records[i]!) + 1;
      if (i > start && bytes + size > this.maxPayload) {
        this.enqueue(records.slice(start, i));
        start = i;
        bytes = 2;
      }
      bytes += size;
    }
    this.enqueue(records.slice(start));
    this.pump();
  }

  private enqueue(records: string[]): void {
    const message = Buffer.from(`[${records.join(',')}]`);
    for (let offset = 0; offset < message.length || offset === 0; offset += this.maxPayload) {
      const chunk = message.subarray(offset, offset + this.maxPayload);
      this.outbox.push(dataDatagram(this.id, this.nextSeq++, offset + this.maxPayload >= message.length, chunk));
      if (offset + this.maxPayload >= message.length) break;
    }
  }

  private pump(): void {
    const now = Date.now();
    while (this.inFlight.length < this.window && this.outbox.length > 0) {
      const datagram = this.outbox.shift()!;
      this.inFlight.push({ seq: datagram.readUInt32BE(17), datagram, sentAt: now });
      this.socket.send(datagram, this.port, this.host);
    }
    if (this.inFlight.length > 0 && !this.timer) {
      this.timer = setInterval(() => this.retransmit(), this.retransmitMs);
      this.timer.unref();
    }
  }

  private retransmit(): void {
    const now = Date.now();
    for (const item of this.inFlight) {
      if (now - item.sentAt < this.retransmitMs) continue;
      item.sentAt = now;
      this.socket.send(item.datagram, this.port, this.host);
    }
  }

  private onAck(message: Buffer): void {
    if (message.length !== ACK_LENGTH || message[0] !== ACK || !this.id.equals(message.subarray(1, 17))) return;
    const next = message.readUInt32BE(17);
    let acknowledged = 0;
    while (acknowledged < this.inFlight.length && this.inFlight[acknowledged]!.seq < next) acknowledged++;
    if (acknowledged > 0) this.inFlight.splice(0, acknowledged);
    this.pump();
    if (this.unacknowledged === 0) {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      if (this.pending.length === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
    }
  }
}
