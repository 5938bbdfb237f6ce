// A light check of SIP/SIPS URIs given on the command line (RFC 3261 §19.1.1 shape: scheme, optional
// userinfo@, host, optional :port, optional ;params). The SIP stack parses them properly; this only
// catches what cannot work early, so the user gets exit 2 and a hint instead of a failed INVITE or
// a crash: a port outside 1..65535 (0 is not a destination), an IPv4 address with an octet over
// 255, a transport we do not speak.
import { fail, ok, type Result } from '../../runtime/index.ts';

const sipUri = /^sips?:(?:[^@\s;:]+(?::[^@\s;]*)?@)?(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::\d{1,5})?(?:;[^\s;]+)*$/i;

const TRANSPORTS = new Set(['udp', 'tcp', 'tls']);

export function parseSipUri(text: string, option: string): Result<string, string> {
  if (!sipUri.test(text)) return fail(`${option} expects a SIP URI like sip:bob@127.0.0.1:5070, got '${text}'`);
  const rest = text.replace(/^sips?:/i, '').replace(/^[^@]*@/, '');
  const [hostPort = '', ...params] = rest.split(';');
  const port = /:(\d+)$/.exec(hostPort.startsWith('[') ? hostPort.slice(hostPort.indexOf(']')) : hostPort);
  if (port?.[1] !== undefined && (Number(port[1]) === 0 || Number(port[1]) > 65535)) {
    return fail(`${option} has a bad port in '${text}': expected 1-65535 (or no port for the default 5060)`);
  }
  const host = port === null ? hostPort : hostPort.slice(0, hostPort.length - port[0].length);
  if (/^\d+(\.\d+){3}$/.test(host) && host.split('.').some((octet) => Number(octet) > 255)) {
    return fail(`${option} has a bad IPv4 address in '${text}'`);
  }
  for (const param of params) {
    const [name = '', value] = param.split('=');
    if (name.toLowerCase() === 'transport' && (value === undefined || !TRANSPORTS.has(value.toLowerCase()))) {
      return fail(`${option}: transport=${value ?? ''} in '${text}' is not one of udp, tcp, tls`);
    }
  }
  return ok(text);
}
