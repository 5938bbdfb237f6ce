// RFC 3261 §10 registration of one binding (our Contact for an address of record), kept alive:
// refreshed before it expires, re-established after a failure or a dead flow (RFC 5626 §4.4.1
// CRLF keep-alives on TCP/TLS), removed (Expires: 0) by `stop()`. The registrar's Expires or
// Min-Expires (423) is followed; its Service-Route (RFC 3608) becomes the pre-loaded route of our
// later out-of-dialog requests, its Path (RFC 3327) is reported.

import type { Clock, TimerHandle } from '../clock.ts';
import { CpmError } from '../errors.ts';
import { newCallId, newTag } from './sip-ids.ts';
import { parseNameAddr } from './syntax/name-addr.ts';
import { SipHeaders } from './syntax/sip-headers.ts';
import { createRequest, type SipResponse } from './syntax/sip-message.ts';
import { formatSipUri, parseSipUri, type SipUri } from './syntax/sip-uri.ts';
import { splitHeaderValues } from './syntax/split-header-values.ts';
import type { PeerAddress, SipTransport } from './transport/sip-transport.ts';
import { sendOutOfDialog } from './uac-attempts.ts';
import type { UaCore } from './user-agent-core.ts';

export interface RegistrationOptions {
  /** The address of record to bind (To and From of the REGISTER), e.g. `sip:bob@example.test`. */
  readonly aor: string;
  /** Request-URI of the REGISTER; default the AOR's domain (`sip:example.test`, RFC 3261 §10.2). */
  readonly registrar?: string;
  /** The Contact to bind; default the UA's own Contact for the transport used. */
  readonly contact?: string;
  /** Lifetime asked for, seconds (default 3600). */
  readonly expires?: number;
  /** Seconds between CRLF keep-alives on a TCP/TLS flow (default 30; 0 turns them off). */
  readonly keepAliveSeconds?: number;
  /** Seconds to wait for a keep-alive's pong (default 10, RFC 5626 §4.4.1). */
  readonly pongTimeoutSeconds?: number;
  /** Seconds before retrying after a failed REGISTER (default 30). */
  readonly retrySeconds?: number;
  readonly clock?: Clock;
}

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'unregistering' | 'failed';

export type RegistrationEvent =
  | {
      readonly state: 'registered';
      /** Granted lifetime in seconds. */
      readonly expires: number;
      /** Every binding of the AOR the registrar listed. */
      readonly contacts: readonly string[];
      readonly serviceRoute: readonly string[];
      readonly path: readonly string[];
      /** True for a refresh of a binding that was already registered. */
      readonly refresh: boolean;
    }
  | { readonly state: 'registering' | 'unregistering' | 'unregistered' }
  | { readonly state: 'failed'; readonly error: CpmError; readonly retryInSeconds: number | undefined };

/** When to refresh a binding of `expires` seconds: halfway for short ones, else a minute early. */
export const refreshDelaySeconds = (expires: number): number => (expires <= 120 ? Math.max(1, expires / 2) : expires - 60);

export class Registration {
  readonly #core: UaCore;
  readonly #options: RegistrationOptions;
  readonly #clock: Clock;
  readonly #listeners = new Set<(event: RegistrationEvent) => void>();
  readonly #aor: SipUri;
  readonly #registrar: string;
  readonly #callId: string;
  readonly #fromTag = newTag();
  #seq = Math.floor(Math.random() * 2 ** 16) + 1;
  #expires: number;
  #state: RegistrationState = 'unregistered';
  #timer: TimerHandle | undefined;
  #keepAlive: TimerHandle | undefined;
  /** The contact value bound at the registrar, and the flow it was registered over. */
  #bound: { readonly contact: string; readonly transport: SipTransport; readonly destination: PeerAddress } | undefined;
  #stopped = false;

