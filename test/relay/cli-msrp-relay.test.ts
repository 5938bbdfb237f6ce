// --msrp-relay / --msrp-relay-auth on send and receive: parsing, the environment fallback for the
// credentials, usage errors (exit 2), and what reaches createClient.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSend } from '../../src/cli/commands/send.ts';
import { MSRP_RELAY_AUTH_ENV, parseMsrpRelayArgs, resolveMsrpRelay } from '../../src/cli/parse-msrp-relay.ts';
import { parseReceiveArgs } from '../../src/cli/parse-receive-args.ts';
import { parseSendArgs } from '../../src/cli/parse-send-args.ts';
import { fakeClientFactory } from '../cli/helpers/fake-client.ts';
import { memoryIo } from '../cli/helpers/memory-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-relay-'));
writeFileSync(join(dir, 'a.txt'), 'alpha');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = ['--from', 'sip:alice@127.0.0.1', '--to', 'sip:bob@127.0.0.1:5070'];
const RELAY = 'msrp://127.0.0.1:2855;tcp';

describe('--msrp-relay parsing', () => {
  it('send and receive accept the relay and its credentials', () => {
    const send = parseSendArgs([...base, '--msrp-relay', RELAY, '--msrp-relay-auth', 'alice:s3:cret', 'a.txt']);
    expect(send.ok && send.value.msrpRelay).toEqual({ uri: RELAY, auth: 'alice:s3:cret' });
    const receive = parseReceiveArgs(['--sip', '127.0.0.1:0', '--dir', 'in', '--msrp-relay', RELAY]);
    expect(receive.ok && receive.value.msrpRelay).toEqual({ uri: RELAY, auth: undefined });
  });

  it('refuses a non-MSRP URI, a missing port and credentials without a relay', () => {
    expect(parseMsrpRelayArgs({ 'msrp-relay': 'sip:relay.example' })).toMatchObject({ ok: false, error: expect.stringContaining('not an MSRP URI') });
    expect(parseMsrpRelayArgs({ 'msrp-relay': 'msrp://relay.example;tcp' })).toMatchObject({ ok: false, error: expect.stringContaining('needs a port') });
    expect(parseMsrpRelayArgs({ 'msrp-relay-auth': 'a:b' })).toMatchObject({ ok: false, error: '--msrp-relay-auth needs --msrp-relay URI' });
    expect(parseMsrpRelayArgs({})).toEqual({ ok: true, value: undefined });
  });

  it('credentials: the option wins, then the environment; the password may contain colons', () => {
    expect(resolveMsrpRelay({ uri: RELAY, auth: 'u:p:q' }, { [MSRP_RELAY_AUTH_ENV]: 'x:y' })).toEqual({ ok: true, value: { uri: RELAY, username: 'u', password: 'p:q' } });
    expect(resolveMsrpRelay({ uri: RELAY, auth: undefined }, { [MSRP_RELAY_AUTH_ENV]: 'x:y' })).toEqual({ ok: true, value: { uri: RELAY, username: 'x', password: 'y' } });
    // None given: fine until the relay challenges (the client then fails with ERR_MSRP_RELAY_AUTH_REQUIRED).
    expect(resolveMsrpRelay({ uri: RELAY, auth: undefined }, {})).toEqual({ ok: true, value: { uri: RELAY } });
    expect(resolveMsrpRelay({ uri: RELAY, auth: 'nocolon' }, {})).toMatchObject({ ok: false, error: '--msrp-relay-auth: expected USER:PASSWORD' });
  });
});

describe('cpm-ft send --msrp-relay (fake client)', () => {
  it('passes msrpRelay to createClient with the credentials from the environment', async () => {
    const io = { ...memoryIo(dir), env: { [MSRP_RELAY_AUTH_ENV]: 'alice:pw' } };
    const fake = fakeClientFactory();
    expect(await runSend([...base, '--msrp-relay', RELAY, 'a.txt'], io, { createClient: fake.createClient })).toBe(0);
    expect(fake.log.options[0]?.msrpRelay).toEqual({ uri: RELAY, username: 'alice', password: 'pw' });
  });

  it('without credentials the relay is used as is (they are needed only if it challenges)', async () => {
    const io = { ...memoryIo(dir), env: {} };
    const fake = fakeClientFactory();
    expect(await runSend([...base, '--msrp-relay', RELAY, 'a.txt'], io, { createClient: fake.createClient })).toBe(0);
    expect(fake.log.options[0]?.msrpRelay).toEqual({ uri: RELAY });
  });
});
