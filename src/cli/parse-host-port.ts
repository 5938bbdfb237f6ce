// HOST:PORT for --sip. IPv6 literals go in brackets ([::1]:5060) as in SIP URIs (RFC 3261 §19.1.1),
// so the last colon is not mistaken for part of the address.
import { fail, ok, type Result } from '../../runtime/index.ts';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const hostname = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i;

/** Parses `HOST:PORT` (port 0 = any free port). A bare HOST gets `defaultPort`, when one is given. */
export function parseHostPort(text: string, option: string, defaultPort?: number): Result<HostPort, string> {
  const bad = (why: string): Result<never, string> => fail(`${option} expects HOST:PORT (e.g. 127.0.0.1:5070): ${why} in '${text}'`);
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([0-9a-f:.]+)\](?::(.*))?$/i.exec(text);
  if (v6 !== null) {
    host = v6[1] ?? '';
    portText = v6[2];
  } else {
    const colon = text.lastIndexOf(':');
    if (text.indexOf(':') !== colon) return bad('IPv6 addresses need brackets');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
    if (!hostname.test(host)) return bad('bad host');
  }
  if (portText === undefined) {
    if (defaultPort === undefined) return bad('missing port');
    return ok({ host, port: defaultPort });
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return bad('bad port');
  return ok({ host, port: Number(portText) });
}
