// The DNS queries RFC 3263 server location needs, behind an interface so tests can answer them
// from a table, and their node:dns implementation with a configurable server (`--dns-server`).

import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { CpmError } from '../../errors.ts';

export interface NaptrAnswer {
  readonly order: number;
  readonly preference: number;
  readonly flags: string;
  readonly service: string;
  readonly regexp: string;
  readonly replacement: string;
}

export interface SrvAnswer {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

export interface AddressAnswer {
  readonly address: string;
  /** Seconds the answer may be cached (RFC 1035 TTL). */
  readonly ttl: number;
}

/** The lookups of RFC 3263 §4. A name that does not exist answers an empty list, not an error. */
export interface DnsLookups {
  naptr(name: string): Promise<readonly NaptrAnswer[]>;
  srv(name: string): Promise<readonly SrvAnswer[]>;
  /** A then AAAA records of `name`. */
  addresses(name: string): Promise<readonly AddressAnswer[]>;
}

/** Answers that mean "no such records" rather than a failed lookup. */
const noRecords = new Set(['ENOTFOUND', 'ENODATA', 'NOTFOUND', 'NODATA', 'ENONAME']);

async function orEmpty<T>(lookup: Promise<T[]>): Promise<T[]> {
  try {
    return await lookup;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== undefined && noRecords.has(code)) return [];
    throw new CpmError('ERR_SIP_DNS', `DNS lookup failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * `server` is `HOST[:PORT]` (an IP address; IPv6 in brackets when a port follows) of the DNS
 * server to ask instead of the system's resolvers. Timeout per query `timeoutMs` (default 2 s).
 */
export function createDnsLookups(options: { readonly server?: string; readonly timeoutMs?: number } = {}): DnsLookups {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: 2 });
  if (options.server !== undefined) resolver.setServers([dnsServerAddress(options.server)]);
  return {
    naptr: (name) => orEmpty(resolver.resolveNaptr(name)),
    srv: (name) => orEmpty(resolver.resolveSrv(name)),
    addresses: async (name) => {
      const v4 = await orEmpty(resolver.resolve4(name, { ttl: true }));
      // A server that refuses AAAA for a name it gave A records for still gave us addresses.
      const v6 = await orEmpty(resolver.resolve6(name, { ttl: true })).catch((error: unknown) => {
        if (v4.length > 0) return [];
        throw error;
      });
      return [...v4, ...v6];
    },
  };
}

/** Checks a `HOST[:PORT]` DNS server address and writes it as node:dns `setServers` wants it. */
export function dnsServerAddress(server: string): string {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(server);
  const host = bracketed?.[1] ?? (plain !== null ? plain[1] : isIP(server) === 6 ? server : undefined);
  const port = bracketed?.[2] ?? plain?.[2];
  if (host === undefined || isIP(host) === 0 || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    throw new CpmError('ERR_SIP_DNS_SERVER', `DNS server must be an IP address with an optional port (HOST[:PORT], [IPv6]:PORT), got ${JSON.stringify(server)}`);
  }
  if (port === undefined) return host;
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
