// SDP offer/answer for file transfer: RFC 3264 (m-line mirroring, rejection, re-offers), RFC 5547
// (one file per m=message, selector and transfer id echoed, direction), RFC 6135 / RFC 4145
// (who opens the MSRP connection).

import { CpmError, fail, ok, type Result } from '../errors.ts';
import { fileAttributeCodecs, parseSelectorParts } from './file-attribute-codecs.ts';
import { getAttribute } from './attribute-list.ts';
import {
  fileAttributeNames,
  getDirection,
  getFileSelector,
  getFileTransferId,
  getPath,
  getSetup,
  isMsrpMedia,
  setAcceptTypes,
  setAcceptWrappedTypes,
  setConnectionMode,
  setDirection,
  setMaxSize,
  setPath,
  setSetup,
  type ConnectionMode,
  type Direction,
  type SetupRole,
} from './msrp-attributes.ts';
import type { SdpAttribute } from './sdp-attribute.ts';
import {
  cloneSessionDescription,
  createMedia,
  createSessionDescription,
  type SdpConnection,
  type SdpMedia,
  type SdpOrigin,
  type SessionDescription,
} from './session-description.ts';

const oaError = (message: string, index?: number): CpmError =>
  new CpmError('ERR_SDP_OFFER_ANSWER', index === undefined ? message : `m-line ${index}: ${message}`);

// ---------------------------------------------------------------------------------------------
// Answer rules per m-line.

/**
 * RFC 3264 §6.1: the answer's direction mirrors the offer's (send-only is answered receive-only and
 * the reverse; inactive stays inactive). RFC 5547 §8 uses this for push (offer sendonly) and pull
 * (offer recvonly) of files.
 */
export function answerDirection(offered: Direction): Direction {
  switch (offered) {
    case 'sendonly': return 'recvonly';
    case 'recvonly': return 'sendonly';
    default: return offered;
  }
}

/**
 * RFC 4145 §4.1 / RFC 6135 §4: an actpass or passive offerer waits, so by default the answerer
 * connects (active); an active offerer gets a passive answerer; holdconn is answered holdconn.
 * With no a=setup in the offer, RFC 4975 §5.4 applies: the offerer connects, so the answerer is
 * passive.
 */
export function answerSetup(offered: SetupRole | undefined): SetupRole {
  switch (offered) {
    case 'actpass':
    case 'passive': return 'active';
    case 'holdconn': return 'holdconn';
    default: return 'passive';
  }
}

export type ConnectingParty = 'offerer' | 'answerer' | 'none';

/** Which side opens the MSRP connection for a negotiated m-line (RFC 6135 §4, RFC 4975 §5.4 default). */
export function connectingParty(offerSetup: SetupRole | undefined, answeredSetup: SetupRole | undefined): ConnectingParty {
  if (offerSetup === 'holdconn' || answeredSetup === 'holdconn') return 'none';
  if (answeredSetup === 'active') return 'answerer';
  return 'offerer';
}

/** What the answerer does with one offered m-line. */
export type MediaDecision =
  | {
      kind: 'accept';
      /** The answerer's own listening port (RFC 4975: the port of its own MSRP URI). */
      port: number;
      /** The answerer's own a=path (its MSRP URI, after any relays). */
      path: readonly string[];
      acceptTypes?: readonly string[];
      acceptWrappedTypes?: readonly string[];
      maxSize?: number;
      /** Overrides the mirrored direction. */
      direction?: Direction;
      /** Overrides the default a=setup answer. */
      setup?: SetupRole;
      connectionMode?: ConnectionMode;
      connection?: SdpConnection;
      /** Appended after the generated attributes (a=fingerprint, a=file-range, ...). */
      attributes?: readonly SdpAttribute[];
      /**
       * Which of the offer's file-selector / file-transfer-id the answer repeats (default both). The
       * receiver passes what its RFC 5547 answer rules decided (receiver-answer-plan.ts).
       */
      echo?: { readonly fileSelector: boolean; readonly fileTransferId: boolean };
    }
  | { kind: 'reject' };

export interface AnswerOptions {
  origin: SdpOrigin;
  /** Session-level c= line of the answer. */
  connection?: SdpConnection;
  sessionName?: string;
  /** One decision per offered m-line, in order. */
  decisions: readonly MediaDecision[];
}

/** RFC 3264 §6: a rejected stream keeps its m-line (same media, proto and formats) with port 0. */
export function rejectedMedia(offered: SdpMedia): SdpMedia {
  return createMedia({ media: offered.media, port: 0, proto: offered.proto, formats: [...offered.formats] });
}

