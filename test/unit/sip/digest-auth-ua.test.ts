// The UA answering digest challenges (RFC 3261 §22.2, RFC 8760) against scripted registrars and
// proxies that check the answers with their own hashing: REGISTER (401), INVITE, re-INVITE and BYE
// (407/401), the nonce reused with a growing nc, stale=true retried, a wrong password refused once
// and reported with its realm, and the RFC 3263 failover to the next target on 503 and on a
// transport error.
import { afterEach, describe, expect, it } from 'vitest';
import { createTcpTransport, createUdpTransport } from '../../../runtime/sip/transport/index.ts';
import type { SipRequest } from '../../../runtime/sip/syntax/sip-message.ts';
import type { SipTransport } from '../../../runtime/sip/transport/sip-transport.ts';
import { createUserAgent } from '../../../runtime/sip/user-agent.ts';
import type { UserAgent, UserAgentOptions } from '../../../runtime/sip/user-agent-types.ts';
import { digestIsValid, digestParams, startScriptedSipServer, type ScriptedSipServer } from '../../helpers/scripted-sip-server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function uaOn(transport: SipTransport, extra: Partial<UserAgentOptions> = {}): Promise<UserAgent> {
  const ua = createUserAgent({ transports: [transport], localUri: 'sip:alice@example.test', credentials: { username: 'alice', password: 'secret' }, timers: { T1: 50 }, ...extra });
  cleanups.push(() => transport.close(), () => ua.close());
  return ua;
}

async function server(protocol: 'udp' | 'tcp', answer: Parameters<typeof startScriptedSipServer>[1]): Promise<ScriptedSipServer> {
  const s = await startScriptedSipServer(protocol, answer);
  cleanups.push(() => s.close());
  return s;
}

