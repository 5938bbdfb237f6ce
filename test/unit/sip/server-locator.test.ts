// RFC 3263 server location against a table of DNS answers: NAPTR picks the transport, SRV orders
// targets by priority and weight, A/AAAA gives addresses, sips: keeps TLS only, answers are cached
// for their TTL, and node:dns is really asked when a DNS server address is given.
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../runtime/clock.ts';
import { createDnsLookups, dnsServerAddress, type DnsLookups, type NaptrAnswer, type SrvAnswer } from '../../../runtime/sip/locate/dns-lookups.ts';
import { ServerLocator } from '../../../runtime/sip/locate/server-locator.ts';
import { parseSipUri, type SipUri } from '../../../runtime/sip/syntax/sip-uri.ts';

const uri = (s: string): SipUri => {
  const r = parseSipUri(s);
  if (!r.ok) throw r.error;
  return r.value;
};

interface Zone {
  naptr?: Record<string, NaptrAnswer[]>;
  srv?: Record<string, SrvAnswer[]>;
  a?: Record<string, { address: string; ttl: number }[]>;
}

function fakeLookups(zone: Zone): DnsLookups & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    naptr: async (name) => (asked.push(`NAPTR ${name}`), zone.naptr?.[name] ?? []),
    srv: async (name) => (asked.push(`SRV ${name}`), zone.srv?.[name] ?? []),
    addresses: async (name) => (asked.push(`A ${name}`), zone.a?.[name] ?? []),
  };
}

const naptr = (order: number, preference: number, service: string, replacement: string): NaptrAnswer => ({ order, preference, flags: 's', service, regexp: '', replacement });
const srv = (name: string, port: number, priority = 10, weight = 0): SrvAnswer => ({ name, port, priority, weight });

const zone: Zone = {
  naptr: {
    'example.test': [
      naptr(20, 10, 'SIP+D2U', '_sip._udp.example.test'),
      naptr(10, 10, 'SIP+D2T', '_sip._tcp.example.test'),
      naptr(30, 10, 'SIPS+D2T', '_sips._tcp.example.test'),
    ],
  },
  srv: {
    '_sip._tcp.example.test': [srv('b.example.test', 5082, 20), srv('a.example.test', 5080, 10)],
    '_sip._udp.example.test': [srv('a.example.test', 5090)],
    '_sips._tcp.example.test': [srv('a.example.test', 5091)],
  },
  a: { 'a.example.test': [{ address: '127.0.0.2', ttl: 60 }], 'b.example.test': [{ address: '127.0.0.3', ttl: 30 }], 'plain.test': [{ address: '127.0.0.4', ttl: 5 }] },
};

