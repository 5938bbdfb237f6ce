import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/commands/demo.ts';
import { runReceive } from '../../src/cli/commands/receive.ts';
import { runSend } from '../../src/cli/commands/send.ts';
import { parseByteCount } from '../../src/cli/parse-byte-count.ts';
import { parseDemoArgs } from '../../src/cli/parse-demo-args.ts';
import { parseHostPort } from '../../src/cli/parse-host-port.ts';
import { parseReceiveArgs } from '../../src/cli/parse-receive-args.ts';
import { parseSendArgs } from '../../src/cli/parse-send-args.ts';
import { parseSipUri } from '../../src/cli/parse-sip-uri.ts';
import { fakeClientFactory } from './helpers/fake-client.ts';
import { memoryIo } from './helpers/memory-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-args-'));
for (const name of ['a', 'b', 'c', 'd', 'e']) writeFileSync(join(dir, name), name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = ['--from', 'sip:alice@127.0.0.1', '--to', 'sip:bob@127.0.0.1:5070'];

describe('parseSendArgs', () => {
  it('splits --then batches: a b --then c --then d e', () => {
    const parsed = parseSendArgs([...base, 'a', 'b', '--then', 'c', '--then', 'd', 'e']);
    expect(parsed.ok && parsed.value.batches).toEqual([['a', 'b'], ['c'], ['d', 'e']]);
  });

  it('maps one --to to a one-recipient destination with defaults', () => {
    const parsed = parseSendArgs([...base, 'a']);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toMatchObject({
      from: 'sip:alice@127.0.0.1',
      destination: { kind: 'one-recipient', uri: 'sip:bob@127.0.0.1:5070' },
      transport: 'udp', sip: { host: '127.0.0.1', port: 0 }, successReport: false, reuseMlines: true, chunkSize: undefined, logJson: false, proxy: undefined,
    });
  });

  it('maps several --to with --factory to a recipient list', () => {
    const parsed = parseSendArgs(['--from', 'sip:a@h', '--to', 'sip:b@h', '--to', 'sip:c@h', '--factory', 'sip:factory@h', 'a']);
    expect(parsed.ok && parsed.value.destination).toEqual({ kind: 'recipient-list', uris: ['sip:b@h', 'sip:c@h'], factory: 'sip:factory@h' });
  });

  it('maps --group to a predefined group', () => {
    const parsed = parseSendArgs(['--from', 'sip:a@h', '--group', 'sip:team@h', 'a']);
    expect(parsed.ok && parsed.value.destination).toEqual({ kind: 'predefined-group', uri: 'sip:team@h' });
  });

  it('reads every option', () => {
    const parsed = parseSendArgs([...base, '--proxy', 'sip:127.0.0.1:5999', '--transport', 'tcp', '--sip', '127.0.0.1:6000', '--success-report', '--no-reuse', '--chunk-size', '16k', '--peer-tuning', 'off', '--log', 'json', 'a']);
    expect(parsed.ok && parsed.value).toMatchObject({ proxy: 'sip:127.0.0.1:5999', transport: 'tcp', sip: { host: '127.0.0.1', port: 6000 }, successReport: true, reuseMlines: false, chunkSize: 16384, peerTuning: 'off', logJson: true });
    const defaults = parseSendArgs([...base, 'a']);
    expect(defaults.ok && defaults.value.peerTuning).toBe('auto');
  });
});

describe('send usage errors exit 2 with a one-line hint', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown option', [...base, '--bogus', 'a'], /unknown option --bogus; valid options: /],
    ['missing --from', ['--to', 'sip:bob@h', 'a'], /missing --from/],
    ['bad --peer-tuning', [...base, '--peer-tuning', 'fast', 'a'], /--peer-tuning expects auto, off or always, got 'fast'/],
    ['missing --to', ['--from', 'sip:a@h', 'a'], /missing --to/],
    ['no FILE', [...base], /no FILE/],
    ['empty --then', [...base, 'a', '--then'], /--then #1 has no FILE/],
    ['bad --to URI', ['--from', 'sip:a@h', '--to', 'bob@h', 'a'], /--to expects a SIP URI/],
    ['bad --from URI', ['--from', 'http://x', '--to', 'sip:b@h', 'a'], /--from expects a SIP URI/],
    ['bad proxy', [...base, '--proxy', 'proxy:5060', 'a'], /--proxy expects a SIP URI/],
    ['bad chunk size', [...base, '--chunk-size', 'lots', 'a'], /--chunk-size expects a number/],
    ['zero chunk size', [...base, '--chunk-size', '0', 'a'], /--chunk-size must be greater than 0/],
    ['bad transport', [...base, '--transport', 'sctp', 'a'], /--transport expects udp\|tcp\|tls/],
    ['bad --sip port', [...base, '--sip', '127.0.0.1:70000', 'a'], /bad port/],
    ['several --to without factory', [...base, '--to', 'sip:c@h', 'a'], /several --to need --factory/],
    ['--group with --to', [...base, '--group', 'sip:g@h', 'a'], /cannot be combined/],
    ['bad --log', [...base, '--log', 'xml', 'a'], /--log supports only 'json'/],
    ['missing value', [...base, 'a', '--chunk-size'], /--chunk-size needs a value/],
    ['tls without credentials', [...base, '--transport', 'tls', 'a'], /--transport tls needs --tls-cert FILE and --tls-key FILE/],
    ['credentials without tls', [...base, '--tls-cert', 'a', '--tls-key', 'b', 'a'], /need --transport tls/],
    ['unreadable certificate', [...base, '--transport', 'tls', '--tls-cert', 'nope.pem', '--tls-key', 'a', 'a'], /cannot read 'nope.pem': ENOENT/],
  ];
  for (const [title, args, message] of cases) {
    it(title, async () => {
      const io = memoryIo(dir);
      const fake = fakeClientFactory();
      expect(await runSend(args, io, { createClient: fake.createClient })).toBe(2);
      const [first, hint] = io.stderr.text.trimEnd().split('\n');
      expect(first).toMatch(/^cpm-ft send: /);
      expect(first).toMatch(message);
      expect(hint).toBe("(try 'cpm-ft send --help')");
      expect(fake.log.options).toHaveLength(0);
    });
  }

  it('names a missing file and sends nothing', async () => {
    const io = memoryIo(dir);
    const fake = fakeClientFactory();
    expect(await runSend([...base, 'a', '--then', 'missing.bin'], io, { createClient: fake.createClient })).toBe(2);
    expect(io.stderr.text).toContain("cannot send 'missing.bin': no such file");
    expect(fake.log.sends).toHaveLength(0);
  });

  it('refuses a directory', async () => {
    const io = memoryIo(dir);
    expect(await runSend([...base, '.'], io, { createClient: fakeClientFactory().createClient })).toBe(2);
    expect(io.stderr.text).toContain("cannot send '.': is a directory");
  });

  it('prints help on stdout with exit 0', async () => {
    const io = memoryIo(dir);
    expect(await runSend(['--help'], io)).toBe(0);
    expect(io.stdout.text).toMatch(/^usage: cpm-ft send/);
  });
});

