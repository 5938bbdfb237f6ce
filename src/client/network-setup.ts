// The network side of a client's options: the SIP transport it listens on, the MSRP endpoint's
// options (TLS, relay, parser limits), and how SIP traffic appears in the client's log.

import {
  CpmError, createTcpTransport, createTlsTransport, createUdpTransport, DEFAULT_PARSER_LIMITS,
  type MsrpEndpointDiagnostic, type MsrpEndpointOptions, type MsrpParserLimits, parseMsrpUri, type SipLogEvent, type SipParseLimits,
  type SipTransport,
} from '../../runtime/index.ts';
import type { ClientLimits, ClientOptions, LogEvent } from '../client-types.ts';
import type { ClientExtraOptions } from './extra-options.ts';

/** The SIP parser limits of ClientLimits; the message bound also bounds the body. */
export function sipParseLimits(limits: ClientLimits | undefined): Partial<SipParseLimits> {
  return {
    ...(limits?.sipMaxMessageBytes !== undefined ? { maxMessageSize: limits.sipMaxMessageBytes, maxBodySize: limits.sipMaxMessageBytes } : {}),
    ...(limits?.sipMaxHeaders !== undefined ? { maxHeaderCount: limits.sipMaxHeaders } : {}),
    ...(limits?.sipMaxHeaderLine !== undefined ? { maxHeaderLineLength: limits.sipMaxHeaderLine } : {}),
  };
}

/**
 * The MSRP parser limits of ClientLimits. The whole header block stays bounded too: at least its
 * default, and room for four lines of the configured length (To-Path and From-Path through relays).
 */
export function msrpParserLimits(limits: ClientLimits | undefined): Partial<MsrpParserLimits> | undefined {
  const line = limits?.msrpMaxHeaderLine;
  const count = limits?.msrpMaxHeaders;
  if (line === undefined && count === undefined) return undefined;
  return {
    ...(line !== undefined ? { maxLineLength: line, maxHeadBytes: Math.max(DEFAULT_PARSER_LIMITS.maxHeadBytes, 4 * line) } : {}),
    ...(count !== undefined ? { maxHeaderCount: count } : {}),
  };
}

export async function openTransport(options: ClientOptions & ClientExtraOptions): Promise<SipTransport> {
  const { host, port, transport } = options.sip;
  const limits = sipParseLimits(options.limits);
  const perSource = {
    ...(options.limits?.sipMaxConnectionsPerSource !== undefined ? { maxInboundConnectionsPerSource: options.limits.sipMaxConnectionsPerSource } : {}),
    ...(options.limits?.sipMaxHandshakesPerSource !== undefined ? { maxPendingHandshakesPerSource: options.limits.sipMaxHandshakesPerSource } : {}),
  };
  switch (transport) {
    case 'udp': return createUdpTransport({ host, port, limits });
    case 'tcp': return createTcpTransport({ host, port, limits, ...perSource });
    case 'tls':
      if (options.tls === undefined) throw new CpmError('ERR_CLIENT_TLS_CONFIG', 'SIP over TLS needs `tls` credentials (key, cert, ca) in the client options');
      return createTlsTransport({ host, port, tls: options.tls, limits, ...perSource });
  }
}

/** One LogEvent per SIP message: enough for the CLI's JSON log and for tests to assert on SDP. */
export function sipLogEvent(event: SipLogEvent): LogEvent {
  if (event.kind === 'diagnostic') {
    const { kind: diagnostic, ...rest } = event.diagnostic;
    return { kind: 'sip', event: 'diagnostic', diagnostic, transport: event.transport, ...rest };
  }
  const body = event.message.body;
  return {
    kind: 'sip',
    direction: event.direction,
    transport: event.transport,
    peer: `${event.peer.host}:${event.peer.port}`,
    method: event.method,
    ...(event.status !== undefined ? { status: event.status } : {}),
    cseq: event.cseq,
    callId: event.callId,
    contentType: event.message.headers.get('Content-Type'),
    ...(event.message.headers.get('Require') !== undefined ? { require: event.message.headers.get('Require') } : {}),
    ...(event.message.kind === 'request' ? { uri: event.message.uri } : {}),
    ...(body.length > 0 && body.length <= 64 * 1024 ? { body: body.toString('utf8') } : {}),
  };
}

/**
 * The MSRP endpoint's options: TLS (msrps: listener, verified outgoing connections) and the RFC 4976
 * relay to authenticate to. Node verifies TLS peers unless the caller sets rejectUnauthorized: false.
 */
export function msrpEndpointOptions(options: ClientOptions & ClientExtraOptions): MsrpEndpointOptions {
  const useTls = options.msrpTls ?? options.sip.transport === 'tls';
  if (useTls && options.tls === undefined) {
    throw new CpmError('ERR_CLIENT_TLS_CONFIG', 'MSRP over TLS needs `tls` credentials (key, cert, ca) in the client options');
  }
  let relay: MsrpEndpointOptions['relay'];
  if (options.msrpRelay !== undefined) {
    const { uri, username, password, expires } = options.msrpRelay;
    const parsed = parseMsrpUri(uri);
    if (!parsed.ok) throw new CpmError('ERR_CLIENT_MSRP_RELAY', `bad MSRP relay URI ${JSON.stringify(uri)}: ${parsed.error.message}`, { cause: parsed.error });
    const log = options.log;
    relay = {
      uri: parsed.value,
      ...(username !== undefined ? { credentials: { username, password: password ?? '' } } : {}),
      ...(expires !== undefined ? { expires } : {}),
      // A failed re-AUTH is not fatal at once (the grant runs until it expires) but worth telling.
      ...(log !== undefined ? { onRefreshFailed: (error: CpmError) => log({ kind: 'msrp', event: 'relay-refresh-failed', relay: uri, code: error.code, message: error.message }) } : {}),
    };
  }
  const parserLimits = msrpParserLimits(options.limits);
  const log = options.log;
  return {
    // Inbound connections that never reach a session (a failed accept, a limit, a failed TLS
    // handshake) are logged: no session or file failure would tell of them otherwise.
    ...(log !== undefined ? { onDiagnostic: (d: MsrpEndpointDiagnostic) => log({ kind: 'msrp', event: d.event, code: d.code, message: d.message, ...(d.peer !== undefined ? { peer: d.peer } : {}) }) } : {}),
    host: options.msrp?.host ?? options.sip.host,
    port: options.msrp?.port ?? 0,
    ...(parserLimits !== undefined ? { parserLimits } : {}),
    ...(options.limits?.msrpMaxSilentConnectionsPerSource !== undefined ? { maxSilentConnectionsPerSource: options.limits.msrpMaxSilentConnectionsPerSource } : {}),
    ...(useTls && options.tls !== undefined ? { tls: options.tls } : {}),
    // Outgoing msrps: connections (to a peer or a relay) verify against the same CA.
    ...(options.tls !== undefined ? { tlsClient: options.tls } : {}),
    ...(relay !== undefined ? { relay } : {}),
  };
}
