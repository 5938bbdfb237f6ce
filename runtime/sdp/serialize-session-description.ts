// RFC 4566 §5 serializer: the fields in the order the RFC fixes, CRLF after every line.

import type { SdpAttribute } from './sdp-attribute.ts';
import type { SdpConnection, SdpMedia, SessionDescription } from './session-description.ts';

const CRLF = '\r\n';
const connection = (c: SdpConnection): string => `c=${c.netType} ${c.addrType} ${c.address}`;
const attribute = (a: SdpAttribute): string => (a.value === null ? `a=${a.name}` : `a=${a.name}:${a.value}`);

function mediaLines(m: SdpMedia): string[] {
  const port = m.portCount === null ? String(m.port) : `${m.port}/${m.portCount}`;
  const lines = [`m=${m.media} ${port} ${m.proto} ${m.formats.join(' ')}`];
  if (m.information !== null) lines.push(`i=${m.information}`);
  lines.push(...m.connections.map(connection));
  lines.push(...m.bandwidths.map((b) => `b=${b.type}:${b.value}`));
  if (m.key !== null) lines.push(`k=${m.key}`);
  lines.push(...m.otherLines.map((l) => `${l.type}=${l.value}`));
  lines.push(...m.attributes.map(attribute));
  return lines;
}

export function serializeSessionDescription(sd: SessionDescription): string {
  const o = sd.origin;
  const lines = [`v=${sd.version}`, `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`, `s=${sd.sessionName}`];
  if (sd.information !== null) lines.push(`i=${sd.information}`);
  if (sd.uri !== null) lines.push(`u=${sd.uri}`);
  lines.push(...sd.emails.map((e) => `e=${e}`));
  lines.push(...sd.phones.map((p) => `p=${p}`));
  if (sd.connection !== null) lines.push(connection(sd.connection));
  lines.push(...sd.bandwidths.map((b) => `b=${b.type}:${b.value}`));
  for (const t of sd.timings) {
    lines.push(`t=${t.start} ${t.stop}`);
    lines.push(...t.repeats.map((r) => `r=${r}`));
  }
  if (sd.timeZones !== null) lines.push(`z=${sd.timeZones}`);
  if (sd.key !== null) lines.push(`k=${sd.key}`);
  lines.push(...sd.otherLines.map((l) => `${l.type}=${l.value}`));
  lines.push(...sd.attributes.map(attribute));
  for (const m of sd.media) lines.push(...mediaLines(m));
  return lines.join(CRLF) + CRLF;
}
