// MsrpEndpoint with an RFC 4976 relay against a scripted relay on 127.0.0.1: the AUTH / 401 / AUTH
// exchange with a checked digest, Use-Path in the session's a=path and To-Path, incoming traffic on
// the relay connection matched to the session, refresh before expiry, and the failure codes.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createFakeClock } from '../../runtime/clock.ts';
import {
  MsrpEndpoint, MsrpParser, formatMsrpPath, parseMsrpUri, refreshDelayMs, serializeRequest, serializeResponse,
  type MsrpRequestHead, type MsrpUri,
} from '../../runtime/msrp/index.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const REALM = 'relay.test';
const NONCE = 'abc123';

function uri(text: string): MsrpUri {
  const r = parseMsrpUri(text);
  if (!r.ok) throw r.error;
  return r.value;
}

interface RelayScript {
  password: string;
  /** Expires granted in the 200; undefined leaves it out. */
  expires?: number;
  /** Bounds: an AUTH with Expires outside gets 423. */
  bounds?: [number, number];
  /** Never answer AUTH. */
  silent?: boolean;
  /** Grants AUTH without a challenge (a relay that authorises by network). */
  open?: boolean;
  /** WWW-Authenticate values of the 401, in order; default one MD5 challenge. */
  challenges?: string[];
}

