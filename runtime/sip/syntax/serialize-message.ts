import type { SipMessage } from './sip-message.ts';

/**
 * Writes a message in canonical form: full header names, CRLF line ends, and a Content-Length
 * computed from the body (any Content-Length in `headers` is replaced). RFC 3261 §7 and §20.14.
 */
export function serializeSipMessage(message: SipMessage): Buffer {
  const startLine =
    message.kind === 'request'
      ? `${message.method} ${message.uri} ${message.version}`
      : `${message.version} ${message.status} ${message.reason}`;
  const lines = [startLine];
  for (const field of message.headers) {
    if (field.name === 'Content-Length') continue;
    lines.push(`${field.name}: ${field.value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return message.body.length === 0 ? head : Buffer.concat([head, message.body]);
}
