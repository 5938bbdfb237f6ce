// Hand-written wire samples (CRLF, correct Content-Length) used to prove the tooling without cpm-ft code.

const CRLF = '\r\n';

/** An RFC 5547 push offer: one m=message line, sendonly, with file-selector and file-transfer-id. */
export function fileOfferSdp(options: { msrpPort: number; fileTransferId: string; name?: string; size?: number; setup?: string }): string {
  return [
    'v=0',
    'o=alice 2890844526 2890844526 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=message ${options.msrpPort} TCP/MSRP *`,
    'a=sendonly',
    'a=accept-types:message/cpim',
    'a=accept-wrapped-types:*',
    `a=path:msrp://127.0.0.1:${options.msrpPort}/s111271;tcp`,
    `a=file-selector:name:"${options.name ?? 'report.pdf'}" type:application/pdf size:${options.size ?? 1024}`,
    `a=file-transfer-id:${options.fileTransferId}`,
    'a=file-disposition:attachment',
    `a=setup:${options.setup ?? 'actpass'}`,
    '',
  ].join(CRLF);
}

export interface SipSampleOptions {
  readonly transport: 'UDP' | 'TCP';
  readonly targetPort: number;
  readonly callId: string;
  readonly cseq?: number;
  readonly body?: string;
}

export function sipInvite(options: SipSampleOptions): string {
  const body = options.body ?? '';
  return [
    `INVITE sip:bob@127.0.0.1:${options.targetPort} SIP/2.0`,
    `Via: SIP/2.0/${options.transport} 127.0.0.1:5060;branch=z9hG4bK-${options.callId}`,
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1>;tag=a1',
    'To: <sip:bob@127.0.0.1>',
    `Call-ID: ${options.callId}`,
    `CSeq: ${options.cseq ?? 1} INVITE`,
    'Contact: <sip:alice@127.0.0.1:5060>',
    ...(body === '' ? [] : ['Content-Type: application/sdp']),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join(CRLF);
}

export function sipResponse(options: SipSampleOptions & { status: number; reason: string; method?: string }): string {
  const body = options.body ?? '';
  return [
    `SIP/2.0 ${options.status} ${options.reason}`,
    `Via: SIP/2.0/${options.transport} 127.0.0.1:5060;branch=z9hG4bK-${options.callId}`,
    'From: <sip:alice@127.0.0.1>;tag=a1',
    'To: <sip:bob@127.0.0.1>;tag=b1',
    `Call-ID: ${options.callId}`,
    `CSeq: ${options.cseq ?? 1} ${options.method ?? 'INVITE'}`,
    ...(body === '' ? [] : ['Content-Type: application/sdp']),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join(CRLF);
}

/** RFC 4975 §7.1 SEND with a complete body. */
export function msrpSend(tid: string, body: string, options: { toPort: number; fromPort: number; messageId?: string; flag?: '$' | '+' | '#'; range?: string }): string {
  return [
    `MSRP ${tid} SEND`,
    `To-Path: msrp://127.0.0.1:${options.toPort}/r987;tcp`,
    `From-Path: msrp://127.0.0.1:${options.fromPort}/s111271;tcp`,
    `Message-ID: ${options.messageId ?? 'm-1'}`,
    `Byte-Range: ${options.range ?? `1-${Buffer.byteLength(body)}/${Buffer.byteLength(body)}`}`,
    'Content-Type: application/pdf',
    '',
    body,
    `-------${tid}${options.flag ?? '$'}`,
    '',
  ].join(CRLF);
}

/** RFC 4975 §7.2 transaction response (no body, headers then end-line). */
export function msrpResponse(tid: string, status: number, comment: string, options: { toPort: number; fromPort: number }): string {
  return [
    `MSRP ${tid} ${status} ${comment}`,
    `To-Path: msrp://127.0.0.1:${options.toPort}/s111271;tcp`,
    `From-Path: msrp://127.0.0.1:${options.fromPort}/r987;tcp`,
    `-------${tid}$`,
    '',
  ].join(CRLF);
}
