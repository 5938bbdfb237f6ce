// Parser throughput, measured in-process on realistic input: MSRP SEND chunks (64 KiB bodies)
// fed to MsrpParser in socket-sized reads, and a CPM file-transfer INVITE with its SDP offer
// parsed by parseSipMessage. Figures only.

import { randomFillSync } from 'node:crypto';
import { MsrpParser } from '../runtime/msrp/syntax/msrp-parser.ts';
import { transferDefaults } from '../runtime/transfer/transfer-defaults.ts';
import { parseMsrpUri } from '../runtime/msrp/msrp-uri.ts';
import { serializeRequest } from '../runtime/msrp/syntax/msrp-serializer.ts';
import { parseSipMessage } from '../runtime/sip/syntax/parse-message.ts';

export interface MsrpParserBenchResult {
  readonly chunkBytes: number;
  readonly bodyBytes: number;
  readonly chunks: number;
  readonly elapsedMs: number;
  /** Body bytes delivered to the sink per second (10^6 bytes). */
  readonly megabytesPerSecond: number;
}

export interface SipParserBenchResult {
  readonly messageBytes: number;
  readonly messages: number;
  readonly elapsedMs: number;
  readonly messagesPerSecond: number;
}

const sender = parseMsrpUri('msrp://127.0.0.1:40001/s8Kq2xWv;tcp');
const receiver = parseMsrpUri('msrp://127.0.0.1:40002/r9Lp3yXu;tcp');

/** A stream of `chunks` SEND requests of one message, each carrying `chunkBytes` of random body. */
function msrpStream(chunkBytes: number, chunks: number): Buffer {
  if (!sender.ok || !receiver.ok) throw new Error('bench MSRP URIs do not parse');
  const body = randomFillSync(Buffer.allocUnsafe(chunkBytes));
  const total = chunkBytes * chunks;
  const parts: Buffer[] = [];
  for (let i = 0; i < chunks; i++) {
    parts.push(...serializeRequest({
      transactionId: `tx${i.toString(36)}a9f3`, method: 'SEND', toPath: [receiver.value], fromPath: [sender.value],
      messageId: 'm1b2c3d4', byteRange: { start: i * chunkBytes + 1, end: (i + 1) * chunkBytes, total }, contentType: 'application/octet-stream',
    }, [body], i === chunks - 1 ? '$' : '+'));
  }
  return Buffer.concat(parts);
}

/**
 * Feeds the stream in 64 KiB reads (what a Node socket delivers), several passes, and counts body
 * bytes the sink saw. The first pass warms the JIT and is not timed.
 */
export function runMsrpParserBench(options: { chunkBytes?: number; totalBytes?: number } = {}): MsrpParserBenchResult {
  // The chunks the sender really writes.
  const chunkBytes = options.chunkBytes ?? transferDefaults.chunkSize;
  const chunks = Math.max(1, Math.floor(Math.min(options.totalBytes ?? 64 * 1024 * 1024, 64 * 1024 * 1024) / chunkBytes));
  const wire = msrpStream(chunkBytes, chunks);
  const passes = Math.max(1, Math.ceil((options.totalBytes ?? 256 * 1024 * 1024) / (chunkBytes * chunks)));
  const reads: Buffer[] = [];
  for (let at = 0; at < wire.length; at += 64 * 1024) reads.push(wire.subarray(at, Math.min(wire.length, at + 64 * 1024)));
  let bodyBytes = 0;
  let ends = 0;
  const pass = (): void => {
    const parser = new MsrpParser({ head: () => {}, body: (data) => { bodyBytes += data.length; }, end: () => { ends++; } });
    for (const read of reads) {
      const r = parser.feed(read);
      if (!r.ok) throw r.error;
    }
  };
  pass();
  bodyBytes = 0;
  ends = 0;
  const started = performance.now();
  for (let i = 0; i < passes; i++) pass();
  const elapsedMs = performance.now() - started;
  if (ends !== chunks * passes || bodyBytes !== chunkBytes * chunks * passes) throw new Error(`MSRP parser bench: saw ${ends} ends and ${bodyBytes} body bytes`);
  return { chunkBytes, bodyBytes, chunks: ends, elapsedMs, megabytesPerSecond: bodyBytes / 1e6 / (elapsedMs / 1000) };
}

/** A CPM file-transfer INVITE (7.6.1) as the client sends it: CPM feature tags, SDP with file attributes. */
export function sampleInvite(): Buffer {
  const sdp = [
    'v=0',
    'o=- 1722950400123 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=message 40001 TCP/MSRP *',
    'a=accept-types:application/octet-stream',
    'a=path:msrp://127.0.0.1:40001/s8Kq2xWvTz0a;tcp',
    'a=setup:actpass',
    'a=file-selector:name:"holiday photos 2024.zip" type:application/zip size:104857600 hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E',
    'a=file-transfer-id:vBnG8wX2kTqL5sY1mZ9rA3cD7eF0hJ4u',
    'a=file-date:modification:"Tue, 06 Aug 2024 14:22:31 +0000"',
    'a=sendonly',
    '',
  ].join('\r\n');
  const head = [
    'INVITE sip:bob@127.0.0.1:5062;transport=tcp SIP/2.0',
    'Via: SIP/2.0/TCP 127.0.0.1:5061;branch=z9hG4bK-5c1e9a7f3b2d;rport',
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1>;tag=8f2c1a9e',
    'To: <sip:bob@127.0.0.1:5062;transport=tcp>',
    'Call-ID: 4f7a2c9e1b3d5f60@127.0.0.1',
    'CSeq: 1 INVITE',
    'Contact: <sip:alice@127.0.0.1:5061;transport=tcp>;+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer"',
    'Accept-Contact: *;+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer"',
    'P-Preferred-Service: urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer',
    'Allow: INVITE, ACK, BYE, CANCEL, OPTIONS',
    'Supported: recipient-list-invite',
    'User-Agent: cpm-ft',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.from(head + sdp, 'utf8');
}

export function runSipParserBench(options: { messages?: number } = {}): SipParserBenchResult {
  const message = sampleInvite();
  const count = options.messages ?? 50_000;
  const once = (): void => {
    const r = parseSipMessage(message, { stream: true });
    if (!r.ok) throw r.error;
  };
  for (let i = 0; i < Math.min(2000, count); i++) once();
  const started = performance.now();
  for (let i = 0; i < count; i++) once();
  const elapsedMs = performance.now() - started;
  return { messageBytes: message.length, messages: count, elapsedMs, messagesPerSecond: count / (elapsedMs / 1000) };
}