function acceptedMedia(offered: SdpMedia, decision: Extract<MediaDecision, { kind: 'accept' }>, index: number): Result<SdpMedia> {
  if (!isMsrpMedia(offered)) return fail(oaError(`only MSRP m-lines can be accepted here, got ${offered.media} ${offered.proto}`, index));
  if (decision.port <= 0 || decision.port > 65535) return fail(oaError(`port ${decision.port} out of range`, index));
  if (decision.path.length === 0) return fail(oaError('an accepted MSRP m-line needs a path', index));
  const media = createMedia({ media: offered.media, port: decision.port, proto: offered.proto, formats: [...offered.formats] });
  if (decision.connection) media.connections.push({ ...decision.connection });
  // RFC 4975 §8.1: the answerer states what it accepts; by default the types offered.
  const offeredTypes = getAttribute(offered.attributes, 'accept-types');
  const acceptTypes = decision.acceptTypes ?? (offeredTypes ? offeredTypes.split(/\s+/).filter(Boolean) : ['*']);
  setAcceptTypes(media, acceptTypes);
  if (decision.acceptWrappedTypes) setAcceptWrappedTypes(media, decision.acceptWrappedTypes);
  if (decision.maxSize !== undefined) setMaxSize(media, decision.maxSize);
  setPath(media, decision.path);
  setDirection(media, decision.direction ?? answerDirection(getDirection(offered)));
  // RFC 6135 §4: answer a=setup when the offer used it (or the caller insists).
  const offeredSetup = getSetup(offered);
  if (decision.setup !== undefined || offeredSetup !== undefined) setSetup(media, decision.setup ?? answerSetup(offeredSetup));
  if (decision.connectionMode !== undefined) setConnectionMode(media, decision.connectionMode);
  // RFC 5547 §8.2: the answer repeats the offer's file-selector and file-transfer-id unchanged.
  const echoed = [
    ...(decision.echo?.fileSelector ?? true ? [fileAttributeNames.fileSelector] : []),
    ...(decision.echo?.fileTransferId ?? true ? [fileAttributeNames.fileTransferId] : []),
  ];
  for (const name of echoed) {
    const value = getAttribute(offered.attributes, name);
    if (value !== undefined) media.attributes.push({ name, value });
  }
  for (const a of decision.attributes ?? []) media.attributes.push({ ...a });
  return ok(media);
}

/** Builds the answer to an offer, one decision per offered m-line, keeping every m-line in place. */
export function buildAnswer(offer: SessionDescription, options: AnswerOptions): Result<SessionDescription> {
  if (options.decisions.length !== offer.media.length) {
    return fail(oaError(`${options.decisions.length} decisions for ${offer.media.length} offered m-lines`));
  }
  const answer = createSessionDescription({
    origin: { ...options.origin },
    sessionName: options.sessionName ?? '-',
    connection: options.connection ? { ...options.connection } : null,
    timings: offer.timings.map((t) => ({ ...t, repeats: [...t.repeats] })),
  });
  for (const [index, offered] of offer.media.entries()) {
    const decision = options.decisions[index] as MediaDecision;
    // RFC 3264 §6: an m-line offered with port 0 stays at port 0 in the answer.
    if (decision.kind === 'reject' || offered.port === 0) {
      answer.media.push(rejectedMedia(offered));
      continue;
    }
    const media = acceptedMedia(offered, decision, index);
    if (!media.ok) return media;
    answer.media.push(media.value);
  }
  return ok(answer);
}

// ---------------------------------------------------------------------------------------------
// Answer validation (the offerer's side).

export interface NegotiatedMedia {
  index: number;
  accepted: boolean;
  /** Direction of the answer's m-line (what the answerer will do). */
  direction: Direction;
  connectingParty: ConnectingParty;
}

/** RFC 3264 §6.1: which answered directions fit each offered one. */
const compatibleDirections: Record<Direction, readonly Direction[]> = {
  sendrecv: ['sendrecv', 'sendonly', 'recvonly', 'inactive'],
  sendonly: ['recvonly', 'inactive'],
  recvonly: ['sendonly', 'inactive'],
  inactive: ['inactive'],
};

/** RFC 4145 §4.1 / RFC 6135 §4: answered setup roles that fit each offered one ('none' = no a=setup). */
const compatibleSetups: Record<SetupRole | 'none', ReadonlyArray<SetupRole | 'none'>> = {
  actpass: ['active', 'passive', 'holdconn'],
  active: ['passive', 'holdconn', 'none'],
  passive: ['active', 'holdconn'],
  holdconn: ['active', 'passive', 'holdconn', 'actpass', 'none'],
  none: ['passive', 'none', 'holdconn'],
};

