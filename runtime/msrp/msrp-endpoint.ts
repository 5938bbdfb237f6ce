import { connect as netConnect, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type ConnectionOptions, type TlsOptions } from 'node:tls';
import { CpmError } from '../errors.ts';
import { type CancelTimer, type Clock, schedule, systemClock } from './clock.ts';
import { BorrowedReads } from './reused-read-buffer.ts';
import { MsrpConnection, type MsrpBodyHandler, type MsrpConnectionDelegate, type MsrpReplyLimits } from './msrp-connection.ts';
import { MsrpSession, type MsrpSessionHost, type MsrpSessionOptions } from './msrp-session.ts';
import { formatMsrpUri, msrpUriEquals, type MsrpUri } from './msrp-uri.ts';
import { newSessionId } from './random-id.ts';
import { MsrpRelayClient, type MsrpRelayOptions } from './relay/relay-client.ts';
import type { MsrpParserLimits, MsrpRequestHead } from './syntax/msrp-parser.ts';
import { serializeResponse } from './syntax/msrp-serializer.ts';
import { listenError } from '../listen-error.ts';
import { PerSourceCount } from '../per-source-count.ts';

export interface MsrpEndpointOptions {
  /** Address to listen on and to write into our URIs. Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (default) picks an ephemeral port. */
  readonly port?: number;
  /** Do not listen (active-only use); our URIs then carry the discard port 9. */
  readonly listen?: boolean;
  /** TLS server options: the listener speaks TLS and our URIs use msrps. */
  readonly tls?: TlsOptions;
  /** Options for outgoing TLS connections to msrps URIs. */
  readonly tlsClient?: ConnectionOptions;
  readonly parserLimits?: Partial<MsrpParserLimits>;
  /** RFC 4976: authenticate to this relay at create() and route every session through it. */
  readonly relay?: MsrpRelayOptions;
  /** Bound on opening an outgoing connection (TCP, and the TLS handshake for msrps), default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Timers of the endpoint (connect timeout, idle inbound connections); default the system clock. */
  readonly clock?: Clock;
  /** Opens outgoing sockets; default node:net / node:tls. Tests inject one that never connects. */
  readonly openSocket?: MsrpSocketOpener;
  /** An accepted connection not bound to any session this long after it arrived is closed; default 30 s. */
  readonly inboundIdleTimeoutMs?: number;
  /** Accepted connections open at once; more are closed on arrival. Default 1024. */
  readonly maxInboundConnections?: number;
  /**
   * Accepted connections not (yet) bound to a session, per source IP address; more from that
   * address are closed on arrival, so one address cannot hold every slot with silent sockets.
   * Default 64 (a sender opens one connection per file, and binds each with its first SEND).
   * While our own sessions wait for more connections than are silent in total, a connection past
   * this bound is still taken: it may be the one a session waits for (a peer answering hundreds of
   * our offers at once connects for all of them from one address before binding any).
   */
  readonly maxSilentConnectionsPerSource?: number;
  /** Bounds on responses and REPORTs queued toward a peer that does not read (msrp-connection.ts). */
  readonly replyLimits?: Partial<MsrpReplyLimits>;
  /** Told of what happens to inbound connections before any session sees them (see MsrpEndpointDiagnostic). */
  readonly onDiagnostic?: (diagnostic: MsrpEndpointDiagnostic) => void;
}

/**
 * An inbound connection that ended before it could reach a session: `accept-failed`, the listener
 * could not take it (EMFILE/ENFILE: out of descriptors); `connection-refused`, closed on arrival by
 * maxInboundConnections or maxSilentConnectionsPerSource; `tls-handshake-failed`, its TLS handshake
 * failed (a peer that does not trust our certificate, or that sent no certificate we trust).
 */
export interface MsrpEndpointDiagnostic {
  readonly event: 'accept-failed' | 'connection-refused' | 'tls-handshake-failed';
  readonly code: 'ERR_MSRP_ACCEPT' | 'ERR_MSRP_TOO_MANY_CONNECTIONS' | 'ERR_MSRP_TLS_HANDSHAKE';
  readonly message: string;
  /** The peer's address, when known. */
  readonly peer?: string;
}

