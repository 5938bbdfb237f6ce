import { createConnection, createServer, isIPv6, type Server, type Socket } from 'node:net';
import * as tls from 'node:tls';
import { systemClock, type Clock, type TimerHandle } from '../../clock.ts';
import { CpmError } from '../../errors.ts';
import type { SipParseLimits } from '../syntax/parse-message.ts';
import { serializeSipMessage } from '../syntax/serialize-message.ts';
import type { SipMessage } from '../syntax/sip-message.ts';
import { SipStreamFramer } from '../syntax/sip-stream-framer.ts';
import { handleIncoming } from './handle-incoming.ts';
import { holdReadsWhileBacklogged } from './read-hold.ts';
import { peerKey, type MessageSource, type PeerAddress, type SipMessageHandler, type SipTransport, type TransportDiagnostic } from './sip-transport.ts';
import { listenError } from '../../listen-error.ts';
import { PerSourceCount } from '../../per-source-count.ts';

type FramedMessage = ReturnType<SipStreamFramer['push']>[number];

export interface StreamTransportOptions {
  /** Address to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Port to listen on; 0 (default) picks an ephemeral port. */
  readonly port?: number;
  readonly advertisedHost?: string;
  readonly limits?: Partial<SipParseLimits>;
  /**
   * Most bytes queued for writing on one connection before it is dropped. Default 1 MiB. Past
   * half of it the connection stops being read (a peer that sends requests without reading our
   * responses can then make us send no more), and a connection that has not drained
   * `drainTimeout` ms later is dropped.
   */
  readonly maxPendingWrite?: number;
  /** How long a connection over half of maxPendingWrite may stay so before it is dropped. Default 10 s. */
  readonly drainTimeout?: number;
  /** Connect timeout for outgoing connections, ms. Default 10 s. */
  readonly connectTimeout?: number;
  /**
   * An accepted connection that brings no complete message (or CRLF keep-alive) for this long, ms,
   * and over which we send nothing, is closed. Default 60 s; 0 disables. Runs on `clock`. For TLS
   * the handshake is bounded separately by node's `handshakeTimeout` (real time), which defaults
   * here to the same value unless `tls.handshakeTimeout` is given.
   */
  readonly idleTimeout?: number;
  /** Most accepted connections open at once; further ones are closed on arrival. Default 1024. */
  readonly maxInboundConnections?: number;
  /**
   * Most accepted connections open at once from one source IP address; further ones from that
   * address are closed on arrival, so one address cannot hold every slot of maxInboundConnections.
   * Default 64. Behind a proxy or SBC all traffic comes from its address: raise it there.
   */
  readonly maxInboundConnectionsPerSource?: number;
  /** TLS: most handshakes in progress from one source IP address; more are closed. Default 8. */
  readonly maxPendingHandshakesPerSource?: number;
  /** Time source for the idle timeout; default the system clock. */
  readonly clock?: Clock;
}

const defaultIdleTimeout = 60_000;
const defaultMaxPendingWrite = 1024 * 1024;
const defaultDrainTimeout = 10_000;
const defaultMaxInboundConnections = 1024;
export const DEFAULT_SIP_MAX_INBOUND_CONNECTIONS_PER_SOURCE = 64;
export const DEFAULT_SIP_MAX_PENDING_HANDSHAKES_PER_SOURCE = 8;

export interface TlsTransportOptions extends StreamTransportOptions {
  /** Server credentials and client settings (key/cert/ca/rejectUnauthorized/servername...). */
  readonly tls: tls.TlsOptions & tls.ConnectionOptions;
}

/** SIP over TCP (RFC 3261 §18): Content-Length framing, connections reused per peer. */
export function createTcpTransport(options: StreamTransportOptions = {}): Promise<SipTransport> {
  return StreamTransport.listen('TCP', options);
}

/** SIP over TLS (RFC 3261 §26.2): as TCP, over node:tls. */
export function createTlsTransport(options: TlsTransportOptions): Promise<SipTransport> {
  return StreamTransport.listen('TLS', options);
}

interface Connection {
  readonly id: string;
  readonly socket: Socket;
  readonly framer: SipStreamFramer;
  /** Accepted connections only: restarts the idle timer (see `idleTimeout`). */
  readonly touch: () => void;
  /** After every write: holds reads while the queue toward the peer is long (see `maxPendingWrite`). */
  readonly wrote: () => void;
  /** Keep-alive pings waiting for their pong (RFC 5626 §4.4.1). */
  readonly pongWaiters: Set<() => void>;
}

