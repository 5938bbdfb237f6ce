import { afterEach, describe, expect, it } from 'vitest';
import {
  cpmIcsi,
  cpmInviteHeaders,
  createRequest,
  createResponseTo,
  createUdpTransport,
  createUserAgent,
  Dialog,
  readCpmHeaders,
  SipHeaders,
  type SipTransport,
} from '../../../runtime/sip/index.ts';

const fakeTransport = { protocol: 'UDP', reliable: false, secure: false } as unknown as SipTransport;

const invite = () =>
  createRequest(
    'INVITE',
    'sip:bob@example.com',
    new SipHeaders()
      .append('Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKd1')
      .append('Record-Route', '<sip:p1.example.com;lr>')
      .append('Record-Route', '<sip:p2.example.com;lr>')
      .append('From', '"Alice" <sip:alice@example.com>;tag=a1')
      .append('To', '<sip:bob@example.com>')
      .append('Call-ID', 'd1')
      .append('CSeq', '10 INVITE')
      .append('Contact', '<sip:alice@192.0.2.1:5070>'),
  );

describe('Dialog (RFC 3261 §12)', () => {
  it('UAC: reverses Record-Route, targets the Contact and ACKs with the INVITE CSeq', () => {
    const inv = invite();
    const ok = createResponseTo(inv, 200, { toTag: 'b1', headers: [{ name: 'Contact', value: '<sip:bob@192.0.2.9>' }] });
    for (const rr of inv.headers.getAll('Record-Route')) ok.headers.append('Record-Route', rr);
    const d = Dialog.fromUac(inv, ok, fakeTransport)!;
    expect(d.id).toEqual({ callId: 'd1', localTag: 'a1', remoteTag: 'b1' });
    expect(d.routeSet).toEqual(['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
    const ack = d.createAck();
    expect(ack.uri).toBe('sip:bob@192.0.2.9');
    expect(ack.headers.get('CSeq')).toBe('10 ACK');
    expect(ack.headers.getAll('Route')).toEqual(['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
    const bye = d.createRequest('BYE');
    expect(bye.headers.get('CSeq')).toBe('11 BYE');
    expect(bye.headers.get('From')).toBe('"Alice" <sip:alice@example.com>;tag=a1');
    expect(bye.headers.get('To')).toBe('<sip:bob@example.com>;tag=b1');
  });

  it('UAS: keeps Record-Route order, and strict routing puts the first route in the Request-URI', () => {
    const inv = invite();
    inv.headers.set('Record-Route', '<sip:strict.example.com>');
    const d = Dialog.fromUas(inv, 'b9', fakeTransport)!;
    expect(d.remoteSeq).toBe(10);
    const bye = d.createRequest('BYE');
    expect(bye.uri).toBe('sip:strict.example.com');
    expect(bye.headers.getAll('Route')).toEqual(['<sip:alice@192.0.2.1:5070>']);
    expect(bye.headers.get('To')).toBe('"Alice" <sip:alice@example.com>;tag=a1');
  });
});

describe('CPM headers', () => {
  it('adds the file-transfer ICSI, Conversation-ID and Contribution-ID, and reads them back', () => {
    const built = cpmInviteHeaders({ conversationId: 'conv-1' });
    const headers = new SipHeaders(built.headers);
    expect(headers.get('Accept-Contact')).toBe('*;+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer";require;explicit');
    expect(headers.get('P-Preferred-Service')).toBe(cpmIcsi.fileTransfer);
    expect(built.contributionId).toMatch(/^[0-9a-f-]{36}$/);
    const info = readCpmHeaders(headers);
    expect(info).toMatchObject({ conversationId: 'conv-1', contributionId: built.contributionId, isFileTransfer: true });
    expect(info.icsis).toEqual([cpmIcsi.fileTransfer]);
    expect(readCpmHeaders(new SipHeaders([{ name: 'P-Asserted-Service', value: cpmIcsi.session }])).isFileTransfer).toBe(false);
  });
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('re-INVITE glare (RFC 3261 §14.2)', () => {
  it('answers 491 to a re-INVITE that crosses our own', async () => {
    const mk = async (name: string, accept: boolean) => {
      const transport = await createUdpTransport();
      const ua = createUserAgent({
        transports: [transport],
        localUri: `sip:${name}@127.0.0.1`,
        timers: { T1: 50, T2: 400, T4: 500 },
        delegate: accept ? { onInvite: (i) => void i.accept('v=0\r\n'), onReinvite: (_d, i) => void i.accept('v=0\r\n') } : { onReinvite: (_d, i) => void i.accept('v=0\r\n') },
      });
      cleanups.push(async () => {
        ua.close();
        await transport.close();
      });
      return { ua, transport };
    };
    const bob = await mk('bob', true);
    const alice = await mk('alice', false);
    const res = await alice.ua.invite(`sip:bob@127.0.0.1:${bob.transport.local.port}`);
    if (res.kind !== 'accepted') throw new Error('expected accept');
    const bobDialog = [...bob.ua.dialogs.values()][0]!;
    const [a, b] = await Promise.all([alice.ua.reinvite(res.dialog, 'v=0\r\n'), bob.ua.reinvite(bobDialog, 'v=0\r\n')]);
    expect(a.response.status).toBe(491);
    expect(b.response.status).toBe(491);
    // Afterwards a re-INVITE goes through.
    const again = await alice.ua.reinvite(res.dialog, 'v=0\r\n');
    expect(again.response.status).toBe(200);
    await alice.ua.bye(res.dialog);
  });
});
