// What every request we originate shares between its attempts: where it may go (one next hop, or
// with a server locator the RFC 3263 list to fail over along), how each attempt is built (a new
// CSeq and Via branch, cached digest credentials), and what a final response means for the next
// attempt: answer a 401/407 challenge once (RFC 3261 §22.2), move to the next target after a 503
// or a transport failure (RFC 3263 §4.3), or stop.

import { CpmError, ok, type Result } from '../errors.ts';
import type { AuthChain } from './digest-authenticator.ts';
import { requestTarget, resolveNextHop, type NextHop } from './request-routing.ts';
import { parseCSeq } from './syntax/cseq.ts';
import { createRequest, type SipRequest, type SipResponse } from './syntax/sip-message.ts';
import type { UaCore } from './user-agent-core.ts';

/**
 * The next hops for an out-of-dialog request: its first Route, else its Request-URI (RFC 3261
 * §8.1.2). Without a locator: the one hop `resolveNextHop` gives, at once. With one: the RFC 3263
 * targets over the transports we have, each paired with the transport of its protocol.
 */
export function hopsFor(core: UaCore, request: SipRequest): Result<readonly NextHop[]> | Promise<readonly NextHop[]> {
  const locator = core.options.locator;
  if (locator === undefined) {
    const hop = resolveNextHop(request, core.options.transports);
    return hop.ok ? ok([hop.value]) : hop;
  }
  const uri = requestTarget(request);
  if (!uri.ok) return uri;
  const transports = core.options.transports;
  return locator.locate(uri.value, transports.map((t) => t.protocol)).then((targets) =>
    targets.flatMap((t) => {
      const transport = transports.find((x) => x.protocol === t.protocol);
      return transport === undefined ? [] : [{ transport, destination: { host: t.host, port: t.port } }];
    }),
  );
}

/** Calls `then` with the hops, synchronously when they are known at once. */
export function withHops(core: UaCore, request: SipRequest, then: (hops: readonly NextHop[]) => void, onError: (error: CpmError) => void): void {
  const hops = hopsFor(core, request);
  if (!(hops instanceof Promise)) {
    if (hops.ok) then(hops.value);
    else onError(hops.error);
    return;
  }
  hops.then(
    (list) => (list.length === 0 ? onError(new CpmError('ERR_SIP_NO_TRANSPORT', `no usable target for ${request.uri}`)) : then(list)),
    (error: unknown) => onError(error instanceof CpmError ? error : new CpmError('ERR_SIP_DNS', String(error), { cause: error })),
  );
}

/**
 * One attempt of `base`: a copy with CSeq `seq`, our Via for the hop's transport and the digest
 * answers the authenticator holds.
 */
export function buildAttempt(core: UaCore, base: SipRequest, seq: number, hop: NextHop): SipRequest {
  const headers = base.headers.clone();
  headers.set('CSeq', `${seq} ${base.method}`);
  const request = createRequest(base.method, base.uri, headers, base.body);
  request.headers.prepend('Via', core.via(hop.transport));
  core.auth?.authorize(request);
  return request;
}

export const cseqOf = (request: SipRequest): number => {
  const cseq = parseCSeq(request.headers.get('CSeq') ?? '');
  return cseq.ok ? cseq.value.seq : 1;
};

export type NextStep =
  | { readonly kind: 'final' }
  | { readonly kind: 'authenticate' }
  | { readonly kind: 'next-hop' }
  | { readonly kind: 'error'; readonly error: CpmError };

/** What a final response means for the request (see the file comment). */
export function stepAfter(core: UaCore, response: SipResponse, chain: AuthChain, hopsLeft: boolean): NextStep {
  if ((response.status === 401 || response.status === 407) && core.auth !== undefined) {
    const outcome = core.auth.onChallenge(response, chain);
    if (outcome.kind === 'retry') return { kind: 'authenticate' };
    if (outcome.kind === 'refused') return { kind: 'error', error: outcome.error };
    core.emit({ kind: 'diagnostic', transport: core.options.transports[0]!.protocol, diagnostic: { kind: 'rejected-message', code: 'ERR_SIP_AUTH', message: `cannot answer the ${response.status} challenge: ${outcome.reason}`, status: response.status } });
    return { kind: 'final' };
  }
  // RFC 3263 §4.3: a 503 sends the request to the next target.
  if (response.status === 503 && hopsLeft) return { kind: 'next-hop' };
  return { kind: 'final' };
}

/**
 * Sends an out-of-dialog non-INVITE request (REGISTER, OPTIONS, MESSAGE...) through its attempts:
 * resolves with the final response and the attempt that got it; rejects when every target failed
 * at the transport or timed out, or when a realm refused the credentials.
 */
export function sendOutOfDialog(core: UaCore, base: SipRequest): Promise<{ readonly request: SipRequest; readonly response: SipResponse; readonly hop: NextHop }> {
  return new Promise((resolve, reject) => {
    withHops(core, base, (hops) => {
      const chain: AuthChain = new Set();
      let seq = cseqOf(base);
      let index = 0;
      const attempt = (): void => {
        const hop = hops[index]!;
        const request = buildAttempt(core, base, seq, hop);
        seq += 1;
        const failOver = (error: CpmError): void => {
          if (index + 1 < hops.length) {
            index += 1;
            attempt();
          } else reject(error);
        };
        core.layer.sendRequest(request, hop.transport, hop.destination, {
          onResponse: (response) => {
            if (response.status < 200) return;
            const step = stepAfter(core, response, chain, index + 1 < hops.length);
            if (step.kind === 'authenticate') attempt();
            else if (step.kind === 'next-hop') failOver(new CpmError('ERR_SIP_UNAVAILABLE', `503 from ${hop.destination.host}:${hop.destination.port}`));
            else if (step.kind === 'error') reject(step.error);
            else resolve({ request, response, hop });
          },
          onTimeout: () => failOver(new CpmError('ERR_SIP_TRANSACTION_TIMEOUT', `no final response to ${base.method} ${base.uri} (Timer F)`)),
          onTransportError: failOver,
        });
      };
      attempt();
    }, reject);
  });
}