describe('RFC 3263 server location', () => {
  it('NAPTR order picks the transport, SRV priority the targets (the next ones are failover)', async () => {
    const locator = new ServerLocator({ lookups: fakeLookups(zone) });
    expect(await locator.locate(uri('sip:bob@example.test'), ['TCP', 'UDP'])).toEqual([
      { protocol: 'TCP', host: '127.0.0.2', port: 5080 },
      { protocol: 'TCP', host: '127.0.0.3', port: 5082 },
      { protocol: 'UDP', host: '127.0.0.2', port: 5090 },
    ]);
    // Only the services of transports we have are used.
    expect(await locator.locate(uri('sip:bob@example.test'), ['UDP'])).toEqual([{ protocol: 'UDP', host: '127.0.0.2', port: 5090 }]);
  });

  it('sips: keeps TLS targets only and fails without a TLS transport', async () => {
    const locator = new ServerLocator({ lookups: fakeLookups(zone) });
    expect(await locator.locate(uri('sips:bob@example.test'), ['TLS'])).toEqual([{ protocol: 'TLS', host: '127.0.0.2', port: 5091 }]);
    await expect(locator.locate(uri('sips:bob@example.test'), ['UDP'])).rejects.toMatchObject({ code: 'ERR_SIP_NO_TRANSPORT' });
  });

  it('a transport parameter skips NAPTR; an explicit port or a numeric host skips SRV', async () => {
    const lookups = fakeLookups(zone);
    const locator = new ServerLocator({ lookups });
    expect(await locator.locate(uri('sip:bob@example.test;transport=udp'), ['UDP', 'TCP'])).toEqual([{ protocol: 'UDP', host: '127.0.0.2', port: 5090 }]);
    expect(lookups.asked).toEqual(['SRV _sip._udp.example.test', 'A a.example.test']);
    expect(await locator.locate(uri('sip:bob@a.example.test:7000'), ['TCP'])).toEqual([{ protocol: 'TCP', host: '127.0.0.2', port: 7000 }]);
    expect(await locator.locate(uri('sip:bob@127.0.0.9;transport=tcp'), ['UDP', 'TCP'])).toEqual([{ protocol: 'TCP', host: '127.0.0.9', port: 5060 }]);
  });

  it('without NAPTR tries SRV per transport, then the A record at the default port', async () => {
    const lookups = fakeLookups(zone);
    const locator = new ServerLocator({ lookups });
    expect(await locator.locate(uri('sip:plain.test'), ['UDP', 'TCP'])).toEqual([{ protocol: 'UDP', host: '127.0.0.4', port: 5060 }]);
    expect(lookups.asked).toEqual(['NAPTR plain.test', 'SRV _sip._udp.plain.test', 'SRV _sip._tcp.plain.test', 'A plain.test']);
    await expect(locator.locate(uri('sip:nowhere.test'), ['UDP'])).rejects.toMatchObject({ code: 'ERR_SIP_DNS' });
  });

  it('SRV weights order equal priorities by a weighted draw (RFC 2782)', async () => {
    const weighted: Zone = { ...zone, naptr: {}, srv: { '_sip._udp.w.test': [srv('a.example.test', 1, 10, 1), srv('b.example.test', 2, 10, 99)] } };
    const low = new ServerLocator({ lookups: fakeLookups(weighted), random: () => 0 });
    expect((await low.locate(uri('sip:w.test'), ['UDP'])).map((t) => t.port)).toEqual([1, 2]);
    const high = new ServerLocator({ lookups: fakeLookups(weighted), random: () => 0.5 });
    expect((await high.locate(uri('sip:w.test'), ['UDP'])).map((t) => t.port)).toEqual([2, 1]);
  });

  it('answers are reused until the smallest TTL runs out', async () => {
    const lookups = fakeLookups(zone);
    const clock = createFakeClock();
    const locator = new ServerLocator({ lookups, clock });
    await locator.locate(uri('sip:bob@example.test'), ['TCP']);
    const first = lookups.asked.length;
    clock.advance(29_000);
    await locator.locate(uri('sip:bob@example.test'), ['TCP']);
    expect(lookups.asked.length).toBe(first);
    clock.advance(2_000);
    await locator.locate(uri('sip:bob@example.test'), ['TCP']);
    expect(lookups.asked.length).toBe(2 * first);
  });

  it('checks the --dns-server address', () => {
    expect(dnsServerAddress('127.0.0.1:5353')).toBe('127.0.0.1:5353');
    expect(dnsServerAddress('[::1]:53')).toBe('[::1]:53');
    expect(dnsServerAddress('::1')).toBe('::1');
    expect(() => dnsServerAddress('dns.example:53')).toThrow(expect.objectContaining({ code: 'ERR_SIP_DNS_SERVER' }));
    expect(() => dnsServerAddress('127.0.0.1:99999')).toThrow(expect.objectContaining({ code: 'ERR_SIP_DNS_SERVER' }));
  });

  it('node:dns asks the configured server (a name it does not know is an empty answer)', async () => {
    // A tiny DNS server answering every query NXDOMAIN: proves the query went to it.
    const socket = createSocket('udp4');
    const seen: string[] = [];
    socket.on('message', (msg, rinfo) => {
      seen.push(msg.subarray(12, msg.length - 4).toString('latin1'));
      const reply = Buffer.from(msg);
      reply[2] = 0x81;
      reply[3] = 0x83; // QR, RD, RA, RCODE 3 (NXDOMAIN)
      socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    try {
      const lookups = createDnsLookups({ server: `127.0.0.1:${socket.address().port}` });
      expect(await lookups.srv('_sip._udp.nothing.test')).toEqual([]);
      expect(seen.some((q) => q.includes('nothing'))).toBe(true);
    } finally {
      socket.close();
    }
  });
});
