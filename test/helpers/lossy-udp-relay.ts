// A loopback UDP relay that sits between a client and a server port and misbehaves on purpose: it drops the
// first N datagrams matching a predicate, drops at random with a seeded generator (reproducible runs) and
// can hold datagrams back to deliver them out of order. Used to exercise SIP retransmission timers
// (RFC 3261 §17.1.1.2 Timer A/B) without relying on a real lossy network.
import { createSocket, type Socket, type RemoteInfo } from 'node:dgram';

export type Direction = 'toServer' | 'toClient';

export interface LossyRelayOptions {
  /** Port of the real server on 127.0.0.1. */
  readonly serverPort: number;
  /** Drop the first `count` datagrams for which `match` is true. */
  readonly dropFirst?: { readonly count: number; readonly match: (datagram: Buffer, direction: Direction) => boolean };
  /** Probability 0..1 of dropping any datagram, decided by a PRNG seeded with `seed`. */
  readonly dropRate?: number;
  readonly seed?: number;
  /** Hold every datagram until `reorderWindow` are queued, then send them in reverse order. */
  readonly reorderWindow?: number;
}

export interface RelayEvent {
  readonly direction: Direction;
  readonly action: 'forwarded' | 'dropped';
  readonly bytes: number;
}

export interface LossyUdpRelay {
  /** The port clients send to. */
  readonly port: number;
  readonly events: readonly RelayEvent[];
  /** Sends any datagrams still held for reordering. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** mulberry32: tiny deterministic PRNG, enough for reproducible drop patterns. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startLossyUdpRelay(options: LossyRelayOptions): Promise<LossyUdpRelay> {
  const front = createSocket('udp4');
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', () => resolve()));
  const random = seededRandom(options.seed ?? 1);
  const events: RelayEvent[] = [];
  let dropBudget = options.dropFirst?.count ?? 0;
  // One back socket per client address, so the server's replies find their way to the right client.
  const backs = new Map<string, Socket>();
  const held: Array<{ socket: Socket; datagram: Buffer; port: number; direction: Direction }> = [];

  const send = (socket: Socket, datagram: Buffer, port: number): Promise<void> =>
    new Promise((resolve) => socket.send(datagram, port, '127.0.0.1', () => resolve()));

  const flush = async (): Promise<void> => {
    const batch = held.splice(0).reverse();
    for (const item of batch) await send(item.socket, item.datagram, item.port);
  };

  const handle = (socket: Socket, datagram: Buffer, port: number, direction: Direction): void => {
    if (dropBudget > 0 && options.dropFirst?.match(datagram, direction) === true) {
      dropBudget -= 1;
      events.push({ direction, action: 'dropped', bytes: datagram.length });
      return;
    }
    if ((options.dropRate ?? 0) > 0 && random() < (options.dropRate ?? 0)) {
      events.push({ direction, action: 'dropped', bytes: datagram.length });
      return;
    }
    events.push({ direction, action: 'forwarded', bytes: datagram.length });
    if ((options.reorderWindow ?? 0) > 1) {
      held.push({ socket, datagram, port, direction });
      if (held.length >= (options.reorderWindow ?? 0)) void flush();
      return;
    }
    void send(socket, datagram, port);
  };

  front.on('message', (datagram: Buffer, from: RemoteInfo) => {
    const key = `${from.address}:${from.port}`;
    let back = backs.get(key);
    if (back === undefined) {
      const created = createSocket('udp4');
      created.bind(0, '127.0.0.1');
      created.on('message', (reply: Buffer) => handle(front, reply, from.port, 'toClient'));
      backs.set(key, created);
      back = created;
    }
    handle(back, datagram, options.serverPort, 'toServer');
  });

  const address = front.address();
  return {
    port: address.port,
    events,
    flush,
    async close() {
      await Promise.all([front, ...backs.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      backs.clear();
      held.length = 0;
    },
  };
}
