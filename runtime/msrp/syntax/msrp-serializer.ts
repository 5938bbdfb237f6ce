import { CpmError } from '../../errors.ts';
import { formatMsrpPath, type MsrpUri } from '../msrp-uri.ts';
import { newChunkTransactionId } from '../random-id.ts';
import { type ByteRange, type FailureReport, formatByteRange, formatStatusHeader, type StatusHeader, type SuccessReport } from './msrp-headers.ts';
import type { ContinuationFlag } from './msrp-parser.ts';
import { statusComment } from './status-codes.ts';

export interface MsrpRequestInit {
  readonly transactionId: string;
  readonly method: string;
  readonly toPath: readonly MsrpUri[];
  readonly fromPath: readonly MsrpUri[];
  readonly messageId?: string;
  readonly byteRange?: ByteRange;
  readonly successReport?: SuccessReport;
  readonly failureReport?: FailureReport;
  readonly status?: StatusHeader;
  readonly expires?: number;
  readonly authorization?: string;
  /** Present when the request carries content-stuff (even an empty body). */
  readonly contentType?: string;
  /** Written after the known headers, before Content-Type. */
  readonly extraHeaders?: readonly (readonly [string, string])[];
}

export interface MsrpResponseInit {
  readonly transactionId: string;
  readonly status: number;
  /** Defaults to the table comment for the status. */
  readonly comment?: string;
  readonly toPath: readonly MsrpUri[];
  readonly fromPath: readonly MsrpUri[];
  readonly extraHeaders?: readonly (readonly [string, string])[];
}

// RFC 4975 §9: To-Path then From-Path come first; Content-Type is the last header and a blank
// line separates it from the body.
export function serializeRequestHead(init: MsrpRequestInit): Buffer {
  const range = init.byteRange === undefined ? '' : `Byte-Range: ${formatByteRange(init.byteRange)}\r\n`;
  return Buffer.from(`MSRP ${init.transactionId} ${init.method}\r\n${headersBeforeRange(init)}${range}${headersAfterRange(init)}`, 'utf8');
}

type ChunkHeadInit = Omit<MsrpRequestInit, 'transactionId' | 'byteRange'>;

/**
 * The heads of one message's chunks differ only in the transaction id and the Byte-Range: the
 * rest is formatted once per message and path, not once per chunk. Same bytes as
 * serializeRequestHead with those two fields set.
 */
export function chunkHeadSerializer(init: ChunkHeadInit): (transactionId: string, byteRange: ByteRange) => Buffer {
  const start = ` ${init.method}\r\n${headersBeforeRange(init)}Byte-Range: `;
  const end = `\r\n${headersAfterRange(init)}`;
  return (transactionId, byteRange) => Buffer.from(`MSRP ${transactionId}${start}${formatByteRange(byteRange)}${end}`, 'utf8');
}

function headersBeforeRange(init: ChunkHeadInit): string {
  let s = `To-Path: ${formatMsrpPath(init.toPath)}\r\nFrom-Path: ${formatMsrpPath(init.fromPath)}\r\n`;
  if (init.messageId !== undefined) s += `Message-ID: ${init.messageId}\r\n`;
  if (init.successReport !== undefined) s += `Success-Report: ${init.successReport}\r\n`;
  if (init.failureReport !== undefined) s += `Failure-Report: ${init.failureReport}\r\n`;
  return s;
}

function headersAfterRange(init: ChunkHeadInit): string {
  let s = '';
  if (init.status !== undefined) s += `Status: ${formatStatusHeader(init.status)}\r\n`;
  if (init.expires !== undefined) s += `Expires: ${init.expires}\r\n`;
  if (init.authorization !== undefined) s += `Authorization: ${init.authorization}\r\n`;
  for (const [name, value] of init.extraHeaders ?? []) s += `${name}: ${value}\r\n`;
  if (init.contentType !== undefined) s += `Content-Type: ${init.contentType}\r\n\r\n`;
  return s;
}

