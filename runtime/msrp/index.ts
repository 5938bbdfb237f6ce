/**
 * MSRP (RFC 4975) with RFC 4976 relay hooks: the public API of runtime/msrp.
 *
 * Syntax (no I/O):
 *   parseMsrpUri(text): Result<MsrpUri>, formatMsrpUri(uri), msrpUriEquals(a, b) (§6.1),
 *   parseMsrpPath(value): Result<MsrpUri[]>, formatMsrpPath(path)
 *   new MsrpParser(sink, limits?).feed(buf): Result<void, MsrpParseError>
 *     sink = { head(MsrpHead), body(Buffer zero-copy slice), end('$' | '+' | '#') }
 *     limits = { maxLineLength, maxHeaderCount, maxHeadBytes } -> ERR_MSRP_PARSE with reason and offset
 *   serializeRequestHead(init), serializeEndLine(tid, flag, afterBody), serializeRequest(init, body[], flag),
 *   serializeResponse(init), serializeReport(init), chooseTransactionId(body[]), statusComment(status)
 *
 * Sessions (node:net / node:tls):
 *   const ep = await MsrpEndpoint.create({ host?, port?: 0, tls?, tlsClient?, parserLimits?, clock?,
 *     connectTimeoutMs? (10 s), inboundIdleTimeoutMs? (30 s, unbound inbound connections),
 *     maxInboundConnections? (1024), openSocket? (tests) })
 *   const s = ep.createSession({ delegate?, matchSessionIdOnly?, maxMessageSize?, peerMaxSize?, clock?,
 *     maxRememberedRefusals? (1024), maxRangesPerMessage? (1024) }); s.setPeerMaxSize(bytes)
 *   s.localUri (our a=path), s.setRemotePath(peerPath)
 *   active: await s.connect()   passive: await s.waitBound()
 *   const m = s.send(source, { size, contentType, successReport?, failureReport?, chunkSize?, window?,
 *                              transactionTimeoutMs?, onReport? })
 *   await m.done -> { messageId, bytes }; m.abort(); m.bytesSent; m.bytesAcknowledged
 *   Failures reject m.done with CpmError codes ERR_MSRP_STATUS (MsrpStatusError.status),
 *   ERR_MSRP_TRANSACTION_TIMEOUT (408), ERR_MSRP_CONNECTION_CLOSED, ERR_MSRP_ABORTED, ERR_MSRP_SOURCE_SIZE.
 *   Receiving: delegate.onMessageStart(info) returns a MessageSink { write(position, data), end(flag) }
 *   (a promise from write pauses the socket; throwing MessageRefusedError(status, comment) picks the
 *   error response, and a failed end('$') sends a failure REPORT) or { reject: status }.
 *   delegate.onReport, delegate.onClose.
 *   s.close(); await ep.close()
 *
 * Relays (RFC 4976): buildAuthRequest, interpretAuthResponse, answerAuthChallenge,
 *   parseDigestChallenge, digestAuthorization (runtime/auth/digest.ts: MD5, SHA-256, SHA-512-256).
 *   MsrpEndpoint.create({ relay: { uri, credentials, expires?, authTimeoutMs?, onRefreshFailed? } })
 *   dials the relay, AUTHs (MsrpRelayClient), re-AUTHs before expiry; sessions then get
 *   localPath = Use-Path + own URI, To-Path = Use-Path + peer path, and share the relay connection.
 *   Failures: ERR_MSRP_RELAY_CONNECT, ERR_MSRP_RELAY_AUTH (401 twice), ERR_MSRP_RELAY_EXPIRES (423),
 *   ERR_MSRP_RELAY_TIMEOUT, ERR_MSRP_RELAY_CONNECTION; each message names the relay URI.
 */
export type { CancelTimer } from './clock.ts';
export { newChunkTransactionId, newMessageId, newSessionId, newTransactionId } from './random-id.ts';
export { type MsrpUri, formatMsrpPath, formatMsrpUri, msrpPathEquals, msrpUriEquals, parseMsrpPath, parseMsrpUri } from './msrp-uri.ts';
export {
  type ByteRange, type FailureReport, type MsrpHeaders, type StatusHeader, type SuccessReport,
  formatByteRange, formatStatusHeader, parseByteRange, parseStatusHeader,
} from './syntax/msrp-headers.ts';
export { MsrpParseError, MsrpParseReason } from './syntax/msrp-parse-error.ts';
export {
  ContinuationFlag, DEFAULT_PARSER_LIMITS, MsrpParser,
  type MsrpHead, type MsrpParserLimits, type MsrpParserSink, type MsrpRequestHead, type MsrpResponseHead,
} from './syntax/msrp-parser.ts';
export {
  type MsrpReportInit, type MsrpRequestInit, type MsrpResponseInit,
  bodyContainsEndLine, chooseTransactionId, serializeEndLine, serializeReport, serializeRequest, serializeRequestHead, serializeResponse,
} from './syntax/msrp-serializer.ts';
export { MSRP_STATUS_COMMENTS, MsrpStatus, statusComment } from './syntax/status-codes.ts';
export { MsrpConnection, type MsrpBodyHandler, type MsrpConnectionDelegate } from './msrp-connection.ts';
export {
  DEFAULT_MSRP_CONNECT_TIMEOUT_MS, DEFAULT_MSRP_INBOUND_IDLE_TIMEOUT_MS, DEFAULT_MSRP_MAX_INBOUND_CONNECTIONS, MsrpEndpoint,
  type MsrpDialTarget, type MsrpEndpointDiagnostic, type MsrpEndpointOptions, type MsrpSocketOpener,
} from './msrp-endpoint.ts';
export { MsrpSession, type MsrpSessionDelegate, type MsrpSessionHost, type MsrpSessionOptions } from './msrp-session.ts';
export {
  type MessageSource as MsrpMessageSource, type MsrpReport, MsrpStatusError, OutgoingMessage, type OutgoingMessageOptions, type OutgoingMessageResult,
} from './outgoing-message.ts';
export { type IncomingMessageInfo, type MessageRefusal, type MessageRejection, type MessageSink, MessageRefusedError, refusalOf } from './incoming-message.ts';
// One byte-range bookkeeping for files and MSRP messages; the old name kept for callers.
export { ReceivedRanges as MsrpReceivedRanges } from '../files/received-ranges.ts';
export { type DigestChallenge, type DigestCredentials, type DigestRequest, digestAuthorization, parseDigestChallenge } from '../auth/digest.ts';
export { type AuthOutcome, type AuthRequestInit, answerAuthChallenge, buildAuthRequest, interpretAuthResponse } from './relay/relay-auth.ts';
export { MsrpRelayClient, type MsrpRelayOptions, type RelayGrant, refreshDelayMs } from './relay/relay-client.ts';
