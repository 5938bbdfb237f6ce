// What createClient() adds for real networks: digest credentials and RFC 3263 server location
// for the user agent, and `client.register()` (RFC 3261 §10) with the Request-URI check that makes
// a registered receiver answer 404 to INVITEs for somebody else.

import {
  CpmError, createDnsLookups, parseSipUri, type Registration, type RegistrationEvent, sameBinding, ServerLocator,
  type SipServerLocator, type SipUri, type UserAgent,
} from '../runtime/index.ts';
import type { ClientRegistration, LogEvent, NetworkOptions, RegisterOptions } from './client-types.ts';

/** The user agent options that follow from the client's network options. */
export function networkUaOptions(options: NetworkOptions): { credentials?: { username: string; password: string; realm?: string }; locator?: SipServerLocator } {
  const auth = options.auth;
  if (auth !== undefined && (auth.username === '' || typeof auth.password !== 'string')) {
    throw new CpmError('ERR_INVALID_OPTION', 'auth: needs a non-empty username and a password (string)');
  }
  const dns = options.dns;
  return {
    ...(auth === undefined ? {} : { credentials: { username: auth.username, password: auth.password, ...(auth.realm !== undefined ? { realm: auth.realm } : {}) } }),
    ...(dns === undefined || dns === false ? {} : { locator: new ServerLocator({ lookups: createDnsLookups(dns === true || dns.server === undefined ? {} : { server: dns.server }) }) }),
  };
}

/** A registration event as a LogEvent for the JSON log (`kind: 'sip', event: 'registration'`). */
export function registrationLogEvent(aor: string, event: RegistrationEvent): LogEvent {
  if (event.state === 'failed') return { kind: 'sip', event: 'registration', aor, state: event.state, code: event.error.code, message: event.error.message, retryInSeconds: event.retryInSeconds };
  if (event.state === 'registered') return { kind: 'sip', event: 'registration', aor, state: event.state, expires: event.expires, refresh: event.refresh, serviceRoute: event.serviceRoute, path: event.path };
  return { kind: 'sip', event: 'registration', aor, state: event.state };
}

/**
 * The registrations of one client: each a runtime Registration. With at least one, and unless
 * `acceptAnyRequestUri`, a new INVITE must name one of the AORs or bound Contacts.
 */
export class ClientRegistrations {
  readonly #ua: UserAgent;
  readonly #log: ((event: LogEvent) => void) | undefined;
  readonly #active = new Set<Registration>();

  constructor(ua: UserAgent, log: ((event: LogEvent) => void) | undefined) {
    this.#ua = ua;
    this.#log = log;
  }

  async register(options: RegisterOptions, localUri: string): Promise<ClientRegistration> {
    const aorText = options.aor ?? localUri;
    const registration = this.#ua.register({
      aor: aorText,
      ...(options.registrar !== undefined ? { registrar: options.registrar } : {}),
      ...(options.contact !== undefined ? { contact: options.contact } : {}),
      ...(options.expires !== undefined ? { expires: options.expires } : {}),
      ...(options.keepAliveSeconds !== undefined ? { keepAliveSeconds: options.keepAliveSeconds } : {}),
      ...(options.retrySeconds !== undefined ? { retrySeconds: options.retrySeconds } : {}),
    });
    const log = this.#log;
    if (log !== undefined) registration.on((event) => log(registrationLogEvent(aorText, event)));
    this.#active.add(registration);
    if (options.acceptAnyRequestUri !== true) this.#ua.setRequestUriCheck((uri) => this.#owns(uri));
    try {
      await registration.start();
    } catch (error) {
      // A first REGISTER that fails for a reason other than refused credentials is retried in the
      // background (the registration stays active); the caller still hears why it failed.
      if (registration.state !== 'failed' || (error instanceof CpmError && error.code === 'ERR_SIP_AUTH_REJECTED')) {
        await this.#drop(registration);
      }
      throw error;
    }
    return {
      aor: aorText,
      get state() {
        return registration.state;
      },
      get contact() {
        return registration.contact;
      },
      on: (listener) => registration.on(listener),
      unregister: () => this.#drop(registration),
    };
  }

  /** RFC 3261 §8.2.2.1: ours when it names a registered AOR (any port) or a bound Contact. */
  #owns(uri: SipUri): boolean {
    for (const registration of this.#active) {
      const aor = registration.aor;
      if (uri.user === aor.user && uri.host.toLowerCase() === aor.host.toLowerCase()) return true;
      const contact = registration.contact === undefined ? undefined : parseSipUri(registration.contact);
      if (contact?.ok === true && sameBinding(uri, contact.value)) return true;
    }
    return false;
  }

  async #drop(registration: Registration): Promise<void> {
    this.#active.delete(registration);
    if (this.#active.size === 0) this.#ua.setRequestUriCheck(undefined);
    await registration.stop().catch(() => undefined);
  }

  /** close(): every binding removed (Expires: 0) before the transport goes. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#active].map((r) => this.#drop(r)));
  }
}
