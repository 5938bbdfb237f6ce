// Input that is unambiguous is taken as meant; input that cannot work is a usage error (exit 2)
// that says what was expected, before any socket opens.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import { runReceive } from '../../src/cli/commands/receive.ts';
import { runSend } from '../../src/cli/commands/send.ts';
import { parseDuration } from '../../src/cli/parse-duration.ts';
import { parseMsrpRelayArgs } from '../../src/cli/parse-msrp-relay.ts';
import { parseReceiveArgs } from '../../src/cli/parse-receive-args.ts';
import { parseSendArgs } from '../../src/cli/parse-send-args.ts';
import { fakeClientFactory } from './helpers/fake-client.ts';
import { memoryIo } from './helpers/memory-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-lenient-'));
writeFileSync(join(dir, 'a'), 'alpha');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const from = ['--from', 'sip:alice@127.0.0.1'];

describe('lenient where unambiguous', () => {
  it('msrp://HOST:PORT means ;tcp, msrps:// too', () => {
    expect(parseMsrpRelayArgs({ 'msrp-relay': 'msrp://127.0.0.1:2855' })).toEqual({ ok: true, value: { uri: 'msrp://127.0.0.1:2855;tcp', auth: undefined } });
    expect(parseMsrpRelayArgs({ 'msrp-relay': 'msrps://relay.example:2856/' })).toEqual({ ok: true, value: { uri: 'msrps://relay.example:2856;tcp', auth: undefined } });
    expect(parseMsrpRelayArgs({ 'msrp-relay': 'msrp://127.0.0.1:0' })).toMatchObject({ ok: false, error: expect.stringContaining('port 0') });
  });

  it('durations: bare seconds, ms, s, m', () => {
    expect(parseDuration('30', '--idle-timeout')).toEqual({ ok: true, value: 30_000 });
    expect(parseDuration('1.5s', '--idle-timeout')).toEqual({ ok: true, value: 1500 });
    expect(parseDuration('250ms', '--idle-timeout')).toEqual({ ok: true, value: 250 });
    expect(parseDuration('2m', '--idle-timeout')).toEqual({ ok: true, value: 120_000 });
    expect(parseReceiveArgs(['--sip', '127.0.0.1:0', '--dir', 'x', '--msrp-setup-timeout', '2s', '--idle-timeout', '500ms'])).toMatchObject({ ok: true, value: { msrpSetupTimeoutMs: 2000, idleTimeoutMs: 500 } });
  });
});

describe('usage errors that say what they expect (exit 2, no client)', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['port 0 in --to', [...from, '--to', 'sip:bob@127.0.0.1:0', 'a'], /--to has a bad port .*expected 1-65535/],
    ['port 65536 in --to', [...from, '--to', 'sip:bob@127.0.0.1:65536', 'a'], /--to has a bad port/],
    ['an IPv4 octet over 255', [...from, '--to', 'sip:bob@127.0.0.256:5060', 'a'], /bad IPv4 address/],
    ['an unknown transport', [...from, '--to', 'sip:bob@127.0.0.1:5060;transport=sctp', 'a'], /transport=sctp .* not one of udp, tcp, tls/],
    ['a negative chunk size', [...from, '--to', 'sip:bob@127.0.0.1:5060', '--chunk-size', '-5', 'a'], /--chunk-size expects a number of bytes \(e\.g\. 65536, 64k, 8M\), got '-5'/],
    ['a chunk size over 4 MiB', [...from, '--to', 'sip:bob@127.0.0.1:5060', '--chunk-size', '1G', 'a'], /--chunk-size is at most 4M \(4194304 bytes\), got '1G'/],
  ];
  for (const [what, args, message] of cases) {
    it(`send: ${what}`, async () => {
      const io = memoryIo(dir);
      const fake = fakeClientFactory();
      expect(await runSend(args, io, { createClient: fake.createClient })).toBe(2);
      expect(io.stderr.text).toMatch(message);
      expect(fake.log.options).toHaveLength(0);
    });
  }

  it('4 MiB chunks are accepted', () => {
    expect(parseSendArgs([...from, '--to', 'sip:bob@127.0.0.1:5060', '--chunk-size', '4M', 'a'])).toMatchObject({ ok: true, value: { chunkSize: 4 * 1024 * 1024 } });
  });

  it('receive: negative or unit-less nonsense in numeric options', async () => {
    for (const [args, message] of [
      [['--max-size', '-5'], /--max-size expects a number of bytes \(e\.g\. 65536, 64k, 8M\), got '-5'/],
      [['--max-sessions', '-1'], /--max-sessions expects a count like 16 \(a positive integer\), got '-1'/],
      [['--idle-timeout', '-3'], /--idle-timeout expects a duration like 30s, 500ms or 2m/],
      [['--msrp-setup-timeout', '0'], /--msrp-setup-timeout must be more than 0/],
    ] as Array<[string[], RegExp]>) {
      const io = memoryIo(dir);
      const fake = fakeClientFactory();
      expect(await runReceive(['--sip', '127.0.0.1:0', '--dir', 'in', ...args], io, { createClient: fake.createClient })).toBe(2);
      expect(io.stderr.text).toMatch(message);
      expect(fake.log.options).toHaveLength(0);
    }
  });

  it('the library refuses a chunk size over 4 MiB with a coded error', async () => {
    await expect(createClient({ localUri: 'sip:a@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, chunkSize: 1024 ** 3 }))
      .rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });

  it('a key that does not match its certificate is named in words, not OpenSSL text', async () => {
    for (const n of ['a', 'b']) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `k${n}.pem`), '-out', join(dir, `c${n}.pem`), '-days', '2', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    }
    const io = memoryIo(dir);
    const fake = fakeClientFactory();
    const code = await runReceive(['--sip', '127.0.0.1:0', '--dir', 'in', '--transport', 'tls', '--tls-cert', 'ca.pem', '--tls-key', 'kb.pem'], io, { createClient: fake.createClient });
    expect(code).toBe(2);
    expect(io.stderr.text).toContain("the key in 'kb.pem' does not belong to the certificate in 'ca.pem'");
    expect(io.stderr.text).not.toMatch(/error:[0-9A-F]{8}/);
    expect(fake.log.options).toHaveLength(0);
  });
});
