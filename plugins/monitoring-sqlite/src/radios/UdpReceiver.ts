import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { MonitoringRecord } from '@parsl-ts/core';
import { MonitoringError, MonitoringErrorCodes } from '../MonitoringError.js';
import { ACK_LENGTH, DATA, DATA_HEADER, LAST_CHUNK, ackDatagram } from './udpProtocol.js';

/** Datagrams held per sender ahead of a gap; beyond this they are dropped and sent again later. */
const MAX_AHEAD = 4096;
/** Asked of the kernel for the receive buffer (capped at net.core.rmem_max). */
const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;

interface SenderState {
  next: number;
  readonly ahead: Map<number, Buffer>;
  chunks: Buffer[];
  address: string;
  port: number;
  ackScheduled: boolean;
}

/**
 * The hub's end of the UDP radio (see udpProtocol.ts): receives datagrams from any number of
 * senders, puts each sender's messages back in order, acknowledges them, and hands the records to
 * `deliver`. Garbage is counted and dropped; nothing a sender does can stop it.
 *
 * @internal
 */
export class UdpReceiver {
  /** Datagrams that were not valid (wrong length, type or JSON). */
  rejected = 0;
  private readonly senders = new Map<string, SenderState>();
  private readonly socket: Socket;

  constructor(private readonly address: string, private readonly requestedPort: number, private readonly deliver: (records: MonitoringRecord[]) => void,
    private readonly warn: (message: string) => void) {
    this.socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    this.socket.on('message', (message, remote) => this.onDatagram(message, remote));
    this.socket.on('error', (error) => this.warn(`UDP listener error: ${error.message}`));
  }

  /** Bind; resolves with the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (cause: Error): void => reject(new MonitoringError(MonitoringErrorCodes.UdpBind,
        `the monitoring hub cannot listen for UDP on ${this.address}:${this.requestedPort}: ${cause.message}`, {
          cause, hint: 'choose another udp.port (0 picks a free one) or an address of this machine',
        }));
      this.socket.once('error', onError);
      this.socket.bind(this.requestedPort, this.address, () => {
        this.socket.off('error', onError);
        try {
          this.socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
        } catch {
          // Refused: the default buffer works, the senders' window and retransmissions cover it.
        }
        resolve(this.socket.address().port);
      });
    });
  }

  /** Stop listening. */
  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onDatagram(datagram: Buffer, remote: RemoteInfo): void {
    if (datagram.length < DATA_HEADER || datagram[0] !== DATA) {
      if (datagram.length !== ACK_LENGTH) this.rejected++;
      return;
    }
    const key = datagram.toString('hex', 1, 17);
    let sender = this.senders.get(key);
    if (!sender) {
      sender = { next: 0, ahead: new Map(), chunks: [], address: remote.address, port: remote.port, ackScheduled: false };
      this.senders.set(key, sender);
    }
    sender.address = remote.address;
    sender.port = remote.port;
    const seq = datagram.readUInt32BE(17);
    if (seq >= sender.next && seq < sender.next + MAX_AHEAD) {
      sender.ahead.set(seq, datagram);
      for (let next = sender.ahead.get(sender.next); next; next = sender.ahead.get(sender.next)) {
        sender.ahead.delete(sender.next);
        sender.next++;
        this.consume(sender, next);
      }
    }
    // Acknowledge new and duplicate datagrams alike (a lost ack makes the sender repeat itself).
    if (!sender.ackScheduled) {
      sender.ackScheduled = true;
      setImmediate(() => {
        sender.ackScheduled = false;
        this.socket.send(ackDatagram(datagram.subarray(1, 17), sender.next), sender.port, sender.address);
      });
    }
  }

  private consume(sender: SenderState, datagram: Buffer): void {
    sender.chunks.push(datagram.subarray(DATA_HEADER));
    if ((datagram[21]! & LAST_CHUNK) === 0) return;
    const text = (sender.chunks.length === 1 ? sender.chunks[0]! : Buffer.concat(sender.chunks)).toString('utf8');
    sender.chunks = [];
    let records: unknown;
    try {
      records = JSON.parse(text);
    } catch {
      this.rejected++;
      return;
    }
    if (Array.isArray(records)) this.deliver(records as MonitoringRecord[]);
    else this.rejected++;
  }
}