type SelectorKey = 'name' | 'type' | 'size' | 'hash';
const selectorCodecs: Record<SelectorKey, (text: string) => string | null> = {
  name: (t) => { const r = fileAttributeCodecs['quoted-string'].parse(t); return r.ok ? r.value : null; },
  type: (t) => { const r = fileAttributeCodecs['mime-type'].parse(t); return r.ok ? r.value.toLowerCase() : null; },
  size: (t) => { const r = fileAttributeCodecs.integer.parse(t); return r.ok ? String(r.value) : null; },
  hash: (t) => { const r = fileAttributeCodecs.hash.parse(t); return r.ok ? `${r.value.algorithm}:${r.value.digest}` : null; },
};

/**
 * RFC 5547 §8.2: the answer's file-selector must describe the same file. Compared part by part on
 * decoded values (so `sha1:` vs `sha-1:` or a different quoting do not matter); unknown parts are
 * ignored, every offered name/type/size/hash part must be echoed.
 */
export function sameFileSelector(offered: string, answered: string): boolean {
  const a = parseSelectorParts(offered);
  const b = parseSelectorParts(answered);
  if (!a.ok || !b.ok) return offered.trim() === answered.trim();
  for (const key of Object.keys(selectorCodecs) as SelectorKey[]) {
    const mine = a.value.get(key);
    if (mine === undefined) continue;
    const theirs = b.value.get(key);
    if (theirs === undefined) return false;
    const decode = selectorCodecs[key];
    const x = decode(mine);
    const y = decode(theirs);
    if (x === null || y === null ? mine !== theirs : x !== y) return false;
  }
  return true;
}

/** Which answer rules apply beyond RFC 3264: RFC 5547's (echoed file-selector and file-transfer-id). */
export interface AnswerRules {
  readonly rfc5547: boolean;
}

export function validateAnswer(offer: SessionDescription, answer: SessionDescription, rules: AnswerRules = { rfc5547: true }): Result<NegotiatedMedia[]> {
  // RFC 3264 §6: the answer has exactly as many m-lines as the offer, in the same order.
  if (offer.media.length !== answer.media.length) {
    return fail(oaError(`answer has ${answer.media.length} m-lines, offer had ${offer.media.length}`));
  }
  const result: NegotiatedMedia[] = [];
  for (const [index, offered] of offer.media.entries()) {
    const answered = answer.media[index] as SdpMedia;
    if (offered.media.toLowerCase() !== answered.media.toLowerCase()) {
      return fail(oaError(`media ${answered.media} does not match offered ${offered.media}`, index));
    }
    if (offered.proto.toUpperCase() !== answered.proto.toUpperCase()) {
      return fail(oaError(`proto ${answered.proto} does not match offered ${offered.proto}`, index));
    }
    if (answered.port === 0) {
      result.push({ index, accepted: false, direction: 'inactive', connectingParty: 'none' });
      continue;
    }
    // RFC 3264 §6: a stream the offer disabled cannot be revived by the answer.
    if (offered.port === 0) return fail(oaError('answer enables an m-line offered with port 0', index));
    const offeredDirection = getDirection(offered, offer);
    const answeredDirection = getDirection(answered, answer);
    if (!compatibleDirections[offeredDirection].includes(answeredDirection)) {
      return fail(oaError(`direction ${answeredDirection} does not answer ${offeredDirection}`, index));
    }
    let party: ConnectingParty = 'none';
    if (isMsrpMedia(offered)) {
      // RFC 4975 §8.1: every MSRP m-line carries the endpoint's a=path.
      if (getPath(answered).length === 0) return fail(oaError('accepted MSRP m-line has no a=path', index));
      const os = getSetup(offered, offer);
      const as = getSetup(answered, answer);
      if (!compatibleSetups[os ?? 'none'].includes(as ?? 'none')) {
        return fail(oaError(`setup ${as ?? '(none)'} does not answer ${os ?? '(none)'}`, index));
      }
      party = connectingParty(os, as);
      const selector = rules.rfc5547 ? getFileSelector(offered) : undefined;
      if (selector !== undefined) {
        const echoed = getFileSelector(answered);
        if (echoed === undefined) return fail(oaError('file-selector not echoed in the answer', index));
        if (!sameFileSelector(selector, echoed)) return fail(oaError('answer file-selector differs from the offer', index));
      }
      const transferId = getFileTransferId(offered);
      if (rules.rfc5547 && transferId !== undefined && getFileTransferId(answered) !== transferId) {
        return fail(oaError('file-transfer-id not echoed in the answer', index));
      }
    }
    result.push({ index, accepted: true, direction: answeredDirection, connectingParty: party });
  }
  return ok(result);
}

