import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { CpmError } from '../../errors.ts';
import { parseSipMessage, type SipParseLimits } from '../syntax/parse-message.ts';
import { serializeSipMessage } from '../syntax/serialize-message.ts';
import type { SipMessage } from '../syntax/sip-message.ts';
import { handleIncoming } from './handle-incoming.ts';
import type { MessageSource, PeerAddress, SipMessageHandler, SipTransport, TransportDiagnostic } from './sip-transport.ts';
import { listenError } from '../../listen-error.ts';

export interface UdpTransportOptions {
  /** Address to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Port to bind; 0 (default) picks an ephemeral port. */
  readonly port?: number;
  /** Host written in Via/Contact when it differs from the bound one (e.g. binding 0.0.0.0). */
  readonly advertisedHost?: string;
  readonly limits?: Partial<SipParseLimits>;
  /**
   * SO_RCVBUF / SO_SNDBUF of the socket in bytes (default 2 MiB each; the kernel caps it at
   * net.core.rmem_max / wmem_max). The Linux default (~208 KiB) holds ~170 INVITEs: a burst of a few
   * hundred sessions overflowed it, and each dropped datagram cost a 500 ms Timer A retransmission.
   */
  readonly socketBufferBytes?: number;
}

const DEFAULT_SOCKET_BUFFER_BYTES = 2 * 1024 * 1024;

/** SIP over UDP (RFC 3261 §18): one socket, one datagram per message, unreliable. */
export async function createUdpTransport(options: UdpTransportOptions = {}): Promise<SipTransport> {
  const host = options.host ?? '127.0.0.1';
  const buffer = options.socketBufferBytes ?? DEFAULT_SOCKET_BUFFER_BYTES;
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: buffer, sendBufferSize: buffer });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (error) => {
      // Nothing may stay open when the bind fails, or the process could not exit.
      try { socket.close(); } catch { /* already closed */ }
      reject(listenError(error, 'SIP over UDP', host, options.port ?? 0));
    });
    socket.bind(options.port ?? 0, host, () => {
      socket.removeAllListeners('error');
      resolve();
    });
  });
  return new UdpTransport(socket, host, options);
}

class UdpTransport implements SipTransport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  readonly secure = false;
  readonly local: PeerAddress;
  readonly advertisedHost: string;
  #handler: SipMessageHandler | undefined;
  #diagnostic: ((d: TransportDiagnostic) => void) | undefined;
  #closed = false;

  constructor(
    private readonly socket: Socket,
    host: string,
    private readonly options: UdpTransportOptions,
  ) {
    const address = socket.address();
    this.local = { host, port: address.port };
    this.advertisedHost = options.advertisedHost ?? host;
    socket.on('message', (buf, rinfo) => this.#receive(buf, { host: rinfo.address, port: rinfo.port }));
    socket.on('error', (err) => this.#diagnose({ kind: 'connection-error', message: err.message }));
  }

  #receive(buf: Buffer, peer: PeerAddress): void {
    // A lone CRLF (or CRLFCRLF) datagram is a keep-alive ping (RFC 5626 §3.5.1): ignore it.
    if (buf.every((b) => b === 0x0d || b === 0x0a)) return;
    const source: MessageSource = { ...peer, transport: this };
    handleIncoming(parseSipMessage(buf, this.options.limits === undefined ? {} : { limits: this.options.limits }), buf, {
      source,
      deliver: this.#handler,
      diagnose: (d) => this.#diagnose(d),
      reply: (response, to) => {
        this.send(response, to).catch(() => undefined);
      },
    });
  }

  #diagnose(d: TransportDiagnostic): void {
    try {
      this.#diagnostic?.(d);
    } catch {
      // The diagnostics hook itself failed; there is nowhere left to report that.
    }
  }

  send(message: SipMessage, destination: PeerAddress): Promise<void> {
    if (this.#closed) return Promise.reject(new CpmError('ERR_SIP_TRANSPORT_CLOSED', 'UDP transport is closed'));
    // TODO(RFC 3261 §18.1.1): requests over 1300 bytes should switch to a congestion-controlled
    // transport; the caller picks the transport, so this layer only sends.
    const bytes = serializeSipMessage(message);
    return new Promise((resolve, reject) => {
      this.socket.send(bytes, destination.port, destination.host, (err) => {
        if (err) reject(new CpmError('ERR_SIP_TRANSPORT', `UDP send to ${destination.host}:${destination.port} failed: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  onMessage(handler: SipMessageHandler): void {
    this.#handler = handler;
  }

  onDiagnostic(handler: (d: TransportDiagnostic) => void): void {
    this.#diagnostic = handler;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
