// Peer text in human output: every C0/C1 control, DEL and bidi control in file names, display
// names, URIs and reasons comes out escaped (`\x1b`, `\u202e`), so a peer can neither drive the
// operator's terminal nor forge log lines; the JSON log keeps the exact text.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReceive } from '../../src/cli/commands/receive.ts';
import { runSend } from '../../src/cli/commands/send.ts';
import { createJsonLog } from '../../src/cli/json-log.ts';
import { safeText } from '../../src/safe-text.ts';
import { fakeClientFactory, type FakeClient } from './helpers/fake-client.ts';
import { memoryIo } from './helpers/memory-io.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-safe-text-'));
writeFileSync(join(root, 'a.txt'), 'alpha');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const codes = (from: number, to: number): string => String.fromCharCode(...Array.from({ length: to - from + 1 }, (_, i) => from + i));
/** Every character that must never reach a terminal raw. */
const HOSTILE = codes(0x00, 0x1f) + '\u007f' + codes(0x80, 0x9f) + '\u061c\u200e\u200f\u2028\u2029' + codes(0x202a, 0x202e) + codes(0x2066, 0x2069) + '\ufeff';
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Output lines, newline kept as the only allowed control. */
const withoutNewlines = (text: string): string => text.replace(/\n/g, '');

describe('safeText', () => {
  it('escapes every control and bidi character and leaves other text alone', () => {
    const escaped = safeText(`evil${HOSTILE}.txt façade 名前`);
    expect(escaped).not.toMatch(UNSAFE);
    expect(escaped).toContain('\\x00');
    expect(escaped).toContain('\\x1b');
    expect(escaped).toContain('\\x9b');
    expect(escaped).toContain('\\u202e');
    expect(escaped).toContain('\\u2066');
    expect(escaped.startsWith('evil\\x00\\x01')).toBe(true);
    expect(escaped.endsWith('.txt façade 名前')).toBe(true);
    for (const ch of HOSTILE) expect(safeText(ch)).toMatch(/^\\(x[0-9a-f]{2}|u[0-9a-f]{4})$/);
  });
});

describe('human output of the commands', () => {
  it('receive: names, display names, URIs and reasons are escaped', async () => {
    const io = memoryIo(root);
    const fake = fakeClientFactory();
    const running = runReceive(['--sip', '127.0.0.1:0', '--dir', 'inbox', '--once'], io, { createClient: fake.createClient });
    for (let i = 0; i < 100 && fake.log.receives.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const client = fake.log.clients[0] as FakeClient;
    const from = `sip:mal${HOSTILE}@127.0.0.1`;
    const offer = { from, fromName: `Bob${HOSTILE}`, size: 5, type: 'text/plain', hash: 'AB', transferId: 't1' };
    client.emit('offer', { ...offer, name: `declined${HOSTILE}.txt`, accepted: false });
    client.emit('offer', { ...offer, transferId: 't2', name: `got${HOSTILE}.txt`, accepted: true });
    client.emit('file-received', { transferId: 't2', path: join(root, 'inbox', 'got.txt'), size: 5, hash: 'AB:CD' });
    client.emit('file-failed', { transferId: 't3', name: `lost${HOSTILE}.txt`, reason: `the sender said ${HOSTILE}` });
    client.emit('session-end', { from, files: 1, reason: `because ${HOSTILE}` });
    expect(await running).toBe(1);
    const text = io.stdout.text;
    expect(withoutNewlines(text)).not.toMatch(UNSAFE);
    expect(text).toContain('declined declined\\x00');
    expect(text).toContain('"Bob\\x00');
    expect(text).toContain('received got\\x00');
    expect(text).toContain('failed lost\\x00');
    expect(text).toContain('session from sip:mal\\x00');
    expect(text).toContain('because \\x00');
    // One line per event: the LF and CR inside the names did not split or rewrite lines.
    expect(text.split('\n').filter((l) => l !== '').length).toBe(5);
  });

  it('send: the receiver\'s reason phrase in a failure is escaped', async () => {
    const io = memoryIo(root);
    const fake = fakeClientFactory(new Map([['a.txt', { source: 'sip-response', code: 'ERR_SIP_REJECTED', status: 603, message: `603 Decline${HOSTILE}` }]]));
    expect(await runSend(['--from', 'sip:alice@127.0.0.1', '--to', 'sip:bob@127.0.0.1:5070', 'a.txt'], io, { createClient: fake.createClient })).toBe(1);
    const text = io.stderr.text + io.stdout.text;
    expect(text).toContain('file transfer failed: a.txt: SIP 603: Decline\\x00');
    expect(withoutNewlines(text)).not.toMatch(UNSAFE);
  });

  it('the JSON log keeps peer text exact', () => {
    let written = '';
    const log = createJsonLog({ write: (s: string) => { written += s; return true; } } as never);
    log({ kind: 'file', event: 'received', name: `got${HOSTILE}.txt` });
    expect(JSON.parse(written.trim()).name).toBe(`got${HOSTILE}.txt`);
  });

  it('the JSON log carries no raw control, C1 or bidi character: each is a \\u escape', () => {
    let written = '';
    const log = createJsonLog({ write: (s: string) => { written += s; return true; } } as never);
    log({ kind: 'sip', callId: `x${HOSTILE}y`, nested: { values: [`z${HOSTILE}`] } });
    expect(withoutNewlines(written)).not.toMatch(UNSAFE);
    expect(written.trim().split('\n')).toHaveLength(1);
    expect(written).toContain('\\u007f\\u0080');
    expect(written).toContain('\\u202e');
    const parsed = JSON.parse(written) as { callId: string; nested: { values: string[] } };
    expect(parsed.callId).toBe(`x${HOSTILE}y`);
    expect(parsed.nested.values[0]).toBe(`z${HOSTILE}`);
  });
});