  constructor(core: UaCore, options: RegistrationOptions) {
    const aor = parseSipUri(options.aor);
    if (!aor.ok) throw new CpmError('ERR_SIP_REGISTER', `bad address of record ${JSON.stringify(options.aor)}: ${aor.error.message}`, { cause: aor.error });
    const expires = options.expires ?? 3600;
    if (!Number.isSafeInteger(expires) || expires <= 0) throw new CpmError('ERR_SIP_REGISTER', `expires must be a positive whole number of seconds, got ${String(options.expires)}`);
    this.#core = core;
    this.#options = options;
    this.#clock = options.clock ?? core.clock;
    this.#aor = aor.value;
    this.#registrar = options.registrar ?? formatSipUri({ scheme: aor.value.scheme, host: aor.value.host, ...(aor.value.port !== undefined ? { port: aor.value.port } : {}), params: {}, headers: {} });
    this.#expires = expires;
    this.#callId = newCallId(core.options.transports[0]!.advertisedHost);
  }

  get state(): RegistrationState {
    return this.#state;
  }

  /** The Contact URI bound at the registrar, once registered. */
  get contact(): string | undefined {
    return this.#bound?.contact;
  }

  get aor(): SipUri {
    return this.#aor;
  }

  on(listener: (event: RegistrationEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends the first REGISTER; resolves once registered, rejects with the reason it failed. */
  start(): Promise<void> {
    return this.#register(false);
  }

  /** Stops refreshing and removes the binding (Expires: 0); resolves when the registrar answered. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clearTimers();
    this.#core.serviceRoute = [];
    if (this.#bound === undefined) {
      this.#setState({ state: 'unregistered' });
      return;
    }
    this.#setState({ state: 'unregistering' });
    try {
      await this.#send(0, this.#bound.contact);
    } finally {
      this.#bound = undefined;
      this.#setState({ state: 'unregistered' });
    }
  }

  #emit(event: RegistrationEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not break the registration's timers.
      }
    }
  }

  #setState(event: RegistrationEvent): void {
    this.#state = event.state;
    this.#emit(event);
  }

  #clearTimers(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#clock.clearTimeout(this.#keepAlive);
    this.#timer = undefined;
    this.#keepAlive = undefined;
  }

  /** One REGISTER for `expires` seconds; returns the 2xx (any other answer throws). */
  async #send(expires: number, contact: string | undefined): Promise<{ response: SipResponse; transport: SipTransport; destination: PeerAddress; contact: string }> {
    const headers = new SipHeaders();
    headers.append('Max-Forwards', '70');
    headers.append('From', `<${this.#options.aor}>;tag=${this.#fromTag}`);
    headers.append('To', `<${this.#options.aor}>`);
    headers.append('Call-ID', this.#callId);
    // RFC 3261 §10.2.4: refreshes reuse the Call-ID with a growing CSeq.
    headers.append('CSeq', `${this.#seq} REGISTER`);
    for (const route of this.#core.preloadedRoutes()) headers.append('Route', route);
    headers.append('Expires', String(expires));
    headers.append('Supported', 'path');
    this.#core.common(headers);
    const base = createRequest('REGISTER', this.#registrar, headers);
    // The Contact depends on the transport the REGISTER leaves on, known per attempt.
    const explicit = contact ?? this.#options.contact;
    if (explicit !== undefined) base.headers.set('Contact', `<${explicit}>`);
    else base.headers.set('Contact', this.#core.contact(this.#core.options.transports[0]!));
    const { request, response, hop } = await sendOutOfDialog(this.#core, base);
    this.#seq = Number.parseInt(request.headers.get('CSeq') ?? '', 10) + 1;
    if (response.status === 423 && expires > 0) {
      const min = Number(response.headers.get('Min-Expires'));
      if (Number.isSafeInteger(min) && min > expires) {
        // RFC 3261 §10.2.8: ask again with at least the registrar's minimum.
        this.#expires = min;
        return this.#send(min, contact);
      }
    }
    if (response.status < 200 || response.status >= 300) {
      throw new CpmError('ERR_SIP_REGISTER', `registrar ${this.#registrar} answered REGISTER for ${this.#options.aor} with ${response.status} ${response.reason}`);
    }
    const bound = parseNameAddr(request.headers.get('Contact') ?? '');
    return { response, transport: hop.transport, destination: hop.destination, contact: bound.ok ? bound.value.uri : (explicit ?? '') };
  }

  async #register(refresh: boolean): Promise<void> {
    if (this.#stopped) return;
    this.#clearTimers();
    if (!refresh) this.#setState({ state: 'registering' });
    try {
      const sent = await this.#send(this.#expires, refresh ? this.#bound?.contact : undefined);
      if (this.#stopped) return;
      const granted = grantedExpires(sent.response, sent.contact, this.#expires);
      this.#bound = { contact: sent.contact, transport: sent.transport, destination: sent.destination };
      const serviceRoute = sent.response.headers.getAll('Service-Route').flatMap(splitHeaderValues);
      this.#core.serviceRoute = serviceRoute;
      this.#setState({
        state: 'registered',
        expires: granted,
        contacts: sent.response.headers.getAll('Contact').flatMap(splitHeaderValues),
        serviceRoute,
        path: sent.response.headers.getAll('Path').flatMap(splitHeaderValues),
        refresh,
      });
      this.#timer = this.#clock.setTimeout(() => void this.#register(true).catch(() => undefined), refreshDelaySeconds(granted) * 1000);
      this.#armKeepAlive();
    } catch (error) {
      if (this.#stopped) return;
      const cpm = error instanceof CpmError ? error : new CpmError('ERR_SIP_REGISTER', String(error), { cause: error });
      // A refused password will not get better by retrying; anything else is retried later.
      const retry = cpm.code === 'ERR_SIP_AUTH_REJECTED' ? undefined : (this.#options.retrySeconds ?? 30);
      this.#bound = undefined;
      this.#setState({ state: 'failed', error: cpm, retryInSeconds: retry });
      if (retry !== undefined) this.#timer = this.#clock.setTimeout(() => void this.#register(false).catch(() => undefined), retry * 1000);
      throw cpm;
    }
  }

  /** RFC 5626 §4.4.1: CRLF pings on a stream flow; a missing pong re-registers over a new flow. */
  #armKeepAlive(): void {
    const bound = this.#bound;
    const seconds = this.#options.keepAliveSeconds ?? 30;
    if (bound === undefined || seconds <= 0 || !bound.transport.reliable || bound.transport.ping === undefined) return;
    const ping = bound.transport.ping.bind(bound.transport);
    this.#keepAlive = this.#clock.setTimeout(() => {
      this.#keepAlive = undefined;
      void ping(bound.destination, (this.#options.pongTimeoutSeconds ?? 10) * 1000).then((alive) => {
        if (this.#stopped || this.#bound !== bound) return;
        if (alive) this.#armKeepAlive();
        else void this.#register(false).catch(() => undefined);
      });
    }, seconds * 1000);
  }
}

/**
 * RFC 3261 §10.2.4: the lifetime granted to our binding is the expires parameter of its Contact in
 * the 2xx, else the response's Expires, else what we asked for.
 */
function grantedExpires(response: SipResponse, contact: string, asked: number): number {
  const ours = parseSipUri(contact);
  for (const value of response.headers.getAll('Contact').flatMap(splitHeaderValues)) {
    const addr = parseNameAddr(value);
    if (!addr.ok) continue;
    const uri = parseSipUri(addr.value.uri);
    const same = ours.ok && uri.ok ? sameBinding(ours.value, uri.value) : addr.value.uri === contact;
    const expires = addr.value.params['expires'];
    if (same && expires != null && /^\d+$/.test(expires)) return Number(expires);
  }
  const header = response.headers.get('Expires');
  return header !== undefined && /^\d+$/.test(header.trim()) ? Number(header.trim()) : asked;
}

/** Contact URIs naming the same binding: user, host and port (the registrar may reorder params). */
export function sameBinding(a: SipUri, b: SipUri): boolean {
  return a.user === b.user && a.host.toLowerCase() === b.host.toLowerCase() && (a.port ?? 5060) === (b.port ?? 5060);
}
