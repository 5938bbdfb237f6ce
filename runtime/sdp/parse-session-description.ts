// RFC 4566 §5 session description parser. Lines end in CRLF; a bare LF is accepted too (many
// stacks and hand-written samples use it). Errors carry the 1-based line and column.

import { CpmError, fail, ok, type Result } from '../errors.ts';
import type { SdpAttribute } from './sdp-attribute.ts';
import type { SdpBandwidth, SdpConnection, SdpMedia, SdpOrigin, SessionDescription } from './session-description.ts';
import { createMedia } from './session-description.ts';

class SdpSyntaxError extends Error {
  constructor(readonly column: number, message: string) {
    super(message);
  }
}

const fields = (value: string, count: number, what: string, atLeast = false): string[] => {
  const parts = value.split(' ').filter((p) => p !== '');
  if (atLeast ? parts.length < count : parts.length !== count) {
    throw new SdpSyntaxError(3, `${what}: expected ${atLeast ? 'at least ' : ''}${count} fields, got ${parts.length}`);
  }
  return parts;
};

/**
 * A run of digits as a number. RFC 4566 puts no bound on these fields, but a value past 2^53 - 1
 * cannot be held exactly (400 digits become Infinity, which serializes as "Infinity"), so it is
 * a syntax error here rather than a silent change of value.
 */
function integer(digits: string, column: number, what: string): number {
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw new SdpSyntaxError(column, `${what}: ${digits.slice(0, 20)}${digits.length > 20 ? '...' : ''} is too large`);
  return value;
}

// RFC 4566 §5.2 origin-field.
function parseOrigin(value: string): SdpOrigin {
  const [username, sessionId, sessionVersion, netType, addrType, address] = fields(value, 6, 'o=') as [string, string, string, string, string, string];
  return { username, sessionId, sessionVersion, netType, addrType, address };
}

// RFC 4566 §5.7 connection-field.
function parseConnection(value: string): SdpConnection {
  const [netType, addrType, address] = fields(value, 3, 'c=') as [string, string, string];
  return { netType, addrType, address };
}

// RFC 4566 §5.8 bandwidth-fields: bwtype ":" bandwidth.
function parseBandwidth(value: string): SdpBandwidth {
  const m = /^([^:\s]+):([0-9]+)$/.exec(value);
  if (!m) throw new SdpSyntaxError(3, 'b=: expected <bwtype>:<bandwidth>');
  const type = m[1] as string;
  return { type, value: integer(m[2] as string, 3 + type.length + 1, 'b=') };
}

// RFC 4566 §5.13 attribute: att-field [":" att-value]; the value may contain ':' and spaces.
function parseAttribute(value: string): SdpAttribute {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  if (name === '' || /\s/.test(name)) throw new SdpSyntaxError(3, 'a=: malformed attribute name');
  return { name, value: colon < 0 ? null : value.slice(colon + 1) };
}

// RFC 4566 §5.14 media-field: media SP port ["/" integer] SP proto 1*(SP fmt).
function parseMediaLine(value: string): SdpMedia {
  const [media, portText, proto, ...formats] = fields(value, 4, 'm=', true) as [string, string, string, ...string[]];
  const m = /^([0-9]+)(?:\/([0-9]+))?$/.exec(portText);
  if (!m) throw new SdpSyntaxError(3 + media.length + 1, `m=: bad port ${JSON.stringify(portText)}`);
  const portColumn = 3 + media.length + 1;
  const port = integer(m[1] as string, portColumn, 'm= port');
  if (port > 65535) throw new SdpSyntaxError(portColumn, `m=: port ${port} out of range`);
  const portCount = m[2] === undefined ? null : integer(m[2], portColumn + (m[1] as string).length + 1, 'm= port count');
  return createMedia({ media, port, portCount, proto, formats });
}