/** A scripted RFC 4976 relay: answers AUTH, records every request, can push requests to the client. */
class FakeRelay {
  readonly requests: MsrpRequestHead[] = [];
  readonly sockets: Socket[] = [];
  port = 0;
  #server: Server;
  constructor(readonly script: RelayScript) {
    this.#server = createServer((socket) => this.#serve(socket));
  }
  get uri(): string { return `msrp://127.0.0.1:${this.port};tcp`; }
  get usePath(): MsrpUri { return uri(`msrp://127.0.0.1:${this.port}/relaysess;tcp`); }
  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const a = this.#server.address();
    if (a !== null && typeof a === 'object') this.port = a.port;
    cleanups.push(() => new Promise<void>((resolve) => { for (const s of this.sockets) s.destroy(); this.#server.close(() => resolve()); }));
    return this;
  }
  auths(): MsrpRequestHead[] { return this.requests.filter((r) => r.method === 'AUTH'); }
  #serve(socket: Socket): void {
    this.sockets.push(socket);
    let current: MsrpRequestHead | undefined;
    const parser = new MsrpParser({
      head: (h) => { if (h.kind === 'request') { current = h; this.requests.push(h); } },
      body: () => {},
      end: () => { if (current !== undefined) this.#answer(socket, current); current = undefined; },
    });
    socket.on('data', (d: Buffer) => { parser.feed(d); });
    socket.on('error', () => {});
  }
  // RFC 4976 §5.1 as a relay sees it: challenge, check the digest, grant or bound the lifetime.
  #answer(socket: Socket, h: MsrpRequestHead): void {
    const reply = (status: number, extraHeaders: [string, string][] = []): void => {
      socket.write(serializeResponse({ transactionId: h.transactionId, status, toPath: h.headers.fromPath.slice(0, 1), fromPath: h.headers.toPath.slice(0, 1), extraHeaders }));
    };
    if (h.method !== 'AUTH') { reply(200); return; }
    if (this.script.silent) return;
    const auth = h.headers.authorization[0];
    if (this.script.open !== true && (auth === undefined || !this.#digestOk(auth))) { reply(401, (this.script.challenges ?? [`Digest realm="${REALM}", nonce="${NONCE}"`]).map((c): [string, string] => ['WWW-Authenticate', c])); return; }
    const [min, max] = this.script.bounds ?? [0, Infinity];
    const asked = h.headers.expires;
    if (asked !== undefined && (asked < min || asked > max)) { reply(423, [['Min-Expires', String(min)], ['Max-Expires', String(max)]]); return; }
    const granted = asked ?? this.script.expires;
    reply(200, [['Use-Path', formatMsrpPath([this.usePath])], ...(granted === undefined ? [] : [['Expires', String(granted)] as [string, string]])]);
  }
  #digestOk(header: string): boolean {
    const p = new Map([...header.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    // RFC 7616 §3.4.1 without qop, with the hash the answer names (MD5 or SHA-256).
    const h = (s: string): string => createHash(p.get('algorithm') === 'SHA-256' ? 'sha256' : 'md5').update(s).digest('hex');
    const ha1 = h(`${p.get('username')}:${REALM}:${this.script.password}`);
    const ha2 = h(`AUTH:${p.get('uri')}`);
    return p.get('uri') === this.uri && p.get('response') === h(`${ha1}:${NONCE}:${ha2}`);
  }
}

async function endpointWith(relay: FakeRelay, password: string, extra: { expires?: number; clock?: ReturnType<typeof createFakeClock>; authTimeoutMs?: number } = {}): Promise<MsrpEndpoint> {
  const ep = await MsrpEndpoint.create({ relay: { uri: uri(relay.uri), credentials: { username: 'alice', password }, ...extra } });
  cleanups.push(() => ep.close());
  return ep;
}

describe('MsrpEndpoint behind an RFC 4976 relay', () => {
  it('AUTH, 401, AUTH with a valid digest, 200: the session path and To-Path start with Use-Path', async () => {
    const relay = await new FakeRelay({ password: 'pw', expires: 300 }).listen();
    const ep = await endpointWith(relay, 'pw');
    expect(relay.auths()).toHaveLength(2);
    expect(relay.auths()[0]?.headers.authorization).toEqual([]);
    // Kamailio refuses an AUTH carrying Expires, so none is sent unless asked for.
    expect(relay.auths().every((a) => a.headers.expires === undefined)).toBe(true);
    expect(ep.relay?.expires).toBe(300);

    const session = ep.createSession();
    expect(session.localPathText).toBe(`${formatMsrpPath([relay.usePath])} ${formatMsrpPath([session.localUri])}`);
    const peer = uri('msrp://192.0.2.9:7777/peer1;tcp');
    session.setRemotePath([peer]);
    await session.connect();
    // RFC 4976 §6.1: the binding SEND goes over the one relay connection, To-Path = Use-Path + peer path.
    const send = relay.requests.find((r) => r.method === 'SEND');
    expect(formatMsrpPath(send?.headers.toPath ?? [])).toBe(formatMsrpPath([relay.usePath, peer]));
    expect(formatMsrpPath(send?.headers.fromPath ?? [])).toBe(formatMsrpPath([session.localUri]));
    expect(relay.sockets).toHaveLength(1);
    expect(session.connection).toBe(ep.relay?.connection);
  });

  it('a request arriving over the relay connection is matched to its session by To-Path', async () => {
    const relay = await new FakeRelay({ password: 'pw', expires: 300 }).listen();
    const ep = await endpointWith(relay, 'pw');
    const session = ep.createSession();
    const peer = uri('msrp://192.0.2.9:7777/peer2;tcp');
    session.setRemotePath([relay.usePath, peer]);
    const bound = session.waitBound();
    const socket = relay.sockets[0] as Socket;
    const answered = new Promise<string>((resolve) => socket.on('data', (d: Buffer) => { if (d.toString().includes('MSRP tid-in-1 ')) resolve(d.toString()); }));
    // As a relay forwards it: our URI alone in To-Path, the relay in front of the sender in From-Path.
    socket.write(Buffer.concat(serializeRequest({ transactionId: 'tid-in-1', method: 'SEND', toPath: [session.localUri], fromPath: [relay.usePath, peer], messageId: 'm1', byteRange: { start: 1, end: 0, total: 0 } })));
    await bound;
    expect(await answered).toMatch(/^MSRP tid-in-1 200/);
    expect(session.connection).toBe(ep.relay?.connection);
    // Releasing the session keeps the relay connection (it carries the AUTH grant).
    session.close();
    expect(ep.relay?.connection.closed).toBe(false);
  });

  it('re-AUTHs before the grant expires (fake clock)', async () => {
    const relay = await new FakeRelay({ password: 'pw', expires: 120 }).listen();
    const clock = createFakeClock();
    const ep = await endpointWith(relay, 'pw', { clock });
    expect(relay.auths()).toHaveLength(2);
    expect(refreshDelayMs(120)).toBe(96_000);
    clock.advance(95_999);
    expect(relay.auths()).toHaveLength(2);
    clock.advance(1);
    await expect.poll(() => relay.auths().length).toBe(4);
    await expect.poll(() => ep.relay?.expires).toBe(120);
  });

  it('a huge granted Expires (4294967295 s) schedules one refresh at the timer maximum, no AUTH storm', async () => {
    expect(refreshDelayMs(4294967295)).toBe(2 ** 31 - 1);
    expect(refreshDelayMs(3600)).toBe(3_540_000);
    // Real timers: with an unbounded delay Node clamps it to 1 ms and the client re-AUTHs in a loop.
    const relay = await new FakeRelay({ password: 'pw', expires: 4294967295 }).listen();
    const ep = await endpointWith(relay, 'pw');
    expect(ep.relay?.expires).toBe(4294967295);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(relay.auths()).toHaveLength(2);
  });

  it('a challenge in an algorithm we lack rejects with ERR_MSRP_RELAY_AUTH; SHA-256 offered before MD5 is answered with SHA-256', async () => {
    const sha = `Digest realm="${REALM}", nonce="${NONCE}", algorithm=SHA-256`;
    const only = await new FakeRelay({ password: 'pw', challenges: [`Digest realm="${REALM}", nonce="${NONCE}", algorithm=SHA3-256`] }).listen();
    const error = await MsrpEndpoint.create({ relay: { uri: uri(only.uri), credentials: { username: 'alice', password: 'pw' } } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_MSRP_RELAY_AUTH' });
    expect((error as Error).message).toContain(only.uri);
    expect((error as Error).message).toContain('SHA3-256');

    const both = await new FakeRelay({ password: 'pw', expires: 300, challenges: [sha, `Digest realm="${REALM}", nonce="${NONCE}", algorithm=MD5`] }).listen();
    const ep = await endpointWith(both, 'pw');
    expect(ep.relay?.expires).toBe(300);
    expect(both.auths()[1]?.headers.authorization[0]).toContain('algorithm=SHA-256');
  });

  it('credentials are optional: a relay that grants at once needs none; one that challenges fails with ERR_MSRP_RELAY_AUTH_REQUIRED', async () => {
    const open = await new FakeRelay({ password: 'unused', open: true }).listen();
    const ep = await MsrpEndpoint.create({ relay: { uri: uri(open.uri) } });
    cleanups.push(() => ep.close());
    expect(ep.relay?.usePath).toEqual([open.usePath]);
    expect(open.auths()).toHaveLength(1);
    const strict = await new FakeRelay({ password: 'pw' }).listen();
    const error = await MsrpEndpoint.create({ relay: { uri: uri(strict.uri) } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_MSRP_RELAY_AUTH_REQUIRED', message: expect.stringContaining(`127.0.0.1:${strict.port}`) });
    expect(strict.auths()).toHaveLength(1);
  });

  it('wrong credentials: 401 twice gives ERR_MSRP_RELAY_AUTH naming the relay', async () => {
    const relay = await new FakeRelay({ password: 'pw' }).listen();
    const error = await MsrpEndpoint.create({ relay: { uri: uri(relay.uri), credentials: { username: 'alice', password: 'nope' } } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_MSRP_RELAY_AUTH' });
    expect((error as Error).message).toContain(relay.uri);
    expect(relay.auths()).toHaveLength(2);
  });

  it('Expires out of bounds: 423 gives ERR_MSRP_RELAY_EXPIRES with the bounds', async () => {
    const relay = await new FakeRelay({ password: 'pw', bounds: [60, 3600] }).listen();
    const error = await MsrpEndpoint.create({ relay: { uri: uri(relay.uri), credentials: { username: 'alice', password: 'pw' }, expires: 5 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_MSRP_RELAY_EXPIRES' });
    expect((error as Error).message).toMatch(/Min-Expires 60, Max-Expires 3600/);
  });

  it('a silent relay: ERR_MSRP_RELAY_TIMEOUT; an unreachable one: ERR_MSRP_RELAY_CONNECT', async () => {
    const relay = await new FakeRelay({ password: 'pw', silent: true }).listen();
    await expect(MsrpEndpoint.create({ relay: { uri: uri(relay.uri), credentials: { username: 'a', password: 'pw' }, authTimeoutMs: 100 } }))
      .rejects.toMatchObject({ code: 'ERR_MSRP_RELAY_TIMEOUT' });
    const gone = await new FakeRelay({ password: 'pw' }).listen();
    const port = gone.port;
    await cleanups.pop()?.();
    await expect(MsrpEndpoint.create({ relay: { uri: uri(`msrp://127.0.0.1:${port};tcp`), credentials: { username: 'a', password: 'pw' } } }))
      .rejects.toMatchObject({ code: 'ERR_MSRP_RELAY_CONNECT' });
  });
});
