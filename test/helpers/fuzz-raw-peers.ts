// Raw-byte peers for the hostile suites: a UDP socket and TCP connections that send arbitrary
// bytes to a listener and collect what comes back, framed as SIP messages. Everything binds to
// 127.0.0.1 with ephemeral ports and is closed by the caller (close()).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { parseSipMessage, SipStreamFramer, type SipMessage } from '../../runtime/sip/index.ts';
import { tallyForCurrentTest } from './test-counters.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` returns a value, polling; undefined after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined, timeoutMs = 2000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined || Date.now() >= deadline) return v;
    await sleep(5);
  }
}

export type MessageFilter = (m: SipMessage) => boolean;

/** Final responses (>= 200) whose top Via carries `branch`: the answer to one request. */
export const finalFor = (branch: string): MessageFilter => (m) =>
  m.kind === 'response' && m.status >= 200 && (m.headers.get('Via') ?? '').includes(`branch=${branch}`);

async function take(list: SipMessage[], timeoutMs: number, filter: MessageFilter): Promise<SipMessage | undefined> {
  const i = await waitFor(() => { const at = list.findIndex(filter); return at < 0 ? undefined : at; }, timeoutMs);
  if (i === undefined) return undefined;
  return list.splice(i, 1)[0];
}

export class RawUdpPeer {
  readonly received: SipMessage[] = [];
  private constructor(readonly socket: UdpSocket) {
    socket.on('message', (buf) => {
      const r = parseSipMessage(buf);
      if (r.ok) this.received.push(r.value);
    });
  }

  static async open(): Promise<RawUdpPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new RawUdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** One datagram = one hostile input for the run's summary line (counted if the test passes). */
  send(bytes: Buffer | string, port: number): Promise<void> {
    tallyForCurrentTest('hostile');
    return new Promise((resolve, reject) => this.socket.send(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  }

  /** The first message not yet taken that passes `filter`, or undefined after the timeout. */
  next(timeoutMs = 2000, filter: MessageFilter = () => true): Promise<SipMessage | undefined> {
    return take(this.received, timeoutMs, filter);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

export class RawTcpPeer {
  readonly received: SipMessage[] = [];
  closed = false;
  readonly #framer = new SipStreamFramer({ maxMessageSize: 1 << 20 });
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const item of this.#framer.push(chunk)) if (item.result.ok) this.received.push(item.result.value);
    });
    socket.on('close', () => { this.closed = true; });
    // The listener may reset a connection it gave up on while we are still writing.
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<RawTcpPeer> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    return new RawTcpPeer(socket);
  }

  get port(): number {
    return this.socket.localPort ?? 0;
  }

  /** One write = one hostile input for the run's summary line (counted if the test passes). */
  write(bytes: Buffer | string): Promise<void> {
    tallyForCurrentTest('hostile');
    return this.#write(bytes);
  }

  #write(bytes: Buffer | string): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** Writes `bytes` one byte at a time with `gapMs` between them (one hostile input in all). */
  async drip(bytes: Buffer, gapMs: number): Promise<void> {
    tallyForCurrentTest('hostile');
    for (const b of bytes) {
      await this.#write(Buffer.from([b]));
      await sleep(gapMs);
    }
  }

  /** The first message not yet taken that passes `filter`, or undefined after the timeout. */
  next(timeoutMs = 2000, filter: MessageFilter = () => true): Promise<SipMessage | undefined> {
    return take(this.received, timeoutMs, filter);
  }

  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    return (await waitFor(() => (this.closed ? true : undefined), timeoutMs)) ?? false;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => { this.socket.once('close', () => resolve()); this.socket.destroy(); });
  }
}
