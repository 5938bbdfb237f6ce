// Asks the operating system whether anything listens on a UDP port. The SIP socket is shared by
// every peer, so it is not connected and the kernel keeps an ICMP "port unreachable" to itself
// (RFC 3261 §18.4 would have the transport report it). A separate socket connected to the one
// destination does get it: after an RFC 5626 keep-alive (a lone CRLFCRLF, which SIP stacks
// ignore) towards a closed port, the next receive on that socket fails with ECONNREFUSED.
// Without ICMP (a firewall that drops, a remote host that stays silent) the probe learns nothing.

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { PeerAddress } from './transport/sip-transport.ts';

/** What the probe learnt: `refused` (port unreachable) or `no-route` (host or network unreachable). */
export type UdpProbeVerdict = 'refused' | 'no-route';

export interface UdpPortProbe {
  /** Stops listening for the answer and closes the probe's socket (idempotent). */
  stop(): void;
}

const KEEP_ALIVE = Buffer.from('\r\n\r\n');

/** Errors of a connected UDP socket that carry an ICMP verdict, and what each says. */
const VERDICTS: Readonly<Record<string, UdpProbeVerdict>> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'no-route',
  ENETUNREACH: 'no-route',
};

/**
 * Sends one keep-alive to `destination` from a connected socket and calls `onVerdict` if the
 * system reports the port (or host) unreachable within `listenMs`. The socket is unref'd: a probe
 * never keeps the process alive.
 */
export function probeUdpPort(destination: PeerAddress, listenMs: number, onVerdict: (verdict: UdpProbeVerdict) => void): UdpPortProbe {
  let socket: Socket | undefined = createSocket(isIPv6(destination.host) ? 'udp6' : 'udp4');
  const stop = (): void => {
    const s = socket;
    socket = undefined;
    clearTimeout(timer);
    if (s === undefined) return;
    try { s.close(); } catch { /* already closed */ }
  };
  const timer = setTimeout(stop, listenMs);
  timer.unref();
  socket.unref();
  socket.on('error', (error: NodeJS.ErrnoException) => {
    const verdict = VERDICTS[error.code ?? ''];
    const live = socket !== undefined;
    stop();
    if (verdict !== undefined && live) onVerdict(verdict);
  });
  // A reply (a stack that answers keep-alives with CRLF) proves someone listens: nothing to report.
  socket.on('message', stop);
  socket.connect(destination.port, destination.host, () => {
    socket?.send(KEEP_ALIVE, () => undefined);
  });
  return { stop };
}
