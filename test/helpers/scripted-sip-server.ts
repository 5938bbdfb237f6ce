// A SIP server for tests, over UDP or TCP on loopback, whose every answer comes from the test's
// `answer(request)` function: registrars and proxies that challenge, refuse or fail, written with
// the runtime's parser and serializer only (the behaviour under test lives in the UA, not here).
// It checks digest answers with its own hashing (below), independent of runtime/auth.
import { createHash } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { createResponseTo } from '../../runtime/sip/syntax/build-response.ts';
import { parseSipMessage } from '../../runtime/sip/syntax/parse-message.ts';
import { serializeSipMessage } from '../../runtime/sip/syntax/serialize-message.ts';
import type { SipRequest } from '../../runtime/sip/syntax/sip-message.ts';
import { SipStreamFramer } from '../../runtime/sip/syntax/sip-stream-framer.ts';

export interface Answer {
  readonly status: number;
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
}

export interface ScriptedSipServer {
  readonly port: number;
  readonly requests: SipRequest[];
  /** TCP only: the CRLF pings seen (RFC 5626), and whether they are answered. */
  pings: number;
  answerPings: boolean;
  close(): Promise<void>;
}

export async function startScriptedSipServer(protocol: 'udp' | 'tcp', answer: (request: SipRequest) => Answer | undefined): Promise<ScriptedSipServer> {
  const requests: SipRequest[] = [];
  const respond = (request: SipRequest, send: (bytes: Buffer) => void): void => {
    requests.push(request);
    if (request.method === 'ACK') return;
    const a = answer(request);
    if (a === undefined) return;
    send(serializeSipMessage(createResponseTo(request, a.status, { toTag: 'srv1', headers: a.headers ?? [] })));
  };
  if (protocol === 'udp') {
    const socket: UdpSocket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const parsed = parseSipMessage(msg);
      if (parsed.ok && parsed.value.kind === 'request') respond(parsed.value, (bytes) => socket.send(bytes, rinfo.port, rinfo.address));
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return { port: socket.address().port, requests, pings: 0, answerPings: true, close: () => new Promise((resolve) => socket.close(() => resolve())) };
  }
  const sockets = new Set<Socket>();
  const self: ScriptedSipServer = { port: 0, requests, pings: 0, answerPings: true, close: async () => undefined };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const framer = new SipStreamFramer();
    socket.on('data', (chunk: Buffer) => {
      if (framer.buffered === 0 && chunk.toString('latin1').startsWith('\r\n\r\n')) {
        self.pings += 1;
        if (self.answerPings) socket.write('\r\n');
      }
      for (const item of framer.push(chunk)) {
        if (item.result.ok && item.result.value.kind === 'request') respond(item.result.value, (bytes) => socket.write(bytes));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return Object.assign(self, {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}

/** The digest parameters of an Authorization / Proxy-Authorization value. */
export function digestParams(value: string): Map<string, string> {
  return new Map([...value.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1]!.toLowerCase(), m[2] ?? m[3] ?? '']));
}

/** Whether `value` answers (realm, nonce) for user/password on `method`, per RFC 7616 §3.4.1. */
export function digestIsValid(value: string | undefined, method: string, user: string, password: string, realm: string, nonce: string): boolean {
  if (value === undefined) return false;
  const p = digestParams(value);
  const algorithm = { 'MD5': 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' }[p.get('algorithm') ?? 'MD5'];
  if (algorithm === undefined || p.get('username') !== user || p.get('realm') !== realm || p.get('nonce') !== nonce) return false;
  const h = (s: string): string => createHash(algorithm).update(s).digest('hex');
  const ha1 = h(`${user}:${realm}:${password}`);
  const ha2 = h(`${method}:${p.get('uri')}`);
  const expected = p.has('qop') ? h(`${ha1}:${nonce}:${p.get('nc')}:${p.get('cnonce')}:${p.get('qop')}:${ha2}`) : h(`${ha1}:${nonce}:${ha2}`);
  return p.get('response') === expected;
}
