// What a plain JavaScript caller gets for options of the wrong shape: a CpmError with code
// ERR_INVALID_OPTION naming the option, the value and what is allowed, thrown before any socket is
// bound. Every call goes through `unknown`, as untyped code would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, CpmError, InvalidOptionError, isCpmError, type CpmClient } from '../../src/index.ts';

type Untyped = (options: unknown) => Promise<CpmClient>;
const create = createClient as unknown as Untyped;
const good = { localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } };

async function rejection(options: unknown): Promise<InvalidOptionError> {
  const error: unknown = await create(options).then(async (client) => { await client.close(); return undefined; }, (e: unknown) => e);
  expect(error, `accepted: ${JSON.stringify(options)}`).toBeInstanceOf(InvalidOptionError);
  expect(error).toBeInstanceOf(CpmError);
  expect(isCpmError(error, 'ERR_INVALID_OPTION')).toBe(true);
  return error as InvalidOptionError;
}

describe('createClient: options are checked before anything is opened', () => {
  it.each([
    ['sip.transport', { ...good, sip: { host: '127.0.0.1', port: 0, transport: 'TCP' } }, 'TCP', /one of 'udp', 'tcp', 'tls'/],
    ['sip', { localUri: 'sip:alice@127.0.0.1' }, undefined, /an object \{ host, port, transport \}/],
    ['localUri', { ...good, localUri: 'not a uri' }, 'not a uri', /a SIP URI/],
    ['localUri', { sip: good.sip }, undefined, /a SIP URI/],
    ['sip.port', { ...good, sip: { host: '127.0.0.1', port: 70000, transport: 'udp' } }, 70000, /0 \(any free port\) to 65535/],
    ['sip.port', { ...good, sip: { host: '127.0.0.1', port: '5060', transport: 'udp' } }, '5060', /port number/],
    ['sip.host', { ...good, sip: { host: 'bad host!', port: 0, transport: 'udp' } }, 'bad host!', /IP address or a host name/],
    ['msrp.port', { ...good, msrp: { port: -1 } }, -1, /0 \(any free port\) to 65535/],
    ['chunkSize', { ...good, chunkSize: 0 }, 0, /from 1 to 4194304/],
    ['limits.maxSesions', { ...good, limits: { maxSesions: 4 } }, 4, /the limits are/],
    ['limits.maxSessions', { ...good, limits: { maxSessions: 1.5 } }, 1.5, /positive whole number/],
    ['waitTimeoutMs', { ...good, waitTimeoutMs: -5 }, -5, /milliseconds/],
    ['sipTimers.T1', { ...good, sipTimers: { T1: Number.NaN } }, Number.NaN, /milliseconds/],
    ['reportGraceMs', { ...good, reportGraceMs: 'soon' }, 'soon', /milliseconds from 0/],
    ['log', { ...good, log: 'yes' }, 'yes', /a function/],
    ['onNotice', { ...good, onNotice: {} }, {}, /a function/],
    ['successReport', { ...good, successReport: 'yes' }, 'yes', /true or false/],
    ['peerTuning', { ...good, peerTuning: 'fast' }, 'fast', /'auto', 'off', 'always'/],
    ["decisions['check-pending']", { ...good, decisions: { 'check-pending': false } }, false, /check-pending-files/],
    ['outboundProxy', { ...good, outboundProxy: 'proxy.example.net' }, 'proxy.example.net', /a SIP URI/],
    ['msrpRelay.expires', { ...good, msrpRelay: { uri: 'msrp://127.0.0.1:2855;tcp', expires: 0 } }, 0, /seconds/],
    ['(the options object)', null, null, /an object/],
  ])('%s', async (option, options, value, allowed) => {
    const error = await rejection(options);
    expect(error.option).toBe(option);
    expect(error.value).toStrictEqual(value);
    expect(error.allowed).toMatch(allowed);
    // The message alone says all three, for a caller that only prints it.
    expect(error.message).toContain(option);
    expect(error.message).toMatch(allowed);
  });

  it('the message quotes the value given', async () => {
    const error = await rejection({ ...good, sip: { host: '127.0.0.1', port: 0, transport: 'TCP' } });
    expect(error.message).toBe("createClient: option sip.transport must be one of 'udp', 'tcp', 'tls'; got \"TCP\"");
  });
});