const CRLF = Buffer.from('\r\n');

class StreamTransport implements SipTransport {
  readonly reliable = true;
  readonly secure: boolean;
  local: PeerAddress;
  readonly advertisedHost: string;
  #handler: SipMessageHandler | undefined;
  #diagnostic: ((d: TransportDiagnostic) => void) | undefined;
  #refused: ((destination: PeerAddress, error: CpmError) => void) | undefined;
  /** Open connections by peer address, both accepted and initiated. */
  readonly #connections = new Map<string, Connection>();
  readonly #connecting = new Map<string, Promise<Connection>>();
  /** Outgoing sockets still connecting, with how to fail their attempt; close() aborts them. */
  readonly #pendingSockets = new Map<Socket, (error: CpmError) => void>();
  #nextId = 1;
  #closed = false;

  private constructor(
    readonly protocol: 'TCP' | 'TLS',
    private readonly server: Server,
    private readonly options: StreamTransportOptions | TlsTransportOptions,
    host: string,
  ) {
    this.secure = protocol === 'TLS';
    const address = server.address();
    this.local = { host, port: typeof address === 'object' && address !== null ? address.port : 0 };
    this.advertisedHost = options.advertisedHost ?? host;
  }

  static async listen(protocol: 'TCP' | 'TLS', options: StreamTransportOptions | TlsTransportOptions): Promise<SipTransport> {
    const host = options.host ?? '127.0.0.1';
    let self: StreamTransport | undefined;
    // TLS: handshakes still running, by source address and port, with how to end their count.
    const handshaking = new Map<string, () => void>();
    const onSocket = (socket: Socket): void => {
      handshaking.get(`${normaliseHost(socket.remoteAddress ?? '')}|${socket.remotePort ?? 0}`)?.();
      if (!socket.destroyed) self?.adopt(socket);
    };
    const idle = options.idleTimeout ?? defaultIdleTimeout;
    const tlsOptions = (options as TlsTransportOptions).tls;
    const server =
      protocol === 'TLS'
        ? tls.createServer({ ...(idle > 0 ? { handshakeTimeout: idle } : {}), ...tlsOptions }, onSocket)
        : createServer(onSocket);
    // Counted by node at accept time (before any TLS handshake), so a flood of silent peers cannot
    // hold more than this many sockets; the 'drop' event reports each refusal.
    server.maxConnections = options.maxInboundConnections ?? defaultMaxInboundConnections;
    // Per source address, counted on the raw TCP connection (before any TLS handshake) and
    // refused before anything else looks at it.
    const perSource = new PerSourceCount(options.maxInboundConnectionsPerSource ?? DEFAULT_SIP_MAX_INBOUND_CONNECTIONS_PER_SOURCE);
    const handshakes = new PerSourceCount(options.maxPendingHandshakesPerSource ?? DEFAULT_SIP_MAX_PENDING_HANDSHAKES_PER_SOURCE);
    server.prependListener('connection', (raw: Socket) => {
      const source = normaliseHost(raw.remoteAddress ?? '');
      const refuse = (what: string, limit: number): void => {
        self?.diagnose({ kind: 'connection-error', peer: { host: source, port: raw.remotePort ?? 0 }, code: 'ERR_SIP_TOO_MANY_CONNECTIONS', message: `inbound connection refused: ${limit} ${what} from ${source} already` });
        raw.on('error', () => {});
        raw.destroy();
      };
      if (!perSource.take(source)) { refuse('connections', perSource.limit); return; }
      raw.once('close', () => perSource.give(source));
      if (protocol !== 'TLS') return;
      if (!handshakes.take(source)) { refuse('TLS handshakes in progress', handshakes.limit); return; }
      const key = `${source}|${raw.remotePort ?? 0}`;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        handshakes.give(source);
        handshaking.delete(key);
      };
      handshaking.set(key, finish);
      raw.once('close', finish);
    });
    server.on('drop', (data) => {
      self?.diagnose({
        kind: 'connection-error',
        ...(data?.remoteAddress !== undefined ? { peer: { host: normaliseHost(data.remoteAddress), port: data.remotePort ?? 0 } } : {}),
        code: 'ERR_SIP_TOO_MANY_CONNECTIONS',
        message: `inbound connection refused: ${server.maxConnections} already open`,
      });
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(listenError(error, `SIP over ${protocol}`, host, options.port ?? 0));
      server.once('error', onError);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    self = new StreamTransport(protocol, server, options, host);
    // After listening, the server's errors are failed accepts (EMFILE, ENFILE when the process or
    // system is out of descriptors): reported, never thrown (an unhandled 'error' would end the process).
    server.on('error', (error: NodeJS.ErrnoException) => {
      self?.diagnose({ kind: 'connection-error', code: 'ERR_SIP_ACCEPT', message: `cannot accept a connection: ${error.message}` });
    });
    return self;
  }

  /** `inbound`: accepted by our server (subject to the idle timeout), not dialled by us. */
  private adopt(socket: Socket, inbound = true): Connection {
    const peer = { host: normaliseHost(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    const key = peerKey(peer);
    const clock = this.options.clock ?? systemClock;
    const idle = this.options.idleTimeout ?? defaultIdleTimeout;
    let idleTimer: TimerHandle | undefined;
    const touch = (): void => {
      if (!inbound || idle <= 0 || socket.destroyed) return;
      clock.clearTimeout(idleTimer);
      idleTimer = clock.setTimeout(() => {
        idleTimer = undefined;
        if (socket.destroyed) return;
        // Slow or silent peers (a partial request dripped forever, or nothing at all) would
        // otherwise hold a socket and a framer buffer indefinitely.
        this.diagnose({ kind: 'connection-error', peer, code: 'ERR_SIP_IDLE_TIMEOUT', message: `no complete message for ${idle} ms; connection closed` });
        socket.destroy();
      }, idle);
    };
    // Framed messages not yet handled: a read can hold many requests, and once reads are held
    // (see read-hold.ts) the rest of it waits here instead of adding answers.
    const backlog: FramedMessage[] = [];
    const handleBacklog = (): void => {
      while (backlog.length > 0 && !hold.held() && !socket.destroyed) {
        const { result, raw, fatal } = backlog.shift() as FramedMessage;
        handleIncoming(result, raw, {
          source,
          deliver: this.#handler,
          diagnose: (d) => this.diagnose(d),
          // On a stream the reply goes back over the same connection (RFC 3261 §18.2.2).
          reply: (response) => {
            if (socket.destroyed) return;
            const bytes = serializeSipMessage(response);
            if (socket.writableLength + bytes.length > (this.options.maxPendingWrite ?? defaultMaxPendingWrite)) {
              this.diagnose({ kind: 'connection-error', peer, code: 'ERR_SIP_PEER_NOT_READING', message: 'write buffer is full (the peer does not read its responses); connection dropped' });
              socket.destroy();
              return;
            }
            socket.write(bytes);
            hold.wrote();
          },
        });
        // A framing error leaves the stream unsynchronised: finish the reply, then close.
        if (fatal) {
          backlog.length = 0;
          socket.end();
        }
      }
    };
    const hold = holdReadsWhileBacklogged(socket, {
      clock,
      maxPendingWrite: this.options.maxPendingWrite ?? defaultMaxPendingWrite,
      drainTimeout: this.options.drainTimeout ?? defaultDrainTimeout,
      onRelease: handleBacklog,
      onDrop: (queued, timeout) => this.diagnose({ kind: 'connection-error', peer, code: 'ERR_SIP_PEER_NOT_READING', message: `the peer did not read ${queued} queued bytes within ${timeout} ms; connection dropped` }),
    });
    const conn: Connection = { id: `${this.protocol.toLowerCase()}-${this.#nextId++}`, socket, framer: new SipStreamFramer(this.options.limits), touch, wrote: hold.wrote, pongWaiters: new Set() };
    this.#connections.set(key, conn);
    touch();
    const source: MessageSource = { ...peer, transport: this, connectionId: conn.id };
    socket.on('data', (chunk: Buffer) => {
      // RFC 5626 §4.4.1: between messages, a double CRLF is a ping the server answers with one
      // CRLF (the pong); a CRLF arriving while we wait for a pong is that pong.
      if (conn.framer.buffered === 0 && (chunk[0] === 0x0d || chunk[0] === 0x0a)) {
        const waiters = [...conn.pongWaiters];
        conn.pongWaiters.clear();
        for (const done of waiters) done();
        if (waiters.length === 0 && inbound && chunk.subarray(0, 4).toString('latin1') === '\r\n\r\n' && !socket.destroyed) socket.write(CRLF);
      }
      const items = conn.framer.push(chunk);
      // Activity is a complete message, or a chunk of nothing but CRLF keep-alives (RFC 5626
      // §3.5.1, which leaves nothing buffered); bytes of an unfinished message do not count.
      if (items.length > 0 || conn.framer.buffered === 0) touch();
      for (const item of items) backlog.push(item);
      handleBacklog();
    });
    socket.on('error', (err) => this.diagnose({ kind: 'connection-error', peer, message: err.message }));
    socket.on('close', () => {
      clock.clearTimeout(idleTimer);
      if (this.#connections.get(key) === conn) this.#connections.delete(key);
    });
    return conn;
  }

  async send(message: SipMessage, destination: PeerAddress): Promise<void> {
    if (this.#closed) throw this.#closedError();
    // An open connection is written at once (no await before the write), so a response sent
    // while handling a request counts in the backlog before the next request is looked at.
    const conn = this.#openConnection(destination) ?? await this.#connectionTo(destination);
    const bytes = serializeSipMessage(message);
    // Bounded output: a peer that stops reading must not make us buffer without limit.
    if (conn.socket.writableLength + bytes.length > (this.options.maxPendingWrite ?? defaultMaxPendingWrite)) {
      conn.socket.destroy();
      throw new CpmError('ERR_SIP_TRANSPORT', `write buffer to ${peerKey(destination)} is full; connection dropped`);
    }
    conn.touch();
    await new Promise<void>((resolve, reject) => {
      conn.socket.write(bytes, (err) => {
        if (err) reject(new CpmError('ERR_SIP_TRANSPORT', `${this.protocol} write to ${peerKey(destination)} failed: ${err.message}`, { cause: err }));
        else resolve();
      });
      conn.wrote();
    });
  }

  #openConnection(destination: PeerAddress): Connection | undefined {
    const existing = this.#connections.get(peerKey({ host: normaliseHost(destination.host), port: destination.port }));
    return existing !== undefined && !existing.socket.destroyed && !existing.socket.readableEnded && existing.socket.writable ? existing : undefined;
  }

  hasConnection(peer: PeerAddress): boolean {
    return !this.#closed && this.#openConnection(peer) !== undefined;
  }

  async ping(destination: PeerAddress, timeoutMs: number): Promise<boolean> {
    if (this.#closed) return false;
    const conn = this.#connections.get(peerKey({ host: normaliseHost(destination.host), port: destination.port }));
    if (conn === undefined || conn.socket.destroyed || !conn.socket.writable) return false;
    const clock = this.options.clock ?? systemClock;
    const ponged = await new Promise<boolean>((resolve) => {
      const done = (): void => {
        clock.clearTimeout(timer);
        resolve(true);
      };
      const timer = clock.setTimeout(() => {
        conn.pongWaiters.delete(done);
        resolve(false);
      }, timeoutMs);
      conn.pongWaiters.add(done);
      conn.socket.write('\r\n\r\n');
    });
    // RFC 5626 §4.4.1: no pong means the flow is dead; a new request must open a new connection.
    if (!ponged) {
      this.diagnose({ kind: 'connection-error', peer: destination, code: 'ERR_SIP_FLOW_DEAD', message: `no keep-alive pong within ${timeoutMs} ms; connection closed` });
      conn.socket.destroy();
    }
    return ponged;
  }

  #connectionTo(destination: PeerAddress): Promise<Connection> {
    const key = peerKey({ host: normaliseHost(destination.host), port: destination.port });
    const existing = this.#connections.get(key);
    // A connection the peer has closed (FIN seen, or no longer writable) is not reused: a request
    // written into it would be lost and wait for Timer F; a fresh connect fails at once instead
    // when the peer is gone (ECONNREFUSED), or reaches it when it restarted.
    if (existing !== undefined && !existing.socket.destroyed && (existing.socket.readableEnded || !existing.socket.writable)) {
      existing.socket.destroy();
      this.#connections.delete(key);
    } else if (existing !== undefined && !existing.socket.destroyed) return Promise.resolve(existing);
    const pending = this.#connecting.get(key);
    if (pending !== undefined) return pending;
    const attempt = new Promise<Connection>((resolve, reject) => {
      const socket =
        this.protocol === 'TLS'
          ? tls.connect({ ...(this.options as TlsTransportOptions).tls, host: destination.host, port: destination.port })
          : createConnection({ host: destination.host, port: destination.port });
      const clock = this.options.clock ?? systemClock;
      const timer = clock.setTimeout(() => socket.destroy(new Error('connect timeout')), this.options.connectTimeout ?? 10_000);
      const settle = (): void => {
        clock.clearTimeout(timer);
        this.#pendingSockets.delete(socket);
        socket.off('error', onError);
      };
      const onError = (err: Error): void => {
        settle();
        reject(new CpmError('ERR_SIP_TRANSPORT', `${this.protocol} connect to ${key} failed: ${err.message}`, { cause: err }));
      };
      // close() while the connect is in flight: the socket would otherwise open after the
      // connection map was cleared and live on unowned.
      const abort = (error: CpmError): void => {
        settle();
        socket.destroy();
        reject(error);
      };
      this.#pendingSockets.set(socket, abort);
      socket.once('error', onError);
      socket.once(this.protocol === 'TLS' ? 'secureConnect' : 'connect', () => {
        if (this.#closed) {
          abort(this.#closedError());
          return;
        }
        settle();
        const conn = this.adopt(socket, false);
        if (this.protocol === 'TLS') this.#watchRefusal(socket, destination);
        // Also index the connection under the address we dialled, which is how callers name it.
        this.#connections.set(key, conn);
        socket.on('close', () => {
          if (this.#connections.get(key) === conn) this.#connections.delete(key);
        });
        resolve(conn);
      });
    }).finally(() => this.#connecting.delete(key));
    this.#connecting.set(key, attempt);
    return attempt;
  }

  /**
   * With TLS 1.3 the server checks our certificate after our side of the handshake is complete, so
   * a peer that rejects it shows only afterwards, when our requests are already written: an alert
   * (OpenSSL-based peers name their reason) or the connection ended before the peer sent a byte
   * (node peers close without one). Those requests will never be answered over this connection;
   * the transaction layer hears of it at once rather than at Timer B.
   */
  #watchRefusal(socket: Socket, destination: PeerAddress): void {
    let alert: string | undefined;
    let ended = false;
    const onError = (err: NodeJS.ErrnoException): void => {
      alert ??= /ALERT_([A-Z0-9_]+)$/.exec(err.code ?? '')?.[1]?.toLowerCase();
      if (err.code === 'ECONNRESET') ended = true;
    };
    const onEnd = (): void => { ended = true; };
    const stop = (): void => {
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.off('close', onClose);
    };
    const onClose = (): void => {
      stop();
      if (this.#closed || (alert === undefined && !ended)) return;
      const where = peerKey(destination);
      const error = alert !== undefined
        ? new CpmError('ERR_SIP_TLS_REFUSED', `${where} refused the TLS handshake: alert ${alert}`)
        : new CpmError('ERR_SIP_TLS_REFUSED', `${where} closed the TLS connection right after the handshake, before answering (it did not accept our certificate)`);
      this.diagnose({ kind: 'connection-error', peer: destination, code: error.code, message: error.message });
      try {
        this.#refused?.(destination, error);
      } catch {
        // As for diagnostics: the handler's own failure has nowhere to go.
      }
    };
    // Anything from the peer means it accepted us; a later close is an ordinary one.
    socket.once('data', stop);
    socket.on('error', onError);
    socket.once('end', onEnd);
    socket.once('close', onClose);
  }

  onConnectionRefused(handler: (destination: PeerAddress, error: CpmError) => void): void {
    this.#refused = handler;
  }

  private diagnose(d: TransportDiagnostic): void {
    try {
      this.#diagnostic?.(d);
    } catch {
      // The diagnostics hook itself failed; there is nowhere left to report that.
    }
  }

  #closedError(): CpmError {
    return new CpmError('ERR_SIP_TRANSPORT_CLOSED', `${this.protocol} transport is closed`);
  }

  onMessage(handler: SipMessageHandler): void {
    this.#handler = handler;
  }

  onDiagnostic(handler: (d: TransportDiagnostic) => void): void {
    this.#diagnostic = handler;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of new Set(this.#connections.values())) conn.socket.destroy();
    this.#connections.clear();
    for (const abort of [...this.#pendingSockets.values()]) abort(this.#closedError());
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** `::ffff:127.0.0.1` (IPv4-mapped, as node reports dual-stack peers) -> `127.0.0.1`. */
function normaliseHost(host: string): string {
  return host.startsWith('::ffff:') && !isIPv6(host.slice(7)) ? host.slice(7) : host;
}