/** Where an outgoing MSRP connection goes. */
export interface MsrpDialTarget {
  readonly scheme: 'msrp' | 'msrps';
  readonly host: string;
  readonly port: number;
}

/** Opens a socket to `target` and calls `onConnect` once it is usable (after the TLS handshake for msrps). */
export type MsrpSocketOpener = (target: MsrpDialTarget, onConnect: () => void) => Socket;

/** Default for MsrpEndpointOptions.connectTimeoutMs. */
export const DEFAULT_MSRP_CONNECT_TIMEOUT_MS = 10_000;
/** Default for MsrpEndpointOptions.inboundIdleTimeoutMs. */
export const DEFAULT_MSRP_INBOUND_IDLE_TIMEOUT_MS = 30_000;
/** Default for MsrpEndpointOptions.maxInboundConnections. */
export const DEFAULT_MSRP_MAX_INBOUND_CONNECTIONS = 1024;
/** Default for MsrpEndpointOptions.maxSilentConnectionsPerSource. */
export const DEFAULT_MSRP_MAX_SILENT_CONNECTIONS_PER_SOURCE = 64;

// OpenSSL names a TLS alert in the error code (ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE,
// ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED, ...); the part after ALERT_ is the alert's RFC 8446 name.
const alertOf = (error: unknown): string | undefined =>
  /ALERT_([A-Z0-9_]+)$/.exec((error as NodeJS.ErrnoException | undefined)?.code ?? '')?.[1]?.toLowerCase();

// node:tls's codes for a peer certificate it would not accept (OpenSSL's X509_V_ERR_* names, and
// the name check of tls.checkServerIdentity).
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE', 'INVALID_CA', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A failed msrps connect that is a refusal of a certificate, either way: the peer's alert (it did
 * not accept ours), or our check of its certificate. Undefined for anything else (refused port,
 * timeout), which stays ERR_MSRP_CONNECT.
 */
