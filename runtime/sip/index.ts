/**
 * Public API of the SIP stack (RFC 3261, with RFC 3581 rport and RFC 6026 Accepted states).
 *
 * Layers, bottom up (each imports only those below it):
 * - syntax/: pure parse/serialize. `parseSipMessage(buf, opts) -> Result<SipMessage>` (located
 *   CpmErrors; codes in `sipErrorCodes` with the status to answer: 400/413/505/513),
 *   `serializeSipMessage(msg) -> Buffer`, `SipHeaders` (ordered, case-insensitive, compact forms),
 *   `parseSipUri`/`formatSipUri`, `parseNameAddr`/`formatNameAddr`, `parseVia`/`formatVia`,
 *   `parseCSeq`, `parseMediaType`, `parseMultipart`/`buildMultipart`, `SipStreamFramer`,
 *   `createResponseTo(request, status, { toTag, headers, body })`.
 * - transport/: `SipTransport` interface; `createUdpTransport`, `createTcpTransport`,
 *   `createTlsTransport` ({ host, port: 0 ok, advertisedHost, limits; streams also idleTimeout
 *   (default 60 s), maxInboundConnections (default 1024), clock }). Transports answer
 *   unparsable requests themselves and stamp received/rport.
 * - transaction/: `TransactionLayer` and the four RFC 3261 §17 state machines; timers from an
 *   injectable `Clock` (runtime/clock.ts) with `TimerValues` (T1/T2/T4).
 * - dialog/: `Dialog` (ids, CSeqs, route set, remote target, secure; `createRequest`, `createAck`).
 * - user-agent.ts: `createUserAgent(options) -> UserAgent` with `invite(target, opts)`
 *   (a `PendingInvite` promise with `cancel()`), `reinvite`, `bye`, `request`, a
 *   `UserAgentDelegate` for incoming INVITE / re-INVITE / BYE / CANCEL / ACK, automatic 400, 405,
 *   416, 420, 481, 491, 500 and OPTIONS answers, and a `logger` hook for every message.
 * - registration.ts: `ua.register({ aor, registrar, expires })` (RFC 3261 §10) with refresh, 423,
 *   Service-Route, CRLF keep-alives; digest-authenticator.ts answers 401/407 (RFC 8760) when the UA
 *   has `credentials`; locate/: RFC 3263 NAPTR/SRV/A through node:dns (`locator` option).
 * - cpm-headers.ts: OMA CPM ICSI feature tags, Conversation-ID / Contribution-ID helpers.
 */
export * from './syntax/index.ts';
export * from './transport/index.ts';
export * from './transaction/index.ts';
export * from './dialog/index.ts';
export * from './user-agent-types.ts';
export { createUserAgent, routeForProxy } from './user-agent.ts';
export { DEFAULT_INVITE_PROVISIONAL_TIMEOUT_MS } from './uac-invite.ts';
export { DEFAULT_NO_ANSWER_NOTICE_MS } from './uac-no-answer.ts';
export { resolveNextHop, type NextHop } from './request-routing.ts';
export { Registration, refreshDelaySeconds, sameBinding, type RegistrationEvent, type RegistrationOptions, type RegistrationState } from './registration.ts';
export { DigestAuthenticator, type SipCredentials } from './digest-authenticator.ts';
export { ServerLocator, type LocatedTarget, type ServerLocatorOptions } from './locate/server-locator.ts';
export { createDnsLookups, dnsServerAddress, type AddressAnswer, type DnsLookups, type NaptrAnswer, type SrvAnswer } from './locate/dns-lookups.ts';
export { newBranch, newCallId, newTag } from './sip-ids.ts';
export * from './cpm-headers.ts';
export { createFakeClock, createSystemClock, systemClock, type Clock, type FakeClock, type TimerHandle } from '../clock.ts';
