// The receiver's bounds on m-lines and files (ClientLimits.maxMlinesPerSession,
// maxOpenFilesPerSession, maxOpenFiles), over real SIP sockets: an offer beyond a bound is refused
// whole with a Warning (RFC 3261 §20.43, code 399) naming it, before any file is looked at; a dialog
// cannot grow past the bound by re-INVITEs; accepted m-lines create no temporary file until data comes.

import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { limitedReceiver, trackedOfferer, type LimitedReceiver } from './limited-receiver.ts';
import { inspectClient } from '../../src/client.ts';
import type { ClientLimits } from '../../src/client-types.ts';
import { parseWarningTexts } from '../../runtime/sip/syntax/warning-header.ts';
import type { InviteResult } from '../../runtime/index.ts';
import { newSid, sha1Selector, type RawOfferer } from './raw-offerer.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const receiver = (limits: ClientLimits): Promise<LimitedReceiver> => limitedReceiver(cleanup, limits, 'cpm-ft-mlines-');
const peer = (uri: string): Promise<RawOfferer> => trackedOfferer(cleanup, uri);

/** One pushed-file m-line; a=setup:active so the receiver only waits (nothing connects). */
function mline(port = 9, transferId = randomBytes(12).toString('base64url')): string[] {
  const data = randomBytes(32);
  if (port === 0) return ['m=message 0 TCP/MSRP *', 'a=accept-types:application/octet-stream'];
  return [
    `m=message ${port} TCP/MSRP *`,
    'a=accept-types:application/octet-stream',
    `a=path:msrp://127.0.0.1:${port}/${newSid()};tcp`,
    'a=setup:active',
    'a=sendonly',
    `a=file-selector:name:"f.bin" type:application/octet-stream size:${data.length} hash:sha-1:${sha1Selector(data)}`,
    `a=file-transfer-id:${transferId}`,
  ];
}

function sdp(version: number, lines: string[][]): string {
  return ['v=0', `o=- 1 ${version} IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...lines.flat(), ''].join('\r\n');
}

const many = (n: number): string[][] => Array.from({ length: n }, () => mline());

function warnings(result: InviteResult | { response: { headers: { getAll(name: string): string[] } } }): string[] {
  return parseWarningTexts(result.response.headers.getAll('Warning'));
}

const parts = async (inbox: string): Promise<string[]> => (await readdir(inbox)).filter((n) => n.endsWith('.part'));

describe('m-line and file bounds of the receiver', () => {
  it('an INVITE with more m-lines than maxMlinesPerSession gets 488 with a Warning; nothing is planned', async () => {
    const bob = await receiver({ maxMlinesPerSession: 8 });
    const alice = await peer('sip:alice@127.0.0.1');
    const result = await alice.invite(bob.uri, sdp(1, many(9)));
    expect(result.kind).toBe('rejected');
    expect(result.response.status).toBe(488);
    expect(result.response.headers.get('Warning')).toMatch(/^399 127\.0\.0\.1 "/);
    expect(warnings(result)).toEqual(['9 m-lines offered; this receiver takes at most 8 per session']);
    expect(bob.logs.filter((e) => e.kind === 'file' && e['event'] === 'offer')).toHaveLength(0);
    expect(bob.logs.find((e) => e.kind === 'file' && e['event'] === 'offer-refused')).toMatchObject({ status: 488, limit: 'maxMlinesPerSession' });
    // At the bound it is served.
    const ok = await alice.invite(bob.uri, sdp(1, many(8)));
    expect(ok.kind).toBe('accepted');
  });

  it('accepted m-lines create no temporary file at answer time; files over maxOpenFiles get 503 + Retry-After + Warning', async () => {
    const bob = await receiver({ maxOpenFiles: 5 });
    const alice = await peer('sip:alice@127.0.0.1');
    const first = await alice.invite(bob.uri, sdp(1, many(3)));
    expect(first.kind).toBe('accepted');
    // The sender has not connected: no descriptor and no .part per accepted m-line yet.
    expect(await parts(bob.inbox)).toEqual([]);
    const over = await alice.invite(bob.uri, sdp(1, many(3)));
    expect(over.response.status).toBe(503);
    expect(Number(over.response.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(warnings(over)).toEqual(['this receiver holds 3 of at most 5 files; try again later']);
    const receiverInternals = inspectClient(bob.client)?.receivers[0];
    expect(receiverInternals?.heldFiles).toBe(3);
    // The refused INVITE held no session slot either.
    expect(receiverInternals?.heldSessions.total).toBe(1);
    // Ending the session gives its files back.
    if (first.kind !== 'accepted') throw new Error('unreachable');
    const ended = new Promise<void>((resolve) => bob.client.once('session-end', () => resolve()));
    await alice.ua.bye(first.dialog);
    await ended;
    expect(receiverInternals?.heldFiles).toBe(0);
    expect((await alice.invite(bob.uri, sdp(1, many(5)))).kind).toBe('accepted');
  });

  it('a dialog cannot grow past the bounds by re-INVITEs: neither by adding m-lines nor by reusing closed ones', async () => {
    const bob = await receiver({ maxMlinesPerSession: 4, maxOpenFilesPerSession: 3 });
    const alice = await peer('sip:alice@127.0.0.1');
    const lines = many(2);
    const first = await alice.invite(bob.uri, sdp(1, lines));
    if (first.kind !== 'accepted') throw new Error(`INVITE answered ${first.response.status}`);
    // One m-line more: 3 files held, within both bounds.
    lines.push(mline());
    expect((await alice.ua.reinvite(first.dialog, sdp(2, lines), 'application/sdp')).response.status).toBe(200);
    // A fourth live m-line would hold 4 files at once: over maxOpenFilesPerSession.
    lines.push(mline());
    const tooMany = await alice.ua.reinvite(first.dialog, sdp(3, lines), 'application/sdp');
    expect(tooMany.response.status).toBe(488);
    expect(parseWarningTexts(tooMany.response.headers.getAll('Warning'))).toEqual(['4 files at once in one session; this receiver takes at most 3']);
    // Closing one and reusing another slot: 4 files started in the dialog, the bound.
    lines[3] = mline(0);
    lines[0] = mline(0);
    expect((await alice.ua.reinvite(first.dialog, sdp(4, lines), 'application/sdp')).response.status).toBe(200);
    lines[0] = mline();
    expect((await alice.ua.reinvite(first.dialog, sdp(5, lines), 'application/sdp')).response.status).toBe(200);
    // Reusing a slot once more would start a fifth file in the dialog.
    lines[0] = mline(0);
    expect((await alice.ua.reinvite(first.dialog, sdp(6, lines), 'application/sdp')).response.status).toBe(200);
    lines[0] = mline();
    const fifth = await alice.ua.reinvite(first.dialog, sdp(7, lines), 'application/sdp');
    expect(fifth.response.status).toBe(488);
    expect(parseWarningTexts(fifth.response.headers.getAll('Warning'))).toEqual(['5 files offered in this session; this receiver takes at most 4 per session']);
    // A fifth m-line is refused by its count alone.
    lines[0] = mline(0);
    lines.push(mline(0));
    const fiveLines = await alice.ua.reinvite(first.dialog, sdp(8, lines), 'application/sdp');
    expect(fiveLines.response.status).toBe(488);
    expect(parseWarningTexts(fiveLines.response.headers.getAll('Warning'))).toEqual(['5 m-lines offered; this receiver takes at most 4 per session']);
    expect(await parts(bob.inbox)).toEqual([]);
  });
});
