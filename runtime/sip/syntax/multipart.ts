import { randomBytes } from 'node:crypto';
import { CpmError, fail, ok, type Result } from '../../errors.ts';
import { parseSipMessage } from './parse-message.ts';
import { SipHeaders } from './sip-headers.ts';
import { parseMediaType } from './media-type.ts';

/** One body part of a multipart body (RFC 2046 §5.1), e.g. SDP plus a resource list (RFC 5366). */
export interface BodyPart {
  /** Part headers: Content-Type, Content-Disposition, Content-ID, ... */
  readonly headers: SipHeaders;
  readonly body: Buffer;
}

const merr = (message: string): CpmError => new CpmError('ERR_SIP_PARSE', message, { location: { source: 'multipart' } });

/**
 * RFC 2046 §5.1.1: parts are separated by CRLF "--" boundary, the last one followed by "--".
 * Anything before the first delimiter (preamble) and after the close delimiter (epilogue) is ignored.
 */
export function parseMultipart(body: Buffer, contentType: string): Result<BodyPart[]> {
  const mt = parseMediaType(contentType);
  if (!mt.ok) return mt;
  if (mt.value.type !== 'multipart') return fail(merr(`not a multipart type: ${contentType}`));
  const boundary = mt.value.params['boundary'];
  if (boundary === undefined || boundary.length === 0) return fail(merr('multipart Content-Type without boundary'));
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: BodyPart[] = [];
  // The first delimiter may be at the very start (no preceding CRLF).
  let pos = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : indexOfDelimiter(body, delimiter, 0);
  if (pos < 0) return fail(merr(`boundary ${JSON.stringify(boundary)} not found in body`));
  for (;;) {
    let cursor = pos + delimiter.length;
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) return ok(parts); // close delimiter
    // Skip transport padding (whitespace) then the line end after the delimiter.
    while (body[cursor] === 0x20 || body[cursor] === 0x09) cursor++;
    if (body[cursor] === 0x0d) cursor++;
    if (body[cursor] !== 0x0a) return fail(merr('boundary line not followed by a line end'));
    cursor++;
    const next = indexOfDelimiter(body, delimiter, cursor);
    if (next < 0) return fail(merr('multipart body has no close delimiter'));
    // The CRLF before the next delimiter belongs to the delimiter, not the part.
    let partEnd = next;
    if (body[partEnd - 1] === 0x0a) partEnd--;
    if (body[partEnd - 1] === 0x0d) partEnd--;
    const part = parsePart(body.subarray(cursor, Math.max(cursor, partEnd)));
    if (!part.ok) return part;
    parts.push(part.value);
    pos = next;
  }
}

/** Finds `--boundary` at the start of a line at or after `from`, returning the index of the dashes. */
function indexOfDelimiter(body: Buffer, delimiter: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const at = body.indexOf(delimiter, i);
    if (at < 0) return -1;
    if (at === 0 || body[at - 1] === 0x0a) return at;
    i = at + 1;
  }
}

function parsePart(raw: Buffer): Result<BodyPart> {
  // A part with no headers starts with its blank line.
  if (raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a)) {
    return ok({ headers: new SipHeaders(), body: Buffer.from(raw.subarray(raw[0] === 0x0a ? 1 : 2)) });
  }
  // Reuse the SIP header parser on a fake start line: part headers have the same syntax.
  const fake = Buffer.concat([Buffer.from('PART sip:part SIP/2.0\r\n'), raw]);
  const hasBlank = /\r?\n\r?\n/.test(raw.toString('latin1'));
  const parsed = parseSipMessage(hasBlank ? fake : Buffer.concat([fake, Buffer.from('\r\n\r\n')]), { skipMandatoryCheck: true });
  if (!parsed.ok) return fail(merr(`invalid part headers: ${parsed.error.message}`));
  const headers = parsed.value.headers.clone().delete('Content-Length');
  return ok({ headers, body: parsed.value.body });
}

export interface BuiltMultipart {
  readonly body: Buffer;
  /** `multipart/mixed;boundary=...` to put in the message's Content-Type. */
  readonly contentType: string;
  readonly boundary: string;
}

/** Builds a multipart body; the boundary is random unless given, and checked not to occur in parts. */
export function buildMultipart(parts: readonly BodyPart[], options: { subtype?: string; boundary?: string } = {}): BuiltMultipart {
  let boundary = options.boundary ?? `cpm-${randomBytes(12).toString('hex')}`;
  while (parts.some((p) => p.body.includes(`--${boundary}`))) {
    if (options.boundary !== undefined) throw new CpmError('ERR_SIP_MULTIPART_BOUNDARY', `boundary ${boundary} occurs in a part`);
    boundary = `cpm-${randomBytes(12).toString('hex')}`;
  }
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = [`--${boundary}`];
    for (const f of part.headers) if (f.name !== 'Content-Length') head.push(`${f.name}: ${f.value}`);
    // Every part has a header block terminated by an empty line, even when it has no headers.
    chunks.push(Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'utf8'), part.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/${options.subtype ?? 'mixed'};boundary=${boundary}`, boundary };
}