/** The requests without retransmissions (UDP, T1 50 ms: a slow answer is retransmitted). */
const distinct = (requests: readonly SipRequest[]): SipRequest[] => {
  const seen = new Set<string>();
  return requests.filter((r) => {
    const key = `${r.method} ${r.headers.get('Via')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

const challenge = (header: string, nonce: string, extra = ''): { name: string; value: string } => ({ name: header, value: `Digest realm="example.test", nonce="${nonce}", qop="auth", algorithm=SHA-256${extra}` });

describe('digest authentication in the UA', () => {
  it('REGISTER: 401 answered once, then the nonce is reused with nc=2 on the refresh', async () => {
    const registrar = await server('udp', (request) => {
      if (!digestIsValid(request.headers.get('Authorization'), 'REGISTER', 'alice', 'secret', 'example.test', 'n1')) return { status: 401, headers: [challenge('WWW-Authenticate', 'n1')] };
      return { status: 200, headers: [{ name: 'Contact', value: `${request.headers.get('Contact')};expires=2` }] };
    });
    const ua = await uaOn(await createUdpTransport({ host: '127.0.0.1', port: 0 }));
    const registration = ua.register({ aor: 'sip:alice@example.test', registrar: `sip:127.0.0.1:${registrar.port}`, expires: 2 });
    const states: string[] = [];
    registration.on((e) => states.push(e.state + (e.state === 'registered' ? `:${e.expires}:${e.refresh}` : '')));
    await registration.start();
    expect(distinct(registrar.requests).map((r) => r.method)).toEqual(['REGISTER', 'REGISTER']);
    expect(registrar.requests[0]?.headers.get('Authorization')).toBeUndefined();
    // Refreshed after half of the 2 s, with the cached nonce: no new challenge.
    await new Promise((resolve) => setTimeout(resolve, 1400));
    expect(distinct(registrar.requests)).toHaveLength(3);
    const refresh = distinct(registrar.requests)[2]!;
    expect(digestParams(refresh.headers.get('Authorization')!).get('nc')).toBe('00000002');
    expect(refresh.headers.get('Call-ID')).toBe(registrar.requests[0]!.headers.get('Call-ID'));
    expect(states).toEqual(['registering', 'registered:2:false', 'registered:2:true']);
    await registration.stop();
    expect(registrar.requests.at(-1)?.headers.get('Expires')).toBe('0');
    expect(states.slice(-2)).toEqual(['unregistering', 'unregistered']);
  });

  it('INVITE 407, re-INVITE 401 and BYE 407 are each answered once', async () => {
    let port = 0;
    const proxy = await server('udp', (request) => {
      const header = request.method === 'INVITE' && request.headers.get('To')?.includes('tag=') === true ? 'WWW-Authenticate' : 'Proxy-Authenticate';
      const answerHeader = header === 'WWW-Authenticate' ? 'Authorization' : 'Proxy-Authorization';
      const nonce = `${request.method}-${header}`;
      if (!digestIsValid(request.headers.get(answerHeader), request.method, 'alice', 'secret', 'example.test', nonce)) return { status: header === 'WWW-Authenticate' ? 401 : 407, headers: [challenge(header, nonce)] };
      return { status: 200, headers: [{ name: 'Contact', value: `<sip:bob@127.0.0.1:${port}>` }] };
    });
    port = proxy.port;
    const ua = await uaOn(await createUdpTransport({ host: '127.0.0.1', port: 0 }));
    const result = await ua.invite(`sip:bob@127.0.0.1:${proxy.port}`, { body: 'v=0\r\n' });
    expect(result.kind).toBe('accepted');
    if (result.kind !== 'accepted') return;
    const reinvite = await ua.reinvite(result.dialog, 'v=0\r\n');
    expect(reinvite.response.status).toBe(200);
    const bye = await ua.bye(result.dialog);
    expect(bye.response.status).toBe(200);
    // Retransmissions (same method and branch) left out. Later requests carry the cached answers
    // at once; a new challenge (another nonce here) is answered once more.
    const methods = distinct(proxy.requests).map((r) => `${r.method}${r.headers.has('Proxy-Authorization') || r.headers.has('Authorization') ? '+auth' : ''}`);
    expect(methods).toEqual(['INVITE', 'ACK', 'INVITE+auth', 'ACK', 'INVITE+auth', 'ACK', 'INVITE+auth', 'ACK', 'BYE+auth', 'BYE+auth']);
    // The retried INVITE keeps Call-ID and From tag, with the next CSeq (retransmissions of the first left out).
    const [first, second] = distinct(proxy.requests).filter((r) => r.method === 'INVITE' && r.headers.get('To')?.includes('tag=') !== true);
    expect(second!.headers.get('Call-ID')).toBe(first!.headers.get('Call-ID'));
    expect(second!.headers.get('From')).toBe(first!.headers.get('From'));
    expect(Number.parseInt(second!.headers.get('CSeq')!, 10)).toBe(Number.parseInt(first!.headers.get('CSeq')!, 10) + 1);
  });

  it('a wrong password fails after one answer with ERR_SIP_AUTH_REJECTED naming the realm', async () => {
    const registrar = await server('udp', () => ({ status: 401, headers: [challenge('WWW-Authenticate', 'n1')] }));
    const ua = await uaOn(await createUdpTransport({ host: '127.0.0.1', port: 0 }), { credentials: { username: 'alice', password: 'wrong' } });
    const registration = ua.register({ aor: 'sip:alice@example.test', registrar: `sip:127.0.0.1:${registrar.port}` });
    const error = await registration.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_SIP_AUTH_REJECTED', message: expect.stringContaining('realm "example.test"') });
    expect(distinct(registrar.requests)).toHaveLength(2);
    expect(registration.state).toBe('failed');
    await registration.stop();
    // The same for an INVITE: one retry, then the error.
    const invite = await ua.invite(`sip:bob@127.0.0.1:${registrar.port}`).catch((e: unknown) => e);
    expect(invite).toMatchObject({ code: 'ERR_SIP_AUTH_REJECTED' });
    expect(distinct(registrar.requests).filter((r) => r.method === 'INVITE')).toHaveLength(2);
  });

  it('stale=true is answered again with the new nonce', async () => {
    // Rounds count distinct REGISTERs (by CSeq), not arrivals: with T1 at 50 ms a busy machine
    // retransmits the first REGISTER before its 401 is read, and that copy must get the same answer.
    const cseqs: string[] = [];
    const registrar = await server('udp', (request) => {
      const cseq = request.headers.get('CSeq') ?? '';
      if (!cseqs.includes(cseq)) cseqs.push(cseq);
      const round = cseqs.indexOf(cseq) + 1;
      if (round === 1) return { status: 401, headers: [challenge('WWW-Authenticate', 'old')] };
      if (round === 2) return { status: 401, headers: [challenge('WWW-Authenticate', 'new', ', stale=true')] };
      return digestIsValid(request.headers.get('Authorization'), 'REGISTER', 'alice', 'secret', 'example.test', 'new') ? { status: 200 } : { status: 403 };
    });
    const ua = await uaOn(await createUdpTransport({ host: '127.0.0.1', port: 0 }));
    const registration = ua.register({ aor: 'sip:alice@example.test', registrar: `sip:127.0.0.1:${registrar.port}` });
    await registration.start();
    expect(registration.state).toBe('registered');
    expect(distinct(registrar.requests)).toHaveLength(3);
    await registration.stop();
  });

  it('without credentials a challenge is the final answer', async () => {
    const proxy = await server('udp', () => ({ status: 407, headers: [challenge('Proxy-Authenticate', 'n')] }));
    const ua = await uaOn(await createUdpTransport({ host: '127.0.0.1', port: 0 }), { credentials: undefined });
    const result = await ua.invite(`sip:bob@127.0.0.1:${proxy.port}`);
    expect(result).toMatchObject({ kind: 'rejected', response: { status: 407 } });
    expect(distinct(proxy.requests).filter((r) => r.method === 'INVITE')).toHaveLength(1);
  });
});

describe('RFC 3263 failover in the UA', () => {
  it('moves to the next target after a 503 and after a refused TCP connection', async () => {
    const busy = await server('tcp', () => ({ status: 503 }));
    const good = await server('tcp', (request) => ({ status: 200, headers: [{ name: 'Contact', value: `<${request.uri}>` }] }));
    const closed = await server('tcp', () => undefined);
    const closedPort = closed.port;
    await closed.close();
    const targets = [
      { protocol: 'TCP' as const, host: '127.0.0.1', port: closedPort },
      { protocol: 'TCP' as const, host: '127.0.0.1', port: busy.port },
      { protocol: 'TCP' as const, host: '127.0.0.1', port: good.port },
    ];
    const ua = await uaOn(await createTcpTransport({ host: '127.0.0.1', port: 0 }), { locator: { locate: async () => targets } });
    const result = await ua.invite('sip:bob@example.test');
    expect(result.kind).toBe('accepted');
    expect(busy.requests.map((r) => r.method)).toEqual(['INVITE', 'ACK']);
    expect(good.requests[0]?.method).toBe('INVITE');
    // The Request-URI stays the AOR; only the destination changed.
    expect(good.requests[0]?.uri).toBe('sip:bob@example.test');
  });

  it('a registration goes to the located registrar', async () => {
    const registrar = await server('udp', () => ({ status: 200 }));
    const asked: string[] = [];
    const ua = await uaOn(await createUdpTransport({ host: '127.0.0.1', port: 0 }), {
      locator: { locate: async (uri) => (asked.push(uri.host), [{ protocol: 'UDP', host: '127.0.0.1', port: registrar.port }]) },
    });
    const registration = ua.register({ aor: 'sip:alice@example.test' });
    await registration.start();
    expect(asked).toEqual(['example.test']);
    expect(registrar.requests[0]?.uri).toBe('sip:example.test');
    await registration.stop();
  });
});
