// The scripted peer, driven by a hand-played sender: RFC 5547 answers, rejections, MSRP responses
// and REPORTs as scripted, and a wire record in order.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScriptedPeer, type ScriptedPeer } from '../../../runtime/testing/conformance/scripted-peer.ts';
import type { MsrpWireEntry, SipWireEntry } from '../../../runtime/testing/conformance/wire-record.ts';
import { HandSender, fileMline, offer } from './hand-driven-sender.ts';

let peer: ScriptedPeer;
let sender: HandSender;
beforeEach(async () => {
  peer = await createScriptedPeer();
  sender = await HandSender.create(peer);
});
afterEach(async () => {
  await sender.close();
  await peer.close();
});

const twoFiles = offer([fileMline({ name: 'a.txt', size: 10 }, 'tid-a', 0), fileMline({ name: 'b.txt', size: 20 }, 'tid-b', 1)]);
const answerOf = (p: ScriptedPeer): SipWireEntry | undefined => p.record.sip().find((e) => e.from === 'peer' && e.status === 200 && e.method === 'INVITE');
const msrpFromPeer = (p: ScriptedPeer): MsrpWireEntry[] => p.record.msrp().filter((e) => e.from === 'peer');

describe('scripted peer: SIP', () => {
  it('answers an RFC 5547 offer per m-line: recvonly, selector and transfer id echoed, its own path, passive', async () => {
    expect(await sender.invite(peer.uris.recipient, twoFiles)).toBe(200);
    const lines = answerOf(peer)?.sdp?.mlines ?? [];
    expect(lines.map((m) => [m.port, m.proto, m.direction, m.setup, m.fileTransferId])).toEqual([
      [peer.msrpPort, 'TCP/MSRP', 'recvonly', 'passive', 'tid-a'],
      [peer.msrpPort, 'TCP/MSRP', 'recvonly', 'passive', 'tid-b'],
    ]);
    expect(lines[0]?.fileSelector).toContain('name:"a.txt"');
    const paths = lines.map((m) => m.path[0] ?? '');
    expect(paths[0]).toMatch(new RegExp(`^msrp://127\\.0\\.0\\.1:${peer.msrpPort}/[^;]+;tcp$`));
    expect(new Set(paths).size).toBe(2);
    expect(peer.slots().map((s) => s.file)).toEqual([{ name: 'a.txt', fileTransferId: 'tid-a' }, { name: 'b.txt', fileTransferId: 'tid-b' }]);
  });

  it('refuses a scripted file with port 0 and a whole INVITE with the scripted status', async () => {
    peer.setScript({ rejectFiles: ['b.txt'] });
    expect(await sender.invite(peer.uris.recipient, twoFiles)).toBe(200);
    expect(answerOf(peer)?.sdp?.mlines.map((m) => m.port)).toEqual([peer.msrpPort, 0]);
    await sender.bye();
    peer.setScript({ inviteStatus: 486 });
    expect(await sender.invite(peer.uris.recipient, twoFiles)).toBe(486);
  });

  it('keeps an unchanged m-line, gives a reused one a new session and closes port-0 ones in a re-INVITE', async () => {
    await sender.invite(peer.uris.recipient, twoFiles);
    const first = answerOf(peer)?.sdp?.mlines ?? [];
    const re = offer([fileMline({ name: 'c.txt', size: 30 }, 'tid-c', 0), fileMline({ name: 'b.txt', size: 20 }, 'tid-b', 1, 0)], 2);
    expect(await sender.reinvite(re)).toBe(200);
    const answers = peer.record.sip().filter((e) => e.from === 'peer' && e.status === 200 && e.method === 'INVITE');
    const second = answers[answers.length - 1]?.sdp?.mlines ?? [];
    expect(second.map((m) => m.port)).toEqual([peer.msrpPort, 0]);
    expect(second[0]?.fileTransferId).toBe('tid-c');
    expect(second[0]?.path).not.toEqual(first[0]?.path);
    const reinvite = peer.record.sip().find((e) => e.from === 'sender' && e.method === 'INVITE' && e.inDialog);
    expect(reinvite?.sdp?.mlines.map((m) => m.port)).toEqual([9, 0]);
  });

  it('records SIP both ways with parsed SDP and a rising sequence number; answers BYE 200', async () => {
    await sender.invite(peer.uris.factory, twoFiles, ['sip:carol@example.com']);
    expect(await sender.bye()).toBe(200);
    const sip = peer.record.sip();
    expect(sip.map((e) => `${e.from}:${e.kind === 'request' ? e.method : e.status}`).filter((s) => !s.endsWith(':100'))).toEqual([
      'sender:INVITE', 'peer:200', 'sender:ACK', 'sender:BYE', 'peer:200',
    ]);
    const invite = sip[0];
    expect(invite?.requestUri).toBe(peer.uris.factory);
    expect(invite?.parts.map((p) => [p.contentType, p.disposition])).toEqual([['application/sdp', undefined], ['application/resource-lists+xml', 'recipient-list']]);
    expect(invite?.sdp?.mlines).toHaveLength(2);
    const seqs = peer.record.entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});

describe('scripted peer: MSRP', () => {
  it('answers SENDs 200 and sends the success REPORT asked for, after the scripted delay', async () => {
    peer.setScript({ successReportDelayMs: 120 });
    await sender.invite(peer.uris.recipient, twoFiles);
    const started = Date.now();
    await sender.sendFile(0, 10, { successReport: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    await sender.sendFile(1, 20);
    const fromPeer = msrpFromPeer(peer).map((e) => [e.kind === 'request' ? e.method : e.status, e.reportStatus?.code, e.file?.name]);
    expect(fromPeer).toEqual([[200, undefined, 'a.txt'], ['REPORT', 200, 'a.txt'], [200, undefined, 'b.txt']]);
    const report = msrpFromPeer(peer).find((e) => e.method === 'REPORT');
    expect(report?.byteRange).toBe('1-10/10');
    const send = peer.record.msrp().find((e) => e.from === 'sender' && e.file?.name === 'a.txt');
    expect([send?.method, send?.byteRange, send?.successReport, send?.bodyLength, send?.flag]).toEqual(['SEND', '1-10/10', 'yes', 10, '$']);
  });

  it('answers a chosen file with the scripted error status and another with a failure REPORT', async () => {
    peer.setScript({ files: { 'a.txt': { sendStatus: 413 }, 'b.txt': { failureReport: 415 } } });
    await sender.invite(peer.uris.recipient, twoFiles);
    await sender.sendFile(0, 10);
    await sender.sendFile(1, 20);
    const fromPeer = msrpFromPeer(peer).map((e) => [e.kind === 'request' ? e.method : e.status, e.reportStatus?.code, e.file?.name]);
    expect(fromPeer).toEqual([[413, undefined, 'a.txt'], ['REPORT', 415, 'b.txt'], [200, undefined, 'b.txt']]);
  });

  it('can send the failure REPORT after the last chunk\'s 200 instead', async () => {
    peer.setScript({ files: { 'b.txt': { failureReport: 415, failureReportTiming: 'after-response' } } });
    await sender.invite(peer.uris.recipient, twoFiles);
    await sender.sendFile(1, 20);
    await peer.record.waitFor((e) => e.protocol === 'msrp' && e.method === 'REPORT', 1000, 'the failure REPORT');
    expect(msrpFromPeer(peer).map((e) => (e.kind === 'request' ? e.method : e.status))).toEqual([200, 'REPORT']);
  });

  it('answers 481 to a SEND for a session it does not know', async () => {
    await sender.invite(peer.uris.recipient, twoFiles);
    sender.answerPaths = [[`msrp://127.0.0.1:${peer.msrpPort}/nosuchsession;tcp`]];
    await sender.sendFile(0, 5);
    expect(msrpFromPeer(peer).map((e) => e.status)).toEqual([481]);
  });

  it('times out a wait that nothing satisfies', async () => {
    await expect(peer.record.waitFor((e) => e.protocol === 'msrp', 30, 'an MSRP message')).rejects.toThrow(/timed out after 30 ms waiting for an MSRP message/);
  });
});

describe('scripted peer: active role', () => {
  it('answers setup:active to an offer that insists on passive, then connects and sends a bind SEND', async () => {
    const { createServer } = await import('node:net');
    const received: Buffer[] = [];
    const server = createServer((socket) => socket.on('data', (d: Buffer) => received.push(d)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    const port = address !== null && typeof address === 'object' ? address.port : 0;
    try {
      const line = fileMline({ name: 'a.txt', size: 10 }, 'tid-a', 0, port).replace('a=setup:actpass', 'a=setup:passive').replace('msrp://127.0.0.1:9/', `msrp://127.0.0.1:${port}/`);
      expect(await sender.invite(peer.uris.recipient, offer([line]))).toBe(200);
      expect(answerOf(peer)?.sdp?.mlines[0]?.setup).toBe('active');
      const bind = await peer.record.waitFor((e) => e.protocol === 'msrp' && e.from === 'peer' && e.method === 'SEND', 2000, 'the bind SEND');
      expect(bind.protocol === 'msrp' ? [bind.byteRange, bind.toPath[0]] : []).toEqual(['1-0/0', `msrp://127.0.0.1:${port}/hand0xtid-a;tcp`]);
      await new Promise((r) => setTimeout(r, 20));
      expect(Buffer.concat(received).toString('latin1')).toMatch(/^MSRP \w+ SEND\r\nTo-Path: msrp:\/\/127\.0\.0\.1:\d+\/hand0xtid-a;tcp\r\n/);
    } finally {
      await peer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