function tlsRefusal(where: string, error: unknown): CpmError | undefined {
  const alert = alertOf(error);
  if (alert !== undefined) return new CpmError('ERR_MSRP_TLS_REFUSED', `${where} refused the TLS handshake: alert ${alert}`, { cause: error });
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && UNTRUSTED_CERTIFICATE.has(code)) {
    return new CpmError('ERR_MSRP_TLS_REFUSED', `cannot connect to ${where}: its TLS certificate is not trusted: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return undefined;
}

/**
 * With TLS 1.3 the server checks our certificate after our side of the handshake is done, so a
 * refusal arrives once the connection is ours and the binding SEND written: an alert (OpenSSL
 * peers name their reason) or the connection ended before the peer sent a byte (node peers close
 * without one). Either is told as the refusal, not as a connection that merely closed.
 */
function watchTlsRefusal(socket: Socket, where: string, refused: (error: CpmError) => void): void {
  const stop = (): void => {
    socket.off('error', onError);
    socket.off('end', onEnd);
  };
  const onError = (error: NodeJS.ErrnoException): void => {
    const alert = alertOf(error);
    if (alert !== undefined) refused(new CpmError('ERR_MSRP_TLS_REFUSED', `${where} refused the TLS handshake: alert ${alert}`, { cause: error }));
    else if (error.code === 'ECONNRESET') refused(closedAfterHandshake(where));
    stop();
  };
  const onEnd = (): void => {
    refused(closedAfterHandshake(where));
    stop();
  };
  // Anything from the peer means it accepted us; a later close is an ordinary one.
  socket.once('data', stop);
  socket.on('error', onError);
  socket.once('end', onEnd);
}

const closedAfterHandshake = (where: string): CpmError =>
  new CpmError('ERR_MSRP_TLS_REFUSED', `${where} closed the TLS connection right after the handshake, before answering (it did not accept our certificate)`);

/** Same scheme, host and port: the relay's Use-Path URIs differ from each other only in session id. */
const sameHop = (a: MsrpUri, b: MsrpUri): boolean =>
  a.scheme === b.scheme && a.host.toLowerCase() === b.host.toLowerCase() && (a.port ?? 2855) === (b.port ?? 2855);

// RFC 4975 §7: the methods an endpoint understands; anything else is answered with 501.
const KNOWN_METHODS = new Set(['SEND', 'REPORT']);

/**
 * Listens for MSRP connections, owns the sessions, and binds connections to sessions:
 * the passive side learns a connection's session from the To-Path of its first request.
 */
export class MsrpEndpoint implements MsrpConnectionDelegate, MsrpSessionHost {
  readonly host: string;
  readonly scheme: 'msrp' | 'msrps';
  readonly #options: MsrpEndpointOptions;
  readonly #sessions = new Map<string, MsrpSession>();
  readonly #connections = new Set<MsrpConnection>();
  readonly #bindings = new Map<MsrpConnection, Set<MsrpSession>>();
  #server: Server | undefined;
  #port = 9;
  #relay: MsrpRelayClient | undefined;
  readonly #clock: Clock;
  /** Accepted connections, each with its unbound-idle timer (cancelled once it fired or closed). */
  readonly #inbound = new Map<MsrpConnection, CancelTimer | undefined>();
  /** Accepted connections not yet bound to a session, per source address, and each one's source. */
  readonly #silent: PerSourceCount;
  readonly #silentSource = new Map<MsrpConnection, string>();
  /** Silent connections taken past the per-source bound because sessions waited for them. */
  readonly #pastBound = new Set<MsrpConnection>();

  private constructor(options: MsrpEndpointOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.host = options.host ?? '127.0.0.1';
    this.scheme = options.tls ? 'msrps' : 'msrp';
    this.#silent = new PerSourceCount(options.maxSilentConnectionsPerSource ?? DEFAULT_MSRP_MAX_SILENT_CONNECTIONS_PER_SOURCE);
  }

  static async create(options: MsrpEndpointOptions = {}): Promise<MsrpEndpoint> {
    const ep = new MsrpEndpoint(options);
    if (options.listen !== false) await ep.#listen();
    if (options.relay !== undefined) {
      try {
        await ep.#openRelay(options.relay);
      } catch (error) {
        await ep.close();
        throw error;
      }
    }
    return ep;
  }

  /** The relay this endpoint routes through, once authenticated. */
  get relay(): MsrpRelayClient | undefined { return this.#relay; }

  // RFC 4976 §5: the client opens its own connection to the relay and authenticates on it; all
  // of its sessions then share that connection (the relay sends their traffic back over it).
  async #openRelay(relay: MsrpRelayOptions): Promise<void> {
    const name = formatMsrpUri(relay.uri);
    const conn = await this.#dial(relay.uri).catch((e: unknown) => {
      throw new CpmError('ERR_MSRP_RELAY_CONNECT', `cannot reach MSRP relay ${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    });
    const local: MsrpUri = { scheme: this.scheme, host: this.host, port: this.#port, sessionId: newSessionId(), transport: 'tcp', params: [] };
    this.#relay = await MsrpRelayClient.authenticate(conn, local, relay);
  }

  get port(): number { return this.#port; }

  async #listen(): Promise<void> {
    const onSocket = (socket: Socket) => this.#accept(socket);
    const server = this.#options.tls ? createTlsServer(this.#options.tls, onSocket) : createNetServer(onSocket);
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(listenError(error, this.#options.tls ? 'MSRP over TLS' : 'MSRP', this.host, this.#options.port ?? 0));
      server.once('error', onError);
      server.listen(this.#options.port ?? 0, this.host, () => { server.off('error', onError); resolve(); });
    });
    // Later server errors are failed accepts (EMFILE, ENFILE): the peer sees its connection
    // refused and retries or fails; an unhandled 'error' would end the whole process, and an
    // unreported one leaves the operator with senders failing for no visible reason.
    server.on('error', (error: NodeJS.ErrnoException) => {
      this.#diagnose({ event: 'accept-failed', code: 'ERR_MSRP_ACCEPT', message: `cannot accept an MSRP connection on ${this.host}:${this.#port}: ${error.message}` });
    });
    if (this.#options.tls) {
      server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: Socket) => {
        const alert = /ALERT_([A-Z0-9_]+)$/.exec(error.code ?? '')?.[1]?.toLowerCase();
        const peer = socket.remoteAddress === undefined ? undefined : `${socket.remoteAddress}:${socket.remotePort ?? 0}`;
        const why = alert !== undefined ? `the peer refused it with alert ${alert}` : error.message;
        this.#diagnose({ event: 'tls-handshake-failed', code: 'ERR_MSRP_TLS_HANDSHAKE', message: `TLS handshake of an inbound MSRP connection${peer === undefined ? '' : ` from ${peer}`} failed: ${why}`, ...(peer !== undefined ? { peer } : {}) });
      });
    }
    const addr = server.address();
    if (addr !== null && typeof addr === 'object') this.#port = addr.port;
  }

  // RFC 4975 §5.4: the passive side learns which session an accepted connection belongs to from
  // its first request. A connection that never sends one we accept (nothing, or only requests
  // answered 481) holds a socket for nothing: it is closed after the idle time, and the number
  // of accepted connections is capped so a peer cannot exhaust descriptors.
  #accept(socket: Socket): void {
    const max = this.#options.maxInboundConnections ?? DEFAULT_MSRP_MAX_INBOUND_CONNECTIONS;
    const source = socket.remoteAddress ?? '';
    const full = this.#inbound.size >= max;
    const counted = !full && this.#silent.take(source);
    const awaited = !full && !counted && this.#silentSource.size < this.#sessionsAwaitingConnection();
    if (full || (!counted && !awaited)) {
      const peer = `${source}:${socket.remotePort ?? 0}`;
      const why = full ? `${max} accepted connections open already` : `${this.#silent.limit} connections from ${source} not bound to a session yet`;
      this.#diagnose({ event: 'connection-refused', code: 'ERR_MSRP_TOO_MANY_CONNECTIONS', message: `inbound MSRP connection from ${peer} closed: ${why}`, peer });
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    const conn = this.#adopt(socket);
    this.#silentSource.set(conn, source);
    if (!counted) this.#pastBound.add(conn);
    const idleMs = this.#options.inboundIdleTimeoutMs ?? DEFAULT_MSRP_INBOUND_IDLE_TIMEOUT_MS;
    this.#inbound.set(conn, schedule(this.#clock, idleMs, () => {
      this.#inbound.set(conn, undefined);
      // Bound connections live as long as their sessions (release() closes them).
      if (!this.#bindings.has(conn) && !conn.closed) conn.destroy(new CpmError('ERR_MSRP_CONNECTION_IDLE', `no session bound within ${idleMs} ms`));
    }));
  }

  /**
   * Our sessions that may still be given a connection by the peer: not bound yet, and not routed
   * through a relay (those use the connection to the relay). Sessions dialling out count too; they
   * are few and brief, and the figure only widens the per-source bound up to what we asked for.
   */
  #sessionsAwaitingConnection(): number {
    let n = 0;
    for (const session of this.#sessions.values()) if (session.connection === undefined && session.options.relayPath === undefined) n++;
    return n;
  }

  #diagnose(diagnostic: MsrpEndpointDiagnostic): void {
    try {
      this.#options.onDiagnostic?.(diagnostic);
    } catch {
      // The hook itself failed; there is nowhere left to report that.
    }
  }

  #adopt(socket: Socket): MsrpConnection {
    const conn = new MsrpConnection(socket, this, this.#options.parserLimits, this.#clock, this.#borrowedReads.get(socket), this.#options.replyLimits);
    this.#connections.add(conn);
    return conn;
  }

  /** A new session with an unguessable id and our URI msrp(s)://host:port/id;tcp. */
  createSession(options: MsrpSessionOptions = {}): MsrpSession {
    const id = newSessionId();
    const uri: MsrpUri = { scheme: this.scheme, host: this.host, port: this.#port, sessionId: id, transport: 'tcp', params: [] };
    // RFC 4976 §6.1: with a relay our a=path and every To-Path start with the relay's Use-Path.
    const relayPath = this.#relay?.usePath;
    const session = new MsrpSession(this, id, uri, relayPath === undefined ? options : { ...options, relayPath });
    this.#sessions.set(id, session);
    return session;
  }

  getSession(id: string): MsrpSession | undefined {
    return this.#sessions.get(id);
  }

  // MsrpSessionHost -------------------------------------------------------------------------

  async connect(uri: MsrpUri): Promise<MsrpConnection> {
    // RFC 4976 §6.1: a session routed through our relay uses the connection we authenticated on.
    const relay = this.#relay;
    if (relay !== undefined && relay.usePath.some((hop) => sameHop(hop, uri))) {
      if (relay.connection.closed) throw new CpmError('ERR_MSRP_RELAY_CONNECTION', `the connection to MSRP relay ${formatMsrpUri(relay.options.uri)} is closed`);
      return relay.connection;
    }
    return this.#dial(uri);
  }

  // RFC 4975 §5.4 leaves connection setup to the transport; a peer that never answers the SYN (or
  // the TLS handshake) must not hold the transfer forever, so the attempt is bounded and its
  // socket destroyed when the bound passes.
  async #dial(uri: MsrpUri): Promise<MsrpConnection> {
    const host = uri.host.startsWith('[') ? uri.host.slice(1, -1) : uri.host;
    const port = uri.port ?? 2855;
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_MSRP_CONNECT_TIMEOUT_MS;
    const open = this.#options.openSocket ?? this.#openSocket;
    const socket = await new Promise<Socket>((resolve, reject) => {
      let settled = false;
      let s: Socket | undefined;
      let cancel: CancelTimer | undefined;
      // Deferred so an opener that reports success synchronously still finds `s` assigned.
      const settle = (error: unknown): void => queueMicrotask(() => {
        if (settled || s === undefined) return;
        settled = true;
        cancel?.();
        s.off('error', settle);
        if (error === undefined) resolve(s);
        else reject(error);
      });
      s = open({ scheme: uri.scheme, host, port }, () => settle(undefined));
      s.once('error', settle);
      cancel = schedule(this.#clock, timeoutMs, () => {
        s?.on('error', () => {});
        s?.destroy();
        settle(new Error(`no connection within ${timeoutMs} ms`));
      });
    }).catch((e: unknown) => {
      const where = `${uri.scheme}://${host}:${port}`;
      // The cause's text (refused, certificate not trusted, ...) is what a user needs to act on.
      throw (uri.scheme === 'msrps' ? tlsRefusal(where, e) : undefined)
        ?? new CpmError('ERR_MSRP_CONNECT', `cannot connect to ${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    });
    // Registered before the connection's own listeners, so the refusal is what it closes with.
    let conn: MsrpConnection | undefined;
    if (uri.scheme === 'msrps') watchTlsRefusal(socket, `${uri.scheme}://${host}:${port}`, (error) => conn?.closingBecause(error));
    conn = this.#adopt(socket);
    return conn;
  }

  // node:tls has no `onread`, so only plain TCP connections read into a reused buffer.
  readonly #openSocket: MsrpSocketOpener = (target, onConnect) => {
    if (target.scheme === 'msrps') return tlsConnect({ ...this.#options.tlsClient, host: target.host, port: target.port }, onConnect);
    const reads = new BorrowedReads();
    const socket = netConnect({ host: target.host, port: target.port, onread: reads.onread }, onConnect);
    reads.observe(socket);
    this.#borrowedReads.set(socket, reads);
    return socket;
  };
  readonly #borrowedReads = new WeakMap<Socket, BorrowedReads>();

  bind(session: MsrpSession, connection: MsrpConnection): void {
    let set = this.#bindings.get(connection);
    if (set === undefined) { set = new Set(); this.#bindings.set(connection, set); }
    set.add(session);
    this.#spoke(connection);
    session.attach(connection);
  }

  release(session: MsrpSession): void {
    this.#sessions.delete(session.id);
    const conn = session.connection;
    if (conn === undefined) return;
    const set = this.#bindings.get(conn);
    set?.delete(session);
    // A connection we no longer need for any session is closed (RFC 4975 §5.4 lets either end do so);
    // the relay connection stays, it carries our AUTH grant.
    if (set !== undefined && set.size === 0) {
      this.#bindings.delete(conn);
      if (conn !== this.#relay?.connection) conn.close();
    }
  }

  // MsrpConnectionDelegate -----------------------------------------------------------------

  request(conn: MsrpConnection, head: MsrpRequestHead): MsrpBodyHandler | undefined {
    const target = head.headers.toPath[0];
    const session = target?.sessionId === undefined ? undefined : this.#sessions.get(target.sessionId);
    // RFC 4975 §7.3: no session matches the To-Path -> 481. REPORTs are never answered (§7.1.2).
    if (session === undefined) {
      if (head.method !== 'REPORT') this.#answer(conn, head, 481);
      return undefined;
    }
    // RFC 4975 §5.4 / §10.5: a session is bound to one connection; a request for it arriving
    // on another connection is refused with 506.
    const bound = session.connection;
    if (bound !== undefined && bound !== conn) {
      if (head.method !== 'REPORT') this.#answer(conn, head, 506);
      return undefined;
    }
    // RFC 4975 §7.3 / §10: an unknown method gets 501.
    if (!KNOWN_METHODS.has(head.method)) {
      session.respond(conn, head, 501);
      return undefined;
    }
    // RFC 4975 §7.3: the request must be addressed to our URI and come from the peer's path;
    // otherwise 403. With matchSessionIdOnly we compare session ids alone (RFC 6714 style),
    // for SBCs that rewrite host and port.
    if (!this.#pathsMatch(session, head)) {
      if (head.method !== 'REPORT') session.respond(conn, head, 403);
      return undefined;
    }
    if (bound === undefined) this.bind(session, conn);
    return session.handleRequest(conn, head);
  }

  #pathsMatch(session: MsrpSession, head: MsrpRequestHead): boolean {
    const to = head.headers.toPath;
    const from = head.headers.fromPath;
    const remote = session.remotePath;
    const local = session.localUri;
    if (session.options.matchSessionIdOnly) {
      const sender = from[from.length - 1];
      const expected = remote?.[remote.length - 1];
      return to[to.length - 1]?.sessionId === local.sessionId
        && (expected === undefined || sender?.sessionId === expected.sessionId);
    }
    const mine = to[to.length - 1];
    if (to.length !== 1 || mine === undefined || !msrpUriEquals(mine, local)) return false;
    // Before SDP told us the peer's path we cannot check From-Path; bind anyway. Relays add
    // hops in front, so only the last From-Path entry (the sending endpoint) is compared with
    // the last entry of the peer's a=path.
    if (remote === undefined) return true;
    const sender = from[from.length - 1];
    const expected = remote[remote.length - 1];
    return sender !== undefined && expected !== undefined && msrpUriEquals(sender, expected);
  }

  #answer(conn: MsrpConnection, head: MsrpRequestHead, status: number): void {
    if (head.headers.failureReport === 'no') return;
    const prev = head.headers.fromPath[0];
    const me = head.headers.toPath[0];
    conn.reply([serializeResponse({ transactionId: head.transactionId, status, toPath: prev === undefined ? [] : [prev], fromPath: me === undefined ? [] : [me] })]);
  }

  /** An accepted connection is bound to a session (or gone): it no longer counts as silent. */
  #spoke(conn: MsrpConnection): void {
    const source = this.#silentSource.get(conn);
    if (source === undefined) return;
    this.#silentSource.delete(conn);
    if (!this.#pastBound.delete(conn)) this.#silent.give(source);
  }

  /** Silent (unbound) accepted connections per source address, past the bound included (diagnostics and tests). */
  get silentConnections(): ReadonlyMap<string, number> {
    const counts = new Map<string, number>();
    for (const source of this.#silentSource.values()) counts.set(source, (counts.get(source) ?? 0) + 1);
    return counts;
  }

  closed(conn: MsrpConnection, error: CpmError): void {
    this.#spoke(conn);
    this.#connections.delete(conn);
    this.#inbound.get(conn)?.();
    this.#inbound.delete(conn);
    const set = this.#bindings.get(conn);
    this.#bindings.delete(conn);
    for (const s of set ?? []) s.connectionLost(error);
  }

  /** Closes every session and connection and stops listening. */
  async close(): Promise<void> {
    this.#relay?.close();
    for (const s of [...this.#sessions.values()]) s.close();
    for (const cancel of this.#inbound.values()) cancel?.();
    for (const c of [...this.#connections]) c.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