describe('receive and demo arguments', () => {
  it('parses receive options', () => {
    const parsed = parseReceiveArgs(['--sip', '127.0.0.1:0', '--dir', 'in', '--transport', 'tcp', '--once', '--max-size', '1M', '--reject', '--log', 'json']);
    expect(parsed.ok && parsed.value).toMatchObject({ sip: { host: '127.0.0.1', port: 0 }, dir: 'in', transport: 'tcp', once: true, maxSize: 1048576, reject: true, logJson: true });
  });

  const receiveCases: [string, string[], RegExp][] = [
    ['missing --sip', ['--dir', 'x'], /missing --sip/],
    ['missing --dir', ['--sip', '127.0.0.1:0'], /missing --dir/],
    ['bad --sip', ['--sip', 'localhost', '--dir', 'x'], /missing port/],
    ['bad --max-size', ['--sip', '127.0.0.1:0', '--dir', 'x', '--max-size=-1'], /--max-size expects a number/],
    ['positional', ['--sip', '127.0.0.1:0', '--dir', 'x', 'extra'], /unexpected argument 'extra': this command takes options only \(.*--dir, /],
    ['unknown option', ['--sip', '127.0.0.1:0', '--dir', 'x', '--forever'], /unknown option --forever; valid options: /],
    ['tls without key', ['--sip', '127.0.0.1:0', '--dir', 'x', '--transport', 'tls', '--tls-cert', 'a'], /needs --tls-cert FILE and --tls-key FILE/],
    ['unreadable key', ['--sip', '127.0.0.1:0', '--dir', 'x', '--transport', 'tls', '--tls-cert', 'a', '--tls-key', 'missing.key'], /cannot read 'missing.key'/],
  ];
  for (const [title, args, message] of receiveCases) {
    it(`receive: ${title} exits 2`, async () => {
      const io = memoryIo(dir);
      expect(await runReceive(args, io, { createClient: fakeClientFactory().createClient })).toBe(2);
      expect(io.stderr.text).toMatch(message);
      expect(io.stderr.text).toMatch(/^cpm-ft receive: .*\n\(try 'cpm-ft receive --help'\)\n$/);
    });
  }

  it('parses demo options and rejects tls and bad sizes', async () => {
    expect(parseDemoArgs([]).ok && parseDemoArgs([])).toMatchObject({ value: { size: 8 * 1024 * 1024, transport: 'udp' } });
    expect(parseDemoArgs(['--size', '1k', '--transport', 'tcp'])).toMatchObject({ ok: true, value: { size: 1024, transport: 'tcp' } });
    const io = memoryIo(dir);
    expect(await runDemo(['--transport', 'tls'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/--transport expects udp\|tcp, got 'tls'/);
    const io2 = memoryIo(dir);
    expect(await runDemo(['--size', 'big'], io2)).toBe(2);
  });
});

describe('value parsers', () => {
  it('byte counts', () => {
    expect(parseByteCount('65536', '--x')).toEqual({ ok: true, value: 65536 });
    expect(parseByteCount('8MiB', '--x')).toEqual({ ok: true, value: 8 * 1024 * 1024 });
    expect(parseByteCount('1.5M', '--x').ok).toBe(false);
    expect(parseByteCount('3 parsecs', '--x').ok).toBe(false);
  });

  it('host and port', () => {
    expect(parseHostPort('[::1]:5060', '--sip')).toEqual({ ok: true, value: { host: '::1', port: 5060 } });
    expect(parseHostPort('example.com:0', '--sip')).toEqual({ ok: true, value: { host: 'example.com', port: 0 } });
    expect(parseHostPort('::1:5060', '--sip').ok).toBe(false);
    expect(parseHostPort('127.0.0.1', '--sip', 0)).toEqual({ ok: true, value: { host: '127.0.0.1', port: 0 } });
  });

  it('SIP URIs', () => {
    for (const good of ['sip:bob@127.0.0.1:5070', 'sips:bob@example.com', 'sip:127.0.0.1:5999', 'sip:bob@[::1]:5070;transport=tcp', 'sip:bob@h;transport=tcp;lr']) {
      expect(parseSipUri(good, '--to').ok, good).toBe(true);
    }
    for (const bad of ['bob@h', 'sip:', 'sip:bob@', 'tel:+123', 'sip:bob@h:99999', 'sip:bob @h']) {
      expect(parseSipUri(bad, '--to').ok, bad).toBe(false);
    }
  });
});

describe('node parseArgs messages are cut to one line', () => {
  it('a negative number after an option is its value, and its parser says what it expects', async () => {
    const io = memoryIo(dir);
    expect(await runReceive(['--sip', '127.0.0.1:0', '--dir', 'x', '--max-size', '-1'], io)).toBe(2);
    expect(io.stderr.text.trimEnd().split('\n')).toEqual(["cpm-ft receive: --max-size expects a number of bytes (e.g. 65536, 64k, 8M), got '-1'", "(try 'cpm-ft receive --help')"]);
  });
});