/** RFC 4975 §7.1 end-line; after a body it is preceded by the CRLF that closes the body. */
export function serializeEndLine(transactionId: string, flag: ContinuationFlag, afterBody: boolean): Buffer {
  return Buffer.from(`${afterBody ? '\r\n' : ''}-------${transactionId}${flag}\r\n`, 'latin1');
}

/** A whole request as buffers to write in order (the body buffers are not copied). */
export function serializeRequest(init: MsrpRequestInit, body: readonly Buffer[] = [], flag: ContinuationFlag = '$'): Buffer[] {
  const hasBody = init.contentType !== undefined;
  return [serializeRequestHead(init), ...(hasBody ? body : []), serializeEndLine(init.transactionId, flag, hasBody)];
}

// RFC 4975 §7.2: a response goes back one hop: its To-Path is the sender of the request (first
// From-Path entry) and its From-Path is us. Responses never carry a body.
export function serializeResponse(init: MsrpResponseInit): Buffer {
  const comment = init.comment ?? statusComment(init.status);
  let s = `MSRP ${init.transactionId} ${init.status}${comment === undefined ? '' : ` ${comment}`}\r\n`;
  s += `To-Path: ${formatMsrpPath(init.toPath)}\r\nFrom-Path: ${formatMsrpPath(init.fromPath)}\r\n`;
  for (const [name, value] of init.extraHeaders ?? []) s += `${name}: ${value}\r\n`;
  s += `-------${init.transactionId}$\r\n`;
  return Buffer.from(s, 'utf8');
}

export interface MsrpReportInit {
  readonly transactionId: string;
  readonly toPath: readonly MsrpUri[];
  readonly fromPath: readonly MsrpUri[];
  readonly messageId: string;
  readonly byteRange: ByteRange;
  readonly status: StatusHeader;
}

// RFC 4975 §7.1.2: a REPORT names the message, the bytes it is about and the outcome; no body.
export function serializeReport(init: MsrpReportInit): Buffer {
  return Buffer.concat(serializeRequest({ ...init, method: 'REPORT' }));
}

/**
 * RFC 4975 §7.1: the sender must pick a transaction id whose end-line cannot appear in the
 * body. We draw random ids and reject any whose "-------<tid>" occurs in a body buffer or across
 * the boundary of two consecutive buffers (checked on a small joined window only).
 */
export function chooseTransactionId(body: readonly Buffer[], draw: () => string = newChunkTransactionId): string {
  for (let attempt = 0; ; attempt++) {
    const tid = draw();
    if (!bodyContainsEndLine(body, tid)) return tid;
    // Random ids practically never collide with a body; only a broken `draw` gets here.
    if (attempt > 1000) throw new CpmError('ERR_MSRP_TRANSACTION_ID', `no transaction id absent from the body after ${attempt + 1} attempts`);
  }
}

export function bodyContainsEndLine(body: readonly Buffer[], tid: string): boolean {
  const needle = Buffer.from(`-------${tid}`, 'latin1');
  for (let i = 0; i < body.length; i++) {
    const part = body[i];
    if (part === undefined) continue;
    if (part.indexOf(needle) !== -1) return true;
    if (part.length === 0) continue;
    // Gather up to needle-1 bytes from the following buffers (they may be tiny) for the seam.
    const following: Buffer[] = [];
    let have = 0;
    for (let j = i + 1; j < body.length && have < needle.length - 1; j++) {
      const next = body[j];
      if (next === undefined) continue;
      const take = next.subarray(0, needle.length - 1 - have);
      following.push(take);
      have += take.length;
    }
    if (have > 0) {
      const window = Buffer.concat([part.subarray(Math.max(0, part.length - needle.length + 1)), ...following]);
      if (window.indexOf(needle) !== -1) return true;
    }
  }
  return false;
}
