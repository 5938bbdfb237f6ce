// A raw SIP peer sends bytes meant to disturb whoever reads the log: DEL, C1 controls, bidi
// overrides and isolates in header values and the body, invalid UTF-8, and a header name that is
// not ASCII. The JSON log (as `--log json` writes it) must carry none of those characters raw,
// must give back the exact text when parsed, and must show invalid UTF-8 as U+FFFD, never as the
// C1 characters and mojibake that a latin1 reading of the bytes would give.
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import { createJsonLog } from '../../src/cli/json-log.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const step of cleanup.splice(0).reverse()) await step(); });

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
/** a, DEL, U+0085 (C1, as UTF-8), U+202E (RLO), U+2066 (LRI), a lone 0xFF (invalid UTF-8), z */
const HOSTILE_BYTES = Buffer.from([0x61, 0x7f, 0xc2, 0x85, 0xe2, 0x80, 0xae, 0xe2, 0x81, 0xa6, 0xff, 0x7a]);
const HOSTILE_TEXT = 'a\u007f\u0085\u202e\u2066\ufffdz';

async function loggingReceiver(): Promise<{ port: number; lines: () => string[] }> {
  const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-logtext-'));
  cleanup.push(() => rm(inbox, { recursive: true, force: true }));
  let written = '';
  const log = createJsonLog({ write: (s: string) => { written += s; return true; } });
  const bob = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, log });
  cleanup.push(() => bob.close());
  bob.receive({ dir: inbox } as Parameters<typeof bob.receive>[0]);
  return { port: bob.sipAddress.port, lines: () => written.split('\n').filter((l) => l !== '') };
}

async function sendDatagram(port: number, datagram: Buffer): Promise<void> {
  const socket = createSocket('udp4');
  cleanup.push(() => { socket.close(); });
  await new Promise<void>((resolve, reject) => socket.send(datagram, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
}

function request(headerLines: Buffer[], body: Buffer): Buffer {
  const crlf = Buffer.from('\r\n');
  const head = [
    'OPTIONS sip:bob@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKlogtext', 'Max-Forwards: 70',
    'From: <sip:mallory@127.0.0.1>;tag=1', 'To: <sip:bob@127.0.0.1>', 'CSeq: 1 OPTIONS', 'Content-Type: text/plain',
  ].map((l) => Buffer.from(l));
  return Buffer.concat([...[...head, ...headerLines, Buffer.from(`Content-Length: ${body.length}`)].flatMap((l) => [l, crlf]), crlf, body]);
}

/** No raw unsafe character on any line; every line is one JSON object. */
function expectSafe(lines: string[]): Array<Record<string, unknown>> {
  for (const line of lines) expect(line).not.toMatch(UNSAFE);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the JSON log with a hostile raw SIP peer', () => {
  it('header values and the body: escaped on the line, exact once parsed, invalid UTF-8 as U+FFFD', async () => {
    const bob = await loggingReceiver();
    await sendDatagram(bob.port, request([Buffer.concat([Buffer.from('Call-ID: '), HOSTILE_BYTES])], HOSTILE_BYTES));
    await expect.poll(() => bob.lines().some((l) => l.includes('"OPTIONS"')), { timeout: 5000 }).toBe(true);
    const events = expectSafe(bob.lines());
    const received = events.find((e) => e['direction'] === 'received' && e['method'] === 'OPTIONS');
    expect(received?.['callId']).toBe(HOSTILE_TEXT);
    expect(received?.['body']).toBe(HOSTILE_TEXT);
    expect(bob.lines().join('\n')).toContain('a\\u007f\\u0085\\u202e\\u2066\ufffdz');
  });

  it('a header name that is not ASCII: the parse error quotes it as UTF-8 (U+FFFD for the invalid byte), not as latin1', async () => {
    const bob = await loggingReceiver();
    // "X-é" in UTF-8, then a lone 0x85: latin1 would show "X-Ã©" and a raw NEL (C1).
    await sendDatagram(bob.port, request([Buffer.from([0x58, 0x2d, 0xc3, 0xa9, 0x85, 0x3a, 0x20, 0x76]), Buffer.from('Call-ID: badname')], Buffer.alloc(0)));
    await expect.poll(() => bob.lines().some((l) => l.includes('invalid header name')), { timeout: 5000 }).toBe(true);
    const events = expectSafe(bob.lines());
    const diagnostic = events.find((e) => String(e['message']).includes('invalid header name'));
    expect(String(diagnostic?.['message'])).toContain('"X-é\ufffd"');
    expect(bob.lines().join('\n')).not.toContain('Ã');
  });
});
