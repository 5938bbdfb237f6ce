import { afterEach, expect, it } from 'vitest';
import { describeWithPeers } from '../../helpers/system-peers.ts';
import type { Server, Socket } from 'node:net';
import type { Socket as UdpSocket } from 'node:dgram';
import { startCapture, type TsharkCapture } from '../../helpers/tshark-capture.ts';
import { killTrackedChildren, trackedChildCount } from '../../helpers/child-process-registry.ts';
import { msrpHeader } from '../../helpers/msrp-stream-splitter.ts';
import { bindUdp, sendUdp, closeUdp, listenTcp, tcpPort, connectTcp, writeTcp, readUntil, closeServer, endTcp } from '../../helpers/raw-senders.ts';
import { fileOfferSdp, sipInvite, sipResponse, msrpSend, msrpResponse } from '../../helpers/sample-messages.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killTrackedChildren();
});

async function udp(): Promise<UdpSocket> { const s = await bindUdp(); cleanups.push(() => closeUdp(s)); return s; }
async function server(onConnection?: (s: Socket) => void): Promise<Server> { const s = await listenTcp(onConnection); cleanups.push(() => closeServer(s)); return s; }
async function client(port: number): Promise<Socket> { const s = await connectTcp(port); cleanups.push(() => endTcp(s)); return s; }
async function capture(ports: number[]): Promise<TsharkCapture> { const c = await startCapture({ ports }); cleanups.push(() => c.dispose()); return c; }

describeWithPeers(['tshark'], 'tshark capture helper', () => {
  it('decodes SIP+SDP over UDP and TCP and MSRP SEND/200 over TCP, several messages per segment', async () => {
    const sipUdp = await udp();
    const sender = await udp();
    const sipTcp = await server();
    const msrpServer = await server((socket) => {
      // Answer the SEND with a 200 in the same direction-reversed stream, as an MSRP peer would.
      void readUntil(socket, (t) => t.includes('-------tid00002$')).then(() =>
        writeTcp(socket, msrpResponse('tid00001', 200, 'OK', { toPort: 0, fromPort: 0 }) + msrpResponse('tid00002', 200, 'OK', { toPort: 0, fromPort: 0 })));
    });
    const udpPort = sipUdp.address().port;
    const sipTcpPort = tcpPort(sipTcp);
    const msrpPort = tcpPort(msrpServer);
    const cap = await capture([udpPort, sipTcpPort, msrpPort]);

    const offer = fileOfferSdp({ msrpPort: 7654, fileTransferId: 'ftid-udp-1' });
    await sendUdp(sender, udpPort, sipInvite({ transport: 'UDP', targetPort: udpPort, callId: 'call-udp', body: offer }));

    const sip = await client(sipTcpPort);
    // Two SIP messages in one TCP write: the dissector must report both.
    await writeTcp(sip,
      sipInvite({ transport: 'TCP', targetPort: sipTcpPort, callId: 'call-tcp', body: fileOfferSdp({ msrpPort: 7655, fileTransferId: 'ftid-tcp-1' }) })
      + sipResponse({ transport: 'TCP', targetPort: sipTcpPort, callId: 'call-tcp', status: 200, reason: 'OK', cseq: 2, method: 'BYE' }));

    const msrp = await client(msrpPort);
    const replies = readUntil(msrp, (t) => t.includes('-------tid00002$'));
    // Two chunks of one message in a single segment (pipelined chunks, RFC 4975 §5.1).
    await writeTcp(msrp, msrpSend('tid00001', 'hello ', { toPort: msrpPort, fromPort: 7654, flag: '+', range: '1-6/11' })
      + msrpSend('tid00002', 'world', { toPort: msrpPort, fromPort: 7654, range: '7-11/11' }));
    await replies;

    const summary = await cap.decode({ udpSip: [udpPort], tcpSip: [sipTcpPort], tcpMsrp: [msrpPort] });

    const invites = summary.sip.filter((m) => m.method === 'INVITE');
    expect(invites.map((m) => m.callId).sort()).toEqual(['call-tcp', 'call-udp']);
    const udpInvite = invites.find((m) => m.callId === 'call-udp');
    expect(udpInvite?.cseq).toEqual({ seq: 1, method: 'INVITE' });
    const media = udpInvite?.sdp?.media[0];
    expect(media).toMatchObject({ media: 'message', port: 7654, proto: 'TCP/MSRP', formats: ['*'] });
    expect(media?.attributes).toContainEqual({ name: 'sendonly' });
    expect(media?.attributes).toContainEqual({ name: 'file-transfer-id', value: 'ftid-udp-1' });
    expect(media?.attributes).toContainEqual({ name: 'file-selector', value: 'name:"report.pdf" type:application/pdf size:1024' });

    const tcpFrame = summary.frames.find((f) => f.sip.length === 2);
    expect(tcpFrame?.transport).toBe('tcp');
    expect(tcpFrame?.sip[1]).toMatchObject({ kind: 'response', status: 200, cseq: { seq: 2, method: 'BYE' } });
    expect(tcpFrame?.sip[0]?.sdp?.media[0]?.attributes).toContainEqual({ name: 'file-transfer-id', value: 'ftid-tcp-1' });

    expect(summary.msrp.map((m) => [m.tid, m.method ?? m.status, m.flag])).toEqual([
      ['tid00001', 'SEND', '+'], ['tid00002', 'SEND', '$'], ['tid00001', 200, '$'], ['tid00002', 200, '$'],
    ]);
    const first = summary.msrp[0];
    expect(first && msrpHeader(first, 'byte-range')).toBe('1-6/11');
    expect(first?.bodyLength).toBe(6);
    // tshark's own decode agrees on the first message of the segment.
    expect(summary.frames.find((f) => f.msrp.length === 2 && f.msrp[0]?.method === 'SEND')?.tsharkMsrp).toMatchObject({ tid: 'tid00001', method: 'SEND' });
    expect(summary.malformed).toEqual([]);
    expect(summary.expert.filter((e) => e.protocol === 'sip' || e.protocol === 'sdp')).toEqual([]);
  });

  it('flags a malformed SIP message', async () => {
    const rx = await udp();
    const tx = await udp();
    const port = rx.address().port;
    const cap = await capture([port]);
    const bad = sipInvite({ transport: 'UDP', targetPort: port, callId: 'bad-1' }).replace('Content-Length: 0', 'Content-Length: zero');
    await sendUdp(tx, port, bad);
    const summary = await cap.decode({ udpSip: [port] });
    expect(summary.sip).toHaveLength(1);
    expect(summary.malformed).toHaveLength(1);
    expect(summary.malformed[0]?.protocol).toBe('sip');
    expect(summary.frames.find((f) => f.number === summary.malformed[0]?.frame)?.malformed).toBe(true);
  });

  it('stops tshark without leaking the process', async () => {
    const rx = await udp();
    const cap = await startCapture({ ports: [rx.address().port], settleMs: 0 });
    expect(trackedChildCount()).toBe(1);
    await cap.dispose();
    expect(trackedChildCount()).toBe(0);
  });
});
