// Decides what an initial INVITE to the focus is: an ad-hoc group set-up at the conference
// factory (CPM 7.4.1.1, RFC 5366) or a pre-defined group session (CPM 7.4.1.2), and which members
// to invite; or which SIP error answers it. Pure: no I/O, so every status is unit-testable.

import {
  fail, groupErrorCodes, isMsrpMedia, ok, parseMediaType, parseMultipart, parseNameAddr, parseParams,
  parseResourceLists, parseSessionDescription, parseSipUri, type Result, type SessionDescription,
  type SipRequest, type SipUri, sipUriComparisonKey, validateMembers,
} from '../../runtime/index.ts';

/** The option tag of RFC 5366 §3: the INVITE carries a recipient list to be acted on. */
export const RECIPIENT_LIST_INVITE = 'recipient-list-invite';

/** What the focus accepts in an INVITE body (sent back in Accept with a 415). */
export const ACCEPTED_BODY_TYPES = 'application/sdp, multipart/mixed, application/resource-lists+xml';

export interface FocusRejection {
  readonly status: number;
  readonly reason: string;
  /** Human-readable explanation, sent in a Warning header (RFC 3261 §20.43, code 399). */
  readonly warning: string;
  /** Machine-readable cause (an ERR_GROUP_* code, or ERR_FOCUS_*). */
  readonly code: string;
  readonly headers?: readonly { name: string; value: string }[];
}

export interface FocusRequest {
  readonly kind: 'ad-hoc' | 'predefined-group';
  /** The factory URI or the group URI the INVITE was sent to. */
  readonly target: string;
  /** Members to invite, in order, without the originator. */
  readonly members: readonly string[];
  readonly offer: SessionDescription;
  /** The originator's URI (From). */
  readonly originator: string;
}

export interface FocusDirectory {
  readonly factoryUri?: string;
  /** Group URI → member URIs (already validated at start-up). */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly maxMembers: number;
}

const reject = (status: number, reason: string, code: string, warning: string, headers?: FocusRejection['headers']): Result<never, FocusRejection> =>
  fail({ status, reason, code, warning, ...(headers === undefined ? {} : { headers }) });

/**
 * Request-URI matching for factory and group URIs: user and host must match (host
 * case-insensitive), and the port too when both sides name one. Transport and other parameters
 * are ignored: they say how the request travelled, not which resource it is for.
 */
