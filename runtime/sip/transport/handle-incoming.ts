import type { Result } from '../../errors.ts';
import { createResponseTo } from '../syntax/build-response.ts';
import { salvageRequestHeaders } from '../syntax/salvage-headers.ts';
import { statusForSipError } from '../syntax/sip-errors.ts';
import type { SipMessage } from '../syntax/sip-message.ts';
import { responseDestination, stampReceived } from './stamp-received.ts';
import type { MessageSource, PeerAddress, SipMessageHandler, TransportDiagnostic } from './sip-transport.ts';

export interface IncomingContext {
  readonly source: MessageSource;
  readonly deliver: SipMessageHandler | undefined;
  readonly diagnose: (d: TransportDiagnostic) => void;
  /** Sends a response for a rejected request; `to` is where §18.2.2 says it goes on datagrams. */
  readonly reply: (response: SipMessage, to: PeerAddress) => void;
}

/**
 * Common receive path of every transport. A parsed request gets received/rport (RFC 3261 §18.2.1);
 * a request that cannot be parsed is answered by the transport itself when enough headers survive
 * to build a response (RFC 3261 §8.2 / §21.4.1: 400, or 413/513/505 for size and version errors);
 * an unparsable response is dropped (RFC 3261 §18.1.2 lets the client discard it).
 */
export function handleIncoming(parsed: Result<SipMessage>, raw: Buffer, ctx: IncomingContext): void {
  if (parsed.ok) {
    const message = parsed.value;
    if (!stampReceived(message, ctx.source)) {
      rejectRaw(raw, 'ERR_SIP_PARSE', 'unparsable top Via', ctx);
      return;
    }
    try {
      ctx.deliver?.(message, ctx.source);
    } catch (error) {
      // The handler runs inside a socket event: an exception escaping here would end the process.
      const text = error instanceof Error ? error.message : String(error);
      ctx.diagnose({ kind: 'callback-error', peer: { host: ctx.source.host, port: ctx.source.port }, code: 'ERR_SIP_CALLBACK', message: `message handler threw: ${text}` });
    }
    return;
  }
  rejectRaw(raw, parsed.error.code, parsed.error.message, ctx);
}

function rejectRaw(raw: Buffer, code: string, text: string, ctx: IncomingContext): void {
  const salvaged = salvageRequestHeaders(raw);
  const peer = { host: ctx.source.host, port: ctx.source.port };
  if (salvaged === undefined || salvaged.method === 'ACK') {
    // RFC 3261 §17.2.1 / §8.2: an ACK is never answered; anything else without usable headers is dropped.
    ctx.diagnose({ kind: 'parse-error', peer, code, message: text });
    return;
  }
  const status = statusForSipError(code);
  const fake = { kind: 'request' as const, headers: salvaged.headers };
  const topVia = salvaged.headers.get('Via');
  const response = createResponseTo(fake, status, { reason: status === 400 ? `Bad Request (${text.slice(0, 80).replace(/[\r\n]/g, ' ')})` : undefined });
  // Reuse the received/rport stamping on the copied Via so the reply follows §18.2.2.
  const stampTarget = { kind: 'request' as const, method: salvaged.method, uri: 'sip:x', version: 'SIP/2.0', headers: response.headers, body: Buffer.alloc(0) };
  stampReceived(stampTarget, peer);
  const to = (topVia !== undefined ? responseDestination(response.headers.get('Via') ?? topVia) : undefined) ?? peer;
  ctx.diagnose({ kind: 'rejected-message', peer, code, message: text, status });
  ctx.reply(response, to);
}
