// RFC 3263 §4: from a SIP URI to an ordered list of (transport, address, port) to try. NAPTR picks
// the transport when the URI names none, SRV the hosts and ports (RFC 2782 priority and weight),
// A/AAAA the addresses; each later entry is where to fail over to (§4.3) after a transport error,
// a timeout or a 503. Answers are cached for their TTL.

import { isIP } from 'node:net';
import { systemClock, type Clock } from '../../clock.ts';
import { CpmError } from '../../errors.ts';
import type { SipUri } from '../syntax/sip-uri.ts';
import { defaultPort, type SipTransportProtocol } from '../transport/sip-transport.ts';
import type { DnsLookups, SrvAnswer } from './dns-lookups.ts';

export interface LocatedTarget {
  readonly protocol: SipTransportProtocol;
  /** An IP address. */
  readonly host: string;
  readonly port: number;
}

export interface ServerLocatorOptions {
  readonly lookups: DnsLookups;
  readonly clock?: Clock;
  /** For the RFC 2782 weighted choice among SRV records of equal priority; Math.random by default. */
  readonly random?: () => number;
}

/** RFC 3263 §4.1: NAPTR services and SRV prefixes for each transport. */
const naptrService: Record<SipTransportProtocol, string> = { UDP: 'SIP+D2U', TCP: 'SIP+D2T', TLS: 'SIPS+D2T' };
const srvPrefix: Record<SipTransportProtocol, string> = { UDP: '_sip._udp.', TCP: '_sip._tcp.', TLS: '_sips._tcp.' };

interface CacheEntry {
  readonly targets: readonly LocatedTarget[];
  readonly expiresAt: number;
}

