import { CpmError } from '../../errors.ts';
import { type Clock, schedule, systemClock, type CancelTimer } from '../clock.ts';
import type { MsrpConnection } from '../msrp-connection.ts';
import { formatMsrpUri, type MsrpUri } from '../msrp-uri.ts';
import type { MsrpResponseHead } from '../syntax/msrp-parser.ts';
import type { DigestCredentials } from '../../auth/digest.ts';
import { answerAuthChallenge, buildAuthRequest, interpretAuthResponse } from './relay-auth.ts';

export interface MsrpRelayOptions {
  /** The relay to authenticate to, e.g. msrp://relay.example:2855;tcp (RFC 4976 §5). */
  readonly uri: MsrpUri;
  /**
   * Answer to the relay's digest challenge. Optional: a relay that grants AUTH without a
   * challenge needs none; one that challenges without them fails with ERR_MSRP_RELAY_AUTH_REQUIRED.
   */
  readonly credentials?: DigestCredentials;
  /**
   * Lifetime to ask for, in seconds. Default: none, the relay chooses (Kamailio's msrp module
   * answers any AUTH carrying Expires with a malformed 423, see test/interop/kamailio-msrp-relay).
   */
  readonly expires?: number;
  /** Bound on each AUTH round trip, default 10 s. */
  readonly authTimeoutMs?: number;
  readonly clock?: Clock;
  /** Told when a refresh fails; the relay's grant then runs out and routing through it stops. */
  readonly onRefreshFailed?: (error: CpmError) => void;
}

/** What a successful AUTH exchange grants (RFC 4976 §5.1). */
export interface RelayGrant {
  /** The relay URIs to put in front of our own URI in a=path and of the peer's path in To-Path. */
  readonly usePath: readonly MsrpUri[];
  /** Seconds the grant lasts; undefined when the relay gave no Expires. */
  readonly expires: number | undefined;
}

// Used when the relay grants no Expires: refresh as if it had granted the RFC 4976 §5.1 example's
// lower bound, so a silent relay is still refreshed.
const FALLBACK_EXPIRES_S = 600;

// Node clamps any timer delay above 2^31-1 ms (about 24.8 days) to 1 ms, so a relay granting a
// huge Expires (e.g. 4294967295) would otherwise make us re-AUTH in a tight loop.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Refresh this long before the grant runs out: a fifth of the lifetime, at most 60 s, at least 1 s.
 * RFC 4976 §5.1 only asks that the client re-AUTH before expiry; the margin covers the AUTH round trip.
 * Never more than the longest delay a timer can hold: refreshing early is harmless.
 */
export function refreshDelayMs(expiresSeconds: number): number {
  if (!Number.isFinite(expiresSeconds)) return MAX_TIMER_MS;
  const margin = Math.min(60, Math.max(1, expiresSeconds / 5));
  return Math.min(MAX_TIMER_MS, Math.max(1, expiresSeconds - margin) * 1000);
}

/**
 * An RFC 4976 client's relationship with its relay over one connection: AUTH, answer the digest
 * challenge, keep the granted Use-Path, and re-AUTH before the grant expires.
 */
export class MsrpRelayClient {
  readonly connection: MsrpConnection;
  readonly options: MsrpRelayOptions;
  /** The URI we name in From-Path of our AUTH requests. */
  readonly localUri: MsrpUri;
  #grant: RelayGrant;
  #cancelRefresh: CancelTimer | undefined;
  #closed = false;
  readonly #clock: Clock;

  private constructor(connection: MsrpConnection, localUri: MsrpUri, options: MsrpRelayOptions, grant: RelayGrant) {
    this.connection = connection;
    this.localUri = localUri;
    this.options = options;
    this.#grant = grant;
    this.#clock = options.clock ?? systemClock;
    this.#scheduleRefresh();
  }

  /** Authenticates on an open connection to the relay; rejects with a CpmError naming the relay. */
  static async authenticate(connection: MsrpConnection, localUri: MsrpUri, options: MsrpRelayOptions): Promise<MsrpRelayClient> {
    const grant = await authenticateOnce(connection, localUri, options);
    return new MsrpRelayClient(connection, localUri, options, grant);
  }