export function parseSessionDescription(text: string, source = 'sdp'): Result<SessionDescription> {
  const lines = text.split(/\r?\n/);
  // A final line break leaves one empty string behind; blank lines elsewhere are tolerated too.
  let sd: SessionDescription | null = null;
  let media: SdpMedia | null = null;
  let origin: SdpOrigin | null = null;
  let sessionName: string | null = null;
  let lineNo = 0;
  try {
    for (const raw of lines) {
      lineNo++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      // RFC 4566 §5: CR LF (or LF) ends a line and no field holds a CR. One left inside a value
      // (`c=IN IP4 h\r \n`) would be written back as a line end and parse differently the next time.
      const cr = line.indexOf('\r');
      if (cr >= 0) throw new SdpSyntaxError(cr + 1, 'carriage return inside a line');
      if (line.length < 2 || line[1] !== '=' || !/^[a-z]$/.test(line[0] as string)) {
        throw new SdpSyntaxError(1, `expected <type>=<value>, got ${JSON.stringify(line.slice(0, 20))}`);
      }
      const type = line[0] as string;
      const value = line.slice(2);
      if (sd === null) {
        // RFC 4566 §5: the description starts with the protocol version line.
        if (type !== 'v') throw new SdpSyntaxError(1, 'the first line must be v=');
        if (!/^[0-9]+$/.test(value)) throw new SdpSyntaxError(3, 'v=: expected a number');
        sd = {
          version: integer(value, 3, 'v='), origin: { username: '', sessionId: '', sessionVersion: '', netType: '', addrType: '', address: '' },
          sessionName: '', information: null, uri: null, emails: [], phones: [], connection: null, bandwidths: [],
          timings: [], timeZones: null, key: null, attributes: [], otherLines: [], media: [],
        };
        continue;
      }
      if (type === 'm') {
        media = parseMediaLine(value);
        sd.media.push(media);
        continue;
      }
      if (media !== null) {
        // Media-level lines (RFC 4566 §5: i, c, b, k, a after m=).
        switch (type) {
          case 'i': media.information = value; break;
          case 'c': media.connections.push(parseConnection(value)); break;
          case 'b': media.bandwidths.push(parseBandwidth(value)); break;
          case 'k': media.key = value; break;
          case 'a': media.attributes.push(parseAttribute(value)); break;
          default: media.otherLines.push({ type, value });
        }
        continue;
      }
      switch (type) {
        case 'v': throw new SdpSyntaxError(1, 'v= may appear only once');
        case 'o': origin = parseOrigin(value); sd.origin = origin; break;
        case 's': sessionName = value; sd.sessionName = value; break;
        case 'i': sd.information = value; break;
        case 'u': sd.uri = value; break;
        case 'e': sd.emails.push(value); break;
        case 'p': sd.phones.push(value); break;
        case 'c': sd.connection = parseConnection(value); break;
        case 'b': sd.bandwidths.push(parseBandwidth(value)); break;
        case 't': {
          const [start, stop] = fields(value, 2, 't=') as [string, string];
          sd.timings.push({ start, stop, repeats: [] });
          break;
        }
        case 'r': {
          const last = sd.timings.at(-1);
          if (last === undefined) throw new SdpSyntaxError(1, 'r= before any t=');
          last.repeats.push(value);
          break;
        }
        case 'z': sd.timeZones = value; break;
        case 'k': sd.key = value; break;
        case 'a': sd.attributes.push(parseAttribute(value)); break;
        default: sd.otherLines.push({ type, value });
      }
    }
  } catch (error) {
    if (error instanceof SdpSyntaxError) {
      return fail(new CpmError('ERR_SDP_PARSE', `line ${lineNo}: ${error.message}`, { location: { source, line: lineNo, column: error.column } }));
    }
    throw error;
  }
  if (sd === null) return fail(new CpmError('ERR_SDP_PARSE', 'empty session description', { location: { source, line: 1, column: 1 } }));
  // RFC 4566 §5: o= and s= are mandatory; t= is too, but SIP peers omit it often enough to tolerate.
  if (origin === null) return fail(new CpmError('ERR_SDP_PARSE', 'missing o= line', { location: { source, line: lineNo, column: 1 } }));
  if (sessionName === null) return fail(new CpmError('ERR_SDP_PARSE', 'missing s= line', { location: { source, line: lineNo, column: 1 } }));
  return ok(sd);
}