export function sameResource(a: SipUri, b: SipUri): boolean {
  if ((a.user ?? '') !== (b.user ?? '') || a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  return a.port === undefined || b.port === undefined || a.port === b.port;
}

/** Maps a member-list or resource-list error code to the status the focus answers with. */
export function statusForGroupError(code: string): { status: number; reason: string } {
  switch (code) {
    // RFC 5363 §4 leaves the policy to the service; a list over the service's limit is a
    // well-formed request refused by policy, which is what 403 means (RFC 3261 §21.4.4). 413
    // would wrongly blame the body's size, and 486/480 describe a callee's state.
    case groupErrorCodes.membersTooMany: return { status: 403, reason: 'Too Many Recipients' };
    // RFC 3261 §21.4.12: a body the server will not read because of its size.
    case groupErrorCodes.listTooLarge: return { status: 413, reason: 'Request Entity Too Large' };
    // Empty, duplicate, unparsable members and malformed or hostile documents are client errors.
    default: return { status: 400, reason: 'Bad Request' };
  }
}

interface ExtractedBody {
  readonly sdp: string | undefined;
  readonly list: Buffer | undefined;
}

/** RFC 5366 §4 / RFC 5621 §3: picks the SDP and the recipient list out of the INVITE body. */
function extractBody(request: SipRequest): Result<ExtractedBody, FocusRejection> {
  const contentType = request.headers.get('Content-Type');
  if (request.body.length === 0) return ok({ sdp: undefined, list: undefined });
  const unsupported = (what: string) =>
    reject(415, 'Unsupported Media Type', 'ERR_FOCUS_BODY', `unsupported body: ${what}`, [{ name: 'Accept', value: ACCEPTED_BODY_TYPES }]);
  if (contentType === undefined) return unsupported('no Content-Type');
  const mt = parseMediaType(contentType);
  if (!mt.ok) return unsupported(contentType);
  const essence = `${mt.value.type}/${mt.value.subtype}`;
  if (essence === 'application/sdp') return ok({ sdp: request.body.toString('utf8'), list: undefined });
  if (essence !== 'multipart/mixed') return unsupported(essence);
  const parts = parseMultipart(request.body, contentType);
  if (!parts.ok) return reject(400, 'Bad Request', 'ERR_FOCUS_BODY', `malformed multipart body: ${parts.error.message}`);
  let sdp: string | undefined;
  let list: Buffer | undefined;
  for (const part of parts.value) {
    const partType = parseMediaType(part.headers.get('Content-Type') ?? 'text/plain');
    const partEssence = partType.ok ? `${partType.value.type}/${partType.value.subtype}` : '';
    const dispositionText = part.headers.get('Content-Disposition') ?? '';
    const [dispositionType = '', ...dispositionParams] = dispositionText.split(';');
    const disposition = dispositionType.trim().toLowerCase();
    const handling = parseParams(dispositionParams.join(';'))['handling'];
    if (partEssence === 'application/sdp' && (disposition === '' || disposition === 'session')) sdp = part.body.toString('utf8');
    else if (partEssence === 'application/resource-lists+xml' && disposition === 'recipient-list') list = part.body;
    // RFC 5547 §6 file icons: understood, read and checked by relayed-icons.ts.
    else if (disposition === 'icon') continue;
    // RFC 5621 §3.3 / RFC 3204: a part we do not understand may be skipped only when it says
    // handling=optional; otherwise (the default is required) the request gets 415.
    else if ((handling ?? 'required').toLowerCase() !== 'optional') {
      return unsupported(`${partEssence || 'unknown part'}${disposition === '' ? '' : ` (${disposition})`}`);
    }
  }
  return ok({ sdp, list });
}

function parseOffer(sdp: string | undefined): Result<SessionDescription, FocusRejection> {
  // RFC 3261 §13.3.1 lets an INVITE come without an offer; a relaying focus needs the sender's
  // file descriptions first, so it refuses that (488: no acceptable session description).
  if (sdp === undefined) return reject(488, 'Not Acceptable Here', 'ERR_FOCUS_NO_OFFER', 'the INVITE carries no SDP offer');
  const offer = parseSessionDescription(sdp);
  if (!offer.ok) return reject(400, 'Bad Request', 'ERR_FOCUS_SDP', `invalid SDP: ${offer.error.message}`);
  // RFC 5547 §8: file transfer is offered on MSRP m-lines; without an open one there is nothing to relay.
  if (!offer.value.media.some((m) => isMsrpMedia(m) && m.port !== 0)) {
    return reject(488, 'Not Acceptable Here', 'ERR_FOCUS_SDP', 'the offer has no active MSRP m-line');
  }
  return ok(offer.value);
}

const requires = (request: SipRequest, tag: string): boolean =>
  request.headers.getAll('Require').some((v) => v.split(',').some((t) => t.trim().toLowerCase() === tag));

/** Classifies an initial INVITE to the focus. */
export function classifyFocusInvite(request: SipRequest, directory: FocusDirectory): Result<FocusRequest, FocusRejection> {
  const target = parseSipUri(request.uri);
  if (!target.ok) return reject(416, 'Unsupported URI Scheme', 'ERR_FOCUS_URI', `cannot serve ${request.uri}`);
  const from = parseNameAddr(request.headers.get('From') ?? '');
  const originator = from.ok ? from.value.uri : '';
  const originatorUri = parseSipUri(originator);
  const originatorKey = originatorUri.ok ? sipUriComparisonKey(originatorUri.value) : undefined;

  const factory = directory.factoryUri === undefined ? undefined : parseSipUri(directory.factoryUri);
  if (factory?.ok === true && sameResource(target.value, factory.value)) {
    const body = extractBody(request);
    if (!body.ok) return body;
    // RFC 5366 §5: the factory creates the conference from the list in the request; without
    // one there is nobody to invite.
    if (body.value.list === undefined) {
      return reject(400, 'Bad Request', groupErrorCodes.membersEmpty, 'no recipient list (application/resource-lists+xml, Content-Disposition: recipient-list) in the request');
    }
    // RFC 5366 §3: the sender must mark the request with Require: recipient-list-invite, so a
    // server that does not know the extension refuses instead of ignoring the list. A request
    // without it gets 421 naming the extension (RFC 3261 §21.4.16).
    if (!requires(request, RECIPIENT_LIST_INVITE)) {
      return reject(421, 'Extension Required', 'ERR_FOCUS_REQUIRE', `the request must carry Require: ${RECIPIENT_LIST_INVITE}`, [
        { name: 'Require', value: RECIPIENT_LIST_INVITE },
      ]);
    }
    const parsedList = parseResourceLists(body.value.list, { maxEntries: Math.max(directory.maxMembers + 1, 1) * 2 });
    if (!parsedList.ok) {
      const { status, reason } = statusForGroupError(parsedList.error.code);
      return reject(status, reason, parsedList.error.code, parsedList.error.message);
    }
    const members = validateMembers(parsedList.value, { maxMembers: directory.maxMembers });
    if (!members.ok) {
      const { status, reason } = statusForGroupError(members.error.code);
      return reject(status, reason, members.error.code, members.error.message);
    }
    const offer = parseOffer(body.value.sdp);
    if (!offer.ok) return offer;
    // RFC 5366 §5: the originator is already in the conference; inviting it again would loop.
    const invitees = members.value.filter((m) => sipUriComparisonKey(m.parsed) !== originatorKey).map((m) => m.uri);
    if (invitees.length === 0) return reject(400, 'Bad Request', groupErrorCodes.membersEmpty, 'the recipient list names only the originator');
    return ok({ kind: 'ad-hoc', target: request.uri, members: invitees, offer: offer.value, originator });
  }

  for (const [groupUri, groupMembers] of Object.entries(directory.groups)) {
    const group = parseSipUri(groupUri);
    if (!group.ok || !sameResource(target.value, group.value)) continue;
    const body = extractBody(request);
    if (!body.ok) return body;
    // CPM 7.4.1.2: the membership of a pre-defined group comes from the group's definition; a
    // list in the request is not ours to apply.
    if (body.value.list !== undefined) {
      return reject(415, 'Unsupported Media Type', 'ERR_FOCUS_BODY', 'a pre-defined group INVITE carries no recipient list', [
        { name: 'Accept', value: 'application/sdp' },
      ]);
    }
    const offer = parseOffer(body.value.sdp);
    if (!offer.ok) return offer;
    const invitees = groupMembers.filter((uri) => {
      const parsed = parseSipUri(uri);
      return !parsed.ok || sipUriComparisonKey(parsed.value) !== originatorKey;
    });
    if (invitees.length === 0) return reject(480, 'Temporarily Unavailable', groupErrorCodes.membersEmpty, `group ${groupUri} has no member besides the originator`);
    return ok({ kind: 'predefined-group', target: groupUri, members: invitees, offer: offer.value, originator });
  }
  // RFC 3261 §21.4.5: the focus does not know this conference/group URI.
  return reject(404, 'Not Found', 'ERR_FOCUS_UNKNOWN_GROUP', `no group or conference factory at ${request.uri}`);
}