  get usePath(): readonly MsrpUri[] { return this.#grant.usePath; }
  get expires(): number | undefined { return this.#grant.expires; }

  #scheduleRefresh(): void {
    // A closed connection carries no grant any more: nothing left to refresh.
    if (this.#closed || this.connection.closed) return;
    const delay = refreshDelayMs(this.#grant.expires ?? FALLBACK_EXPIRES_S);
    this.#cancelRefresh = schedule(this.#clock, delay, () => { void this.refresh().catch(() => {}); });
  }

  /**
   * RFC 4976 §5.1: re-AUTH on the same connection before the grant runs out. The relay may hand out
   * a new Use-Path; new sessions use it, sessions already offered keep the path they advertised.
   */
  async refresh(): Promise<RelayGrant> {
    this.#cancelRefresh?.();
    try {
      this.#grant = await authenticateOnce(this.connection, this.localUri, this.options);
      return this.#grant;
    } catch (error) {
      const e = error instanceof CpmError ? error : new CpmError('ERR_MSRP_RELAY_AUTH', String(error), { cause: error });
      this.options.onRefreshFailed?.(e);
      throw e;
    } finally {
      this.#scheduleRefresh();
    }
  }

  /** Stops refreshing; the connection itself belongs to the endpoint. */
  close(): void {
    this.#closed = true;
    this.#cancelRefresh?.();
  }
}

function request(connection: MsrpConnection, wire: Buffer, transactionId: string, relay: string, timeoutMs: number, clock: Clock): Promise<MsrpResponseHead> {
  if (connection.closed) return Promise.reject(new CpmError('ERR_MSRP_RELAY_CONNECTION', `MSRP relay ${relay}: connection closed`));
  return new Promise((resolve, reject) => {
    const onClose = (): void => {
      cancel();
      connection.forgetTransaction(transactionId);
      reject(new CpmError('ERR_MSRP_RELAY_CONNECTION', `MSRP relay ${relay} closed the connection during AUTH (an unparseable response closes it too)`));
    };
    const cancel = schedule(clock, timeoutMs, () => {
      connection.socket.off('close', onClose);
      connection.forgetTransaction(transactionId);
      reject(new CpmError('ERR_MSRP_RELAY_TIMEOUT', `MSRP relay ${relay}: no response to AUTH within ${timeoutMs} ms`));
    });
    connection.socket.once('close', onClose);
    connection.expectResponse(transactionId, (head) => {
      cancel();
      connection.socket.off('close', onClose);
      resolve(head);
    });
    connection.write([wire]);
  });
}

// RFC 4976 §5.1: AUTH without credentials, 401 with a digest challenge, AUTH again answering it,
// 200 with Use-Path (and Expires). A second 401 means the credentials are wrong; 423 means the
// requested Expires is outside the relay's bounds (Min-Expires / Max-Expires say which).
async function authenticateOnce(connection: MsrpConnection, local: MsrpUri, options: MsrpRelayOptions): Promise<RelayGrant> {
  const relay = options.uri;
  const name = formatMsrpUri(relay);
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.authTimeoutMs ?? 10_000;
  const expires = options.expires === undefined ? {} : { expires: options.expires };
  let authorization: string | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    const auth = buildAuthRequest({ relay, local, ...expires, ...(authorization === undefined ? {} : { authorization }) });
    const outcome = interpretAuthResponse(await request(connection, auth.wire, auth.transactionId, name, timeoutMs, clock));
    switch (outcome.kind) {
      case 'authorized':
        if (outcome.usePath.length === 0) throw new CpmError('ERR_MSRP_RELAY_AUTH', `MSRP relay ${name}: 200 without a Use-Path`);
        return { usePath: outcome.usePath, expires: outcome.expires };
      case 'challenge':
        if (options.credentials === undefined) {
          throw new CpmError('ERR_MSRP_RELAY_AUTH_REQUIRED', `MSRP relay ${name} asks for credentials (401 with a digest challenge) and none were given`);
        }
        if (authorization !== undefined) {
          throw new CpmError('ERR_MSRP_RELAY_AUTH', `MSRP relay ${name} refused the credentials of ${JSON.stringify(options.credentials.username)} (401 after the digest answer)`);
        }
        try {
          authorization = answerAuthChallenge(outcome.challenge, options.credentials, relay);
        } catch (error) {
          // An algorithm we cannot answer (e.g. SHA-256 only): a coded error naming the relay.
          const why = error instanceof Error ? error.message : String(error);
          throw new CpmError('ERR_MSRP_RELAY_AUTH', `MSRP relay ${name}: ${why}`, { cause: error });
        }
        break;
      case 'interval-out-of-bounds':
        throw new CpmError('ERR_MSRP_RELAY_EXPIRES', `MSRP relay ${name}: Expires ${options.expires ?? '(none)'} out of bounds (423, Min-Expires ${outcome.minExpires ?? '?'}, Max-Expires ${outcome.maxExpires ?? '?'})`);
      case 'failed':
        throw new CpmError('ERR_MSRP_RELAY_AUTH', `MSRP relay ${name} answered AUTH with ${outcome.status} ${outcome.comment ?? ''}`.trim());
    }
  }
  throw new CpmError('ERR_MSRP_RELAY_AUTH', `MSRP relay ${name}: no 200 after two AUTH attempts`);
}