describe('receive, send, serve and pull check their arguments when called', () => {
  let client: CpmClient;
  const root = mkdtempSync(join(tmpdir(), 'cpm-ft-options-'));
  beforeAll(async () => { client = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } }); });
  afterAll(async () => { await client.close(); rmSync(root, { recursive: true, force: true }); });

  const thrown = (call: () => unknown): InvalidOptionError => {
    try {
      call();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError);
      return error as InvalidOptionError;
    }
    throw new Error('no error thrown');
  };
  const untyped = (): Record<string, (...args: unknown[]) => unknown> => client as unknown as Record<string, (...args: unknown[]) => unknown>;
  const call = (method: string, ...args: unknown[]) => () => untyped()[method]?.apply(client, args);

  it.each([
    ['dir', [{}], /folder/],
    ['maxSize', [{ dir: root, maxSize: '10' }], /whole number of bytes/],
    ['accept', [{ dir: root, accept: true }], /a function/],
    ['idleTimeoutMs', [{ dir: root, idleTimeoutMs: 0 }], /milliseconds/],
    ['setup', [{ dir: root, setup: 'actpass' }], /'active', 'passive', 'none'/],
  ])('receive: %s', (option, args, allowed) => {
    const error = thrown(call('receive', ...args));
    expect(error.option).toBe(option);
    expect(error.allowed).toMatch(allowed);
  });

  it.each([
    ['destination', ['sip:bob@127.0.0.1', ['a.txt']], /kind: 'one-recipient'/],
    ['destination.uri', [{ kind: 'one-recipient', uri: 'bob' }, ['a.txt']], /SIP URI/],
    ['destination.kind', [{ kind: 'one', uri: 'sip:bob@127.0.0.1' }, ['a.txt']], /one-recipient/],
    ['destination.uris', [{ kind: 'recipient-list', uris: [], factory: 'sip:f@127.0.0.1' }, ['a.txt']], /non-empty array/],
    ['files', [{ kind: 'one-recipient', uri: 'sip:bob@127.0.0.1' }, 'a.txt'], /an array/],
    ['files[1]', [{ kind: 'one-recipient', uri: 'sip:bob@127.0.0.1' }, ['a.txt', 7]], /path/],
    ['files[0].icon', [{ kind: 'one-recipient', uri: 'sip:bob@127.0.0.1' }, [{ path: 'a.txt', icon: 42 }]], /image path/],
  ])('send: %s', (option, args, allowed) => {
    const error = thrown(call('send', ...args));
    expect(error.option).toBe(option);
    expect(error.allowed).toMatch(allowed);
  });

  it('serve: a callback that is not a function', () => {
    expect(thrown(call('serve', { dir: root, onRequest: 'log' })).option).toBe('onRequest');
  });

  it.each([
    ['pull', 'selector', { from: 'sip:bob@127.0.0.1', selector: {}, dir: root }],
    ['pull', 'from', { from: 'bob', selector: { name: 'a.txt' }, dir: root }],
    ['pull', 'timeoutMs', { from: 'sip:bob@127.0.0.1', selector: { name: 'a.txt' }, dir: root, timeoutMs: -1 }],
    ['pullFiles', 'selectors', { from: 'sip:bob@127.0.0.1', selectors: [], dir: root }],
    ['pullFiles', 'selectors[1].size', { from: 'sip:bob@127.0.0.1', selectors: [{ name: 'a' }, { size: -3 }], dir: root }],
  ])('%s: %s (the promise rejects)', async (method, option, request) => {
    const error: unknown = await (untyped()[method]?.call(client, request) as Promise<unknown>).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe(option);
  });
});
