/**
 * The datagrams of the UDP radio: a small reliable, ordered stream per sender on top of UDP.
 *
 * ```
 * DATA  [1][sender id: 16 bytes][seq: uint32 BE][flags: 1 byte][payload chunk]
 * ACK   [2][sender id: 16 bytes][next expected seq: uint32 BE]
 * ```
 *
 * A sender numbers its datagrams from 0 and keeps each until it is acknowledged; the receiver
 * delivers them in order, acknowledges cumulatively (everything below `next` arrived), and drops
 * duplicates. A message (a JSON array of records) longer than one datagram is cut into chunks;
 * flag bit 0 marks a message's last chunk. Loss, duplication and reordering — all possible with
 * UDP, and loss certain when a receive buffer overflows — therefore lose nothing.
 */

/** A data datagram. */
export const DATA = 1;
/** An acknowledgement. */
export const ACK = 2;
/** Bytes before a data datagram's payload. */
export const DATA_HEADER = 22;
/** Length of an acknowledgement. */
export const ACK_LENGTH = 21;
/** Flag: this chunk ends a message. */
export const LAST_CHUNK = 1;

/** Build a data datagram. */
export function dataDatagram(sender: Uint8Array, seq: number, last: boolean, chunk: Uint8Array): Buffer {
  const datagram = Buffer.allocUnsafe(DATA_HEADER + chunk.length);
  datagram[0] = DATA;
  datagram.set(sender, 1);
  datagram.writeUInt32BE(seq, 17);
  datagram[21] = last ? LAST_CHUNK : 0;
  datagram.set(chunk, DATA_HEADER);
  return datagram;
}

/** Build an acknowledgement of everything below `next`. */
export function ackDatagram(sender: Uint8Array, next: number): Buffer {
  const datagram = Buffer.allocUnsafe(ACK_LENGTH);
  datagram[0] = ACK;
  datagram.set(sender, 1);
  datagram.writeUInt32BE(next, 17);
  return datagram;
}