// ---------------------------------------------------------------------------------------------
// Re-offers (RFC 3264 §8): m-lines are never removed; a stream is closed by port 0, and a closed
// slot may carry a new stream later. RFC 5547 §8.4 reuses this for further files in a session.

/** RFC 3264 §8: every new offer in a session increments the o= version by one. */
export function incrementSessionVersion(origin: SdpOrigin): SdpOrigin {
  const next = /^[0-9]+$/.test(origin.sessionVersion) ? (BigInt(origin.sessionVersion) + 1n).toString() : '1';
  return { ...origin, sessionVersion: next };
}

/**
 * RFC 3264 §8.2: closes a stream by setting its port to 0, keeping media, proto and formats. The
 * file-selector and file-transfer-id stay so the peer can tell which transfer ended.
 */
export function closeMedia(media: SdpMedia): SdpMedia {
  const closed = createMedia({ media: media.media, port: 0, proto: media.proto, formats: [...media.formats] });
  for (const a of media.attributes) {
    if (a.name === fileAttributeNames.fileSelector || a.name === fileAttributeNames.fileTransferId) closed.attributes.push({ ...a });
  }
  return closed;
}

export type ReofferSlot =
  | { kind: 'keep' }
  | { kind: 'close' }
  /** The slot carries a new stream: new attributes (a new file-transfer-id for a new file). */
  | { kind: 'replace'; attributes: readonly SdpAttribute[]; port?: number; proto?: string; connections?: readonly SdpConnection[] };

/**
 * Builds a re-offer from the previous local offer: slot i applies to m-line i (missing slots keep
 * their m-line), `added` m-lines go at the end. The o= version is incremented.
 */
export function buildReoffer(previous: SessionDescription, slots: readonly ReofferSlot[], added: readonly SdpMedia[] = []): Result<SessionDescription> {
  if (slots.length > previous.media.length) {
    return fail(oaError(`${slots.length} slots for ${previous.media.length} m-lines; add new m-lines with 'added'`));
  }
  const next = cloneSessionDescription(previous);
  next.origin = incrementSessionVersion(previous.origin);
  for (const [index, slot] of slots.entries()) {
    const media = next.media[index] as SdpMedia;
    switch (slot.kind) {
      case 'keep':
        break;
      case 'close':
        next.media[index] = closeMedia(media);
        break;
      case 'replace': {
        const port = slot.port ?? media.port;
        if (port === 0) return fail(oaError('a reused slot needs a non-zero port', index));
        next.media[index] = createMedia({
          media: media.media,
          port,
          proto: slot.proto ?? media.proto,
          formats: [...media.formats],
          connections: (slot.connections ?? media.connections).map((c) => ({ ...c })),
          attributes: slot.attributes.map((a) => ({ ...a })),
        });
        break;
      }
    }
  }
  for (const m of added) next.media.push(structuredClone(m));
  return ok(next);
}

/** Index of the first closed (port 0) m-line a new file may reuse, or -1. */
export function findReusableSlot(sd: SessionDescription): number {
  return sd.media.findIndex((m) => m.port === 0);
}

export type ReofferedStatus = 'new' | 'unchanged' | 'closed';

/**
 * The answerer's reading of one m-line in a re-offer (RFC 3264 §8, RFC 5547 §8.4): port 0 closes
 * it; a file-transfer-id that differs from the one this slot carried before (or a slot that was
 * closed or did not exist) is a new transfer; otherwise the transfer goes on unchanged.
 */
export function classifyReofferedMedia(previous: SdpMedia | undefined, current: SdpMedia): ReofferedStatus {
  if (current.port === 0) return 'closed';
  if (previous === undefined || previous.port === 0) return 'new';
  const before = getFileTransferId(previous);
  const now = getFileTransferId(current);
  if (before !== now) return 'new';
  // Without transfer ids (non-file streams) a different media or proto means a different stream.
  if (previous.media !== current.media || previous.proto.toUpperCase() !== current.proto.toUpperCase()) return 'new';
  return 'unchanged';
}

export interface ReofferedMedia {
  index: number;
  status: ReofferedStatus;
  fileTransferId: string | undefined;
}

/** Classifies every m-line of a re-offer against the previous remote offer of the session. */
export function classifyReoffer(previous: SessionDescription, current: SessionDescription): Result<ReofferedMedia[]> {
  // RFC 3264 §8: a later offer keeps all earlier m-lines; fewer means a broken peer.
  if (current.media.length < previous.media.length) {
    return fail(oaError(`re-offer has ${current.media.length} m-lines, fewer than the ${previous.media.length} before`));
  }
  return ok(current.media.map((m, index) => ({ index, status: classifyReofferedMedia(previous.media[index], m), fileTransferId: getFileTransferId(m) })));
}
