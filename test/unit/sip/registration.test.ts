// Registration (RFC 3261 §10) against scripted registrars: Min-Expires (423) followed, the
// granted lifetime taken from our Contact, Service-Route pre-loaded on later INVITEs (RFC 3608),
// a dead TCP flow (no CRLF pong, RFC 5626 §4.4.1) re-registered over a new connection, a failure
// retried, and the 404 for Request-URIs that are neither the AOR nor the bound Contact.
import { afterEach, describe, expect, it } from 'vitest';
import { parseSipUri } from '../../../runtime/sip/syntax/sip-uri.ts';
import { sameBinding, refreshDelaySeconds } from '../../../runtime/sip/registration.ts';
import { createTcpTransport, createUdpTransport } from '../../../runtime/sip/transport/index.ts';
import type { SipTransport } from '../../../runtime/sip/transport/sip-transport.ts';
import { createUserAgent } from '../../../runtime/sip/user-agent.ts';
import type { UserAgent } from '../../../runtime/sip/user-agent-types.ts';
import { startScriptedSipServer, type ScriptedSipServer } from '../../helpers/scripted-sip-server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function uaOn(transport: SipTransport): Promise<UserAgent> {
  const ua = createUserAgent({ transports: [transport], localUri: 'sip:bob@example.test', timers: { T1: 100 } });
  cleanups.push(() => transport.close(), () => ua.close());
  return ua;
}

async function server(protocol: 'udp' | 'tcp', answer: Parameters<typeof startScriptedSipServer>[1]): Promise<ScriptedSipServer> {
  const s = await startScriptedSipServer(protocol, answer);
  cleanups.push(() => s.close());
  return s;
}

const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('registration', () => {
  it('follows 423 Min-Expires, takes the lifetime from our Contact, keeps Service-Route', async () => {
    let port = 0;
    const registrar = await server('udp', (request) => {
      if (request.method === 'INVITE') return { status: 486 };
      const asked = Number(request.headers.get('Expires'));
      if (asked > 0 && asked < 300) return { status: 423, headers: [{ name: 'Min-Expires', value: '300' }] };
      return {
        status: 200,
        headers: [
          { name: 'Contact', value: `<sip:other@10.0.0.1>;expires=900, ${request.headers.get('Contact')};expires=${asked > 0 ? 280 : 0}` },
          { name: 'Service-Route', value: `<sip:orig@127.0.0.1:${port};lr>` },
          { name: 'Path', value: '<sip:pcscf.example.test;lr>' },
        ],
      };
    });
    port = registrar.port;
    const ua = await uaOn(await createUdpTransport({ host: '127.0.0.1', port: 0 }));
    const registration = ua.register({ aor: 'sip:bob@example.test', registrar: `sip:127.0.0.1:${registrar.port}`, expires: 60 });
    const events: unknown[] = [];
    registration.on((e) => events.push(e));
    await registration.start();
    expect(registrar.requests.map((r) => r.headers.get('Expires'))).toEqual(['60', '300']);
    expect(events).toContainEqual(expect.objectContaining({ state: 'registered', expires: 280, serviceRoute: [`<sip:orig@127.0.0.1:${port};lr>`], path: ['<sip:pcscf.example.test;lr>'] }));
    // RFC 3608: the next out-of-dialog request is routed through the Service-Route.
    const invite = ua.invite('sip:alice@elsewhere.test');
    expect(await invite).toMatchObject({ kind: 'rejected', response: { status: 486 } });
    expect(invite.request.headers.getAll('Route')).toEqual([`<sip:orig@127.0.0.1:${port};lr>`]);
    await registration.stop();
  });

  it('a flow without a pong is dead: the binding is registered again over a new connection', async () => {
    const registrar = await server('tcp', () => ({ status: 200 }));
    registrar.answerPings = false;
    const ua = await uaOn(await createTcpTransport({ host: '127.0.0.1', port: 0 }));
    const registration = ua.register({ aor: 'sip:bob@example.test', registrar: `sip:127.0.0.1:${registrar.port};transport=tcp`, keepAliveSeconds: 0.1, pongTimeoutSeconds: 0.2 });
    await registration.start();
    await until(() => registrar.requests.length >= 2);
    expect(registrar.pings).toBeGreaterThanOrEqual(1);
    // A registrar that answers its pings keeps the flow: no further REGISTER.
    registrar.answerPings = true;
    await until(() => registration.state === 'registered');
    const count = registrar.requests.length;
    const pings = registrar.pings;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(registrar.pings).toBeGreaterThan(pings);
    expect(registrar.requests.length).toBe(count);
    await registration.stop();
  });

  it('a failed REGISTER is retried after retrySeconds', async () => {
    let calls = 0;
    const registrar = await server('udp', () => ((calls += 1) === 1 ? { status: 500 } : { status: 200 }));
    const ua = await uaOn(await createUdpTransport({ host: '127.0.0.1', port: 0 }));
    const registration = ua.register({ aor: 'sip:bob@example.test', registrar: `sip:127.0.0.1:${registrar.port}`, retrySeconds: 0.2 });
    const error = await registration.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_SIP_REGISTER', message: expect.stringContaining('500') });
    await until(() => registration.state === 'registered');
    await registration.stop();
  });

  it('with a Request-URI check, an INVITE for somebody else gets 404', async () => {
    const ua = await uaOn(await createUdpTransport({ host: '127.0.0.1', port: 0 }));
    const aor = parseSipUri('sip:bob@example.test');
    if (!aor.ok) throw aor.error;
    ua.setRequestUriCheck((uri) => sameBinding(uri, { ...aor.value, port: uri.port ?? 5060 }) || uri.user === 'bob');
    const transport = ua.options.transports[0]!;
    const caller = createUserAgent({ transports: [await createUdpTransport({ host: '127.0.0.1', port: 0 })], localUri: 'sip:alice@example.test' });
    cleanups.push(() => caller.options.transports[0]!.close(), () => caller.close());
    const other = await caller.invite(`sip:nobody@127.0.0.1:${transport.local.port}`);
    expect(other).toMatchObject({ kind: 'rejected', response: { status: 404 } });
    // Bob's own URI passes the check (and reaches the delegate-less UA: 480).
    const own = await caller.invite(`sip:bob@127.0.0.1:${transport.local.port}`);
    expect(own).toMatchObject({ kind: 'rejected', response: { status: 480 } });
  });

  it('refreshes halfway through short bindings and a minute early for long ones', () => {
    expect(refreshDelaySeconds(4)).toBe(2);
    expect(refreshDelaySeconds(3600)).toBe(3540);
  });
});