export class ServerLocator {
  readonly #lookups: DnsLookups;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(options: ServerLocatorOptions) {
    this.#lookups = options.lookups;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
  }

  /**
   * The targets for `uri`, best first, over the transports in `available` (in our order of
   * preference). A sips: URI only ever gives TLS targets (RFC 3263 §4.1). Throws ERR_SIP_DNS when
   * nothing is found, ERR_SIP_NO_TRANSPORT when the URI wants a transport we do not have.
   */
  async locate(uri: SipUri, available: readonly SipTransportProtocol[]): Promise<readonly LocatedTarget[]> {
    const key = `${uri.scheme}:${uri.host}:${uri.port ?? ''};${uri.params['transport'] ?? ''}|${available.join(',')}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.expiresAt > this.#clock.now()) return cached.targets;
    const { targets, ttl } = await this.#resolve(uri, available);
    if (targets.length === 0) throw new CpmError('ERR_SIP_DNS', `no SIP server found for ${uri.host} (NAPTR, SRV and A/AAAA lookups gave nothing usable)`);
    this.#cache.set(key, { targets, expiresAt: this.#clock.now() + ttl * 1000 });
    return targets;
  }

  async #resolve(uri: SipUri, available: readonly SipTransportProtocol[]): Promise<{ targets: LocatedTarget[]; ttl: number }> {
    const secure = uri.scheme === 'sips';
    const usable = secure ? available.filter((p) => p === 'TLS') : available;
    if (usable.length === 0) throw new CpmError('ERR_SIP_NO_TRANSPORT', `${uri.scheme}:${uri.host} needs ${secure ? 'TLS' : 'a SIP transport'}, which is not configured`);
    const param = uri.params['transport']?.toLowerCase();
    let wanted: SipTransportProtocol | undefined;
    if (param === 'tls' || (secure && param === 'tcp')) wanted = 'TLS';
    else if (param === 'tcp') wanted = 'TCP';
    else if (param === 'udp') wanted = 'UDP';
    if (wanted !== undefined && !usable.includes(wanted)) throw new CpmError('ERR_SIP_NO_TRANSPORT', `${uri.host} asks for ${wanted}, which is not configured`);
    // §4.1: without a transport parameter, a numeric host or an explicit port, the transport is
    // UDP for sip: and TLS for sips: (here: our first transport, which is the one we listen on).
    const fallback: SipTransportProtocol = wanted ?? (secure ? 'TLS' : usable[0]!);
    // §4.2: a numeric host is used as it is.
    if (isIP(uri.host) !== 0) return { targets: [{ protocol: fallback, host: uri.host, port: uri.port ?? defaultPort(fallback) }], ttl: 3600 };
    // §4.2: an explicit port means no SRV lookup, only A/AAAA.
    if (uri.port !== undefined) return this.#addressesOf(uri.host, fallback, uri.port);
    if (wanted !== undefined) {
      const viaSrv = await this.#srvTargets(`${srvPrefix[wanted]}${uri.host}`, wanted);
      return viaSrv.targets.length > 0 ? viaSrv : this.#addressesOf(uri.host, wanted, defaultPort(wanted));
    }
    // §4.1: NAPTR records for the services we can use, by order then preference.
    const services = new Map(usable.map((p) => [naptrService[p], p] as const));
    const naptr = (await this.#lookups.naptr(uri.host))
      .filter((r) => r.flags.toLowerCase() === 's' && services.has(r.service.toUpperCase()))
      .sort((a, b) => a.order - b.order || a.preference - b.preference);
    const targets: LocatedTarget[] = [];
    let ttl = Infinity;
    for (const record of naptr) {
      const got = await this.#srvTargets(record.replacement, services.get(record.service.toUpperCase())!);
      targets.push(...got.targets);
      ttl = Math.min(ttl, got.ttl);
    }
    // §4.1: no NAPTR: SRV for each transport we have, in our order.
    if (naptr.length === 0) {
      for (const protocol of usable) {
        const got = await this.#srvTargets(`${srvPrefix[protocol]}${uri.host}`, protocol);
        targets.push(...got.targets);
        ttl = Math.min(ttl, got.ttl);
      }
    }
    if (targets.length > 0) return { targets, ttl };
    // §4.2: no SRV either: the host's addresses at the default port.
    return this.#addressesOf(uri.host, fallback, defaultPort(fallback));
  }

  /** RFC 2782: SRV records by priority, weighted random order within one; then their addresses. */
  async #srvTargets(name: string, protocol: SipTransportProtocol): Promise<{ targets: LocatedTarget[]; ttl: number }> {
    const records = (await this.#lookups.srv(name)).filter((r) => r.name !== '' && r.name !== '.');
    const targets: LocatedTarget[] = [];
    let ttl = Infinity;
    for (const record of this.#orderSrv(records)) {
      const got = await this.#addressesOf(record.name, protocol, record.port);
      targets.push(...got.targets);
      ttl = Math.min(ttl, got.ttl);
    }
    return { targets, ttl };
  }

  #orderSrv(records: readonly SrvAnswer[]): SrvAnswer[] {
    const out: SrvAnswer[] = [];
    const priorities = [...new Set(records.map((r) => r.priority))].sort((a, b) => a - b);
    for (const priority of priorities) {
      const left = records.filter((r) => r.priority === priority);
      while (left.length > 0) {
        // RFC 2782: pick with probability proportional to weight (zero weights still get a chance).
        const total = left.reduce((sum, r) => sum + r.weight, 0);
        let pick = this.#random() * total;
        let index = left.findIndex((r) => (pick -= r.weight) < 0);
        if (index < 0 || total === 0) index = 0;
        out.push(left.splice(index, 1)[0]!);
      }
    }
    return out;
  }

  /** A/AAAA of `host`; the TTL of the cache entry is the smallest TTL seen. */
  async #addressesOf(host: string, protocol: SipTransportProtocol, port: number): Promise<{ targets: LocatedTarget[]; ttl: number }> {
    const answers = await this.#lookups.addresses(host);
    return {
      targets: answers.map((a) => ({ protocol, host: a.address, port })),
      ttl: answers.length === 0 ? 0 : Math.min(...answers.map((a) => a.ttl)),
    };
  }
}
