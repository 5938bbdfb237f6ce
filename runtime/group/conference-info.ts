// RFC 4575 conference-info documents (the `conference` event package) as the focus reports its
// members to the sender of a group file transfer: one <user> per member with one <endpoint>, its
// status, and — when the member left or never joined — how and why (the member's SIP answer).
//
// Per-member file outcomes are not in RFC 4575. RFC 4575 §5 lets any element carry elements from
// other namespaces, so each endpoint may hold our extension (namespace CPM_FT_CONFERENCE_NS):
//   <ft:file transfer-id="abc" outcome="delivered"/>
//   <ft:file transfer-id="def" outcome="failed" status="413" reason="too large"/>
// keyed by the sender's a=file-transfer-id (RFC 5547 §10), so re-used m-lines stay unambiguous.
// Readers that do not know the namespace ignore it, as RFC 4575 requires.

import { CpmError, fail, ok, type Result } from '../errors.ts';
import { escapeXmlAttribute } from './build-resource-lists.ts';
import { readXmlTree, type XmlElement, type XmlReadErrors } from './read-xml-tree.ts';

export const conferenceInfoErrorCodes = {
  /** Not well-formed, or not a conference-info document. */
  parse: 'ERR_CONFERENCE_INFO_PARSE',
  /** A DTD, a markup declaration or an unknown entity reference. */
  entity: 'ERR_CONFERENCE_INFO_ENTITY',
  /** Larger (bytes, depth, elements) than we read. */
  tooLarge: 'ERR_CONFERENCE_INFO_TOO_LARGE',
} as const;

export const CONFERENCE_INFO_NS = 'urn:ietf:params:xml:ns:conference-info';
/** Our extension namespace for per-member file outcomes (documented above). */
export const CPM_FT_CONFERENCE_NS = 'urn:cpm-ft:params:xml:ns:conference-info-ft';
export const CONFERENCE_INFO_CONTENT_TYPE = 'application/conference-info+xml';
/** RFC 4575 §3.1: the event package name used in Event / Allow-Events. */
export const CONFERENCE_EVENT = 'conference';

/** RFC 4575 §5.6.5 endpoint <status> values. */
export const endpointStatuses = ['pending', 'dialing-out', 'dialing-in', 'alerting', 'on-hold', 'connected', 'muted-via-focus', 'disconnecting', 'disconnected'] as const;
export type EndpointStatus = (typeof endpointStatuses)[number];
/** RFC 4575 §5.6.7 <disconnection-method> values. */
export const disconnectionMethods = ['departed', 'booted', 'failed', 'busy'] as const;
export type DisconnectionMethod = (typeof disconnectionMethods)[number];
/** RFC 4575 §4.4 / §5.1: whether an element carries its whole state, a delta, or its removal. */
export type ElementState = 'full' | 'partial' | 'deleted';

export interface FileDelivery {
  /** The sender's a=file-transfer-id of the file. */
  readonly transferId: string;
  readonly outcome: 'delivered' | 'failed';
  /** MSRP (or SIP) status of the failure, when known. */
  readonly status?: number;
  readonly reason?: string;
}

export interface ConferenceEndpoint {
  readonly entity: string;
  readonly state?: ElementState;
  readonly status?: EndpointStatus;
  readonly disconnectionMethod?: DisconnectionMethod;
  /** The SIP status of the member's answer (RFC 3326 Reason cause), when it left or never joined. */
  readonly sipStatus?: number;
  /** Free text: the SIP reason phrase, or why the focus ended the leg. */
  readonly reason?: string;
  readonly files: readonly FileDelivery[];
}

export interface ConferenceUser {
  readonly entity: string;
  readonly state: ElementState;
  readonly displayText?: string;
  readonly endpoints: readonly ConferenceEndpoint[];
}

export interface ConferenceInfo {
  /** The conference URI (the focus's view of the session). */
  readonly entity: string;
  readonly state: 'full' | 'partial';
  readonly version: number;
  readonly active?: boolean;
  readonly userCount?: number;
  readonly users: readonly ConferenceUser[];
}

export interface ParseConferenceInfoOptions {
  /** Largest document read, in UTF-8 bytes. Default 256 KiB. */
  readonly maxBytes?: number;
  /** Deepest nesting. Default 16. */
  readonly maxDepth?: number;
  /** Most elements. Default 20 000. */
  readonly maxElements?: number;
}

const esc = escapeXmlAttribute;
const escText = (text: string): string => esc(text);

/**
 * RFC 3326 §2: the Reason header form, `SIP ;cause=603 ;text="Decline"`, is how we write a
 * member's SIP answer into the free-text <reason> of <disconnection-info>.
 */
function formatReason(sipStatus: number | undefined, reason: string | undefined): string | undefined {
  if (sipStatus === undefined) return reason;
  const text = (reason ?? '').replace(/["\\]/g, "'");
  return `SIP ;cause=${sipStatus}${text === '' ? '' : ` ;text="${text}"`}`;
}

function readReason(text: string): { sipStatus?: number; reason?: string } {
  const m = /^\s*SIP\s*;\s*cause\s*=\s*(\d{3})(?:\s*;\s*text\s*=\s*"([^"]*)")?\s*$/i.exec(text);
  if (m === null) return text.trim() === '' ? {} : { reason: text.trim() };
  return { sipStatus: Number(m[1]), ...(m[2] === undefined || m[2] === '' ? {} : { reason: m[2] }) };
}

/** Serialises a conference-info document (RFC 4575 §5). */
export function buildConferenceInfo(info: ConferenceInfo): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<conference-info xmlns="${CONFERENCE_INFO_NS}" xmlns:ft="${CPM_FT_CONFERENCE_NS}" entity="${esc(info.entity)}" state="${info.state}" version="${info.version}">`,
  ];
  if (info.active !== undefined || info.userCount !== undefined) {
    lines.push('  <conference-state>');
    if (info.userCount !== undefined) lines.push(`    <user-count>${info.userCount}</user-count>`);
    if (info.active !== undefined) lines.push(`    <active>${info.active}</active>`);
    lines.push('  </conference-state>');
  }
  lines.push(`  <users${info.state === 'partial' ? ' state="partial"' : ''}>`);
  for (const user of info.users) {
    lines.push(`    <user entity="${esc(user.entity)}" state="${user.state}">`);
    if (user.displayText !== undefined) lines.push(`      <display-text>${escText(user.displayText)}</display-text>`);
    for (const ep of user.endpoints) {
      lines.push(`      <endpoint entity="${esc(ep.entity)}"${ep.state === undefined ? '' : ` state="${ep.state}"`}>`);
      if (ep.status !== undefined) lines.push(`        <status>${ep.status}</status>`);
      if (ep.disconnectionMethod !== undefined) lines.push(`        <disconnection-method>${ep.disconnectionMethod}</disconnection-method>`);
      const reason = formatReason(ep.sipStatus, ep.reason);
      if (reason !== undefined) lines.push(`        <disconnection-info><reason>${escText(reason)}</reason></disconnection-info>`);
      for (const f of ep.files) {
        const extra = `${f.status === undefined ? '' : ` status="${f.status}"`}${f.reason === undefined ? '' : ` reason="${esc(f.reason)}"`}`;
        lines.push(`        <ft:file transfer-id="${esc(f.transferId)}" outcome="${f.outcome}"${extra}/>`);
      }
      lines.push('      </endpoint>');
    }
    lines.push('    </user>');
  }
  lines.push('  </users>', '</conference-info>', '');
  return lines.join('\n');
}

const XML_ERRORS: XmlReadErrors = { source: 'conference-info', ...conferenceInfoErrorCodes };

const perr = (message: string): CpmError => new CpmError(conferenceInfoErrorCodes.parse, message, { location: { source: 'conference-info' } });

const children = (el: XmlElement, local: string, ns = CONFERENCE_INFO_NS): XmlElement[] =>
  el.children.filter((c) => c.local === local && (c.ns === ns || (ns === CONFERENCE_INFO_NS && c.ns === '')));
const childText = (el: XmlElement, local: string): string | undefined => children(el, local)[0]?.text.trim();

function elementState(value: string | undefined, fallback: ElementState): Result<ElementState> {
  if (value === undefined) return ok(fallback);
  if (value === 'full' || value === 'partial' || value === 'deleted') return ok(value);
  return fail(perr(`state="${value}" is not full, partial or deleted`));
}

/** Unknown enumeration values are dropped rather than fatal: RFC 4575 readers must be lenient. */
const oneOf = <T extends string>(values: readonly T[], text: string | undefined): T | undefined =>
  text !== undefined && (values as readonly string[]).includes(text) ? (text as T) : undefined;

function parseFile(el: XmlElement): FileDelivery | undefined {
  const transferId = el.attrs.get('transfer-id');
  const outcome = el.attrs.get('outcome');
  if (transferId === undefined || (outcome !== 'delivered' && outcome !== 'failed')) return undefined;
  const statusText = el.attrs.get('status');
  const status = statusText !== undefined && /^\d{3}$/.test(statusText) ? Number(statusText) : undefined;
  const reason = el.attrs.get('reason');
  return { transferId, outcome, ...(status === undefined ? {} : { status }), ...(reason === undefined ? {} : { reason }) };
}

function parseEndpoint(el: XmlElement): Result<ConferenceEndpoint> {
  const entity = el.attrs.get('entity');
  if (entity === undefined) return fail(perr('<endpoint> without an entity attribute'));
  const state = el.attrs.get('state');
  const parsedState = state === undefined ? undefined : elementState(state, 'full');
  if (parsedState !== undefined && !parsedState.ok) return parsedState;
  const status = oneOf(endpointStatuses, childText(el, 'status'));
  const method = oneOf(disconnectionMethods, childText(el, 'disconnection-method'));
  const info = children(el, 'disconnection-info')[0];
  const reasonText = info === undefined ? undefined : childText(info, 'reason');
  const reason = reasonText === undefined ? {} : readReason(reasonText);
  const files = children(el, 'file', CPM_FT_CONFERENCE_NS).flatMap((f) => parseFile(f) ?? []);
  return ok({
    entity,
    ...(parsedState === undefined ? {} : { state: parsedState.value }),
    ...(status === undefined ? {} : { status }),
    ...(method === undefined ? {} : { disconnectionMethod: method }),
    ...reason,
    files,
  });
}

/**
 * Reads an application/conference-info+xml body (RFC 4575 §5) with the bounded reader (no DTDs,
 * no entities beyond the predefined five). Elements we do not model are skipped.
 */
export function parseConferenceInfo(input: string | Buffer, options: ParseConferenceInfoOptions = {}): Result<ConferenceInfo> {
  const tree = readXmlTree(input, { maxBytes: options.maxBytes ?? 256 * 1024, maxDepth: options.maxDepth ?? 16, maxElements: options.maxElements ?? 20_000 }, XML_ERRORS);
  if (!tree.ok) return tree;
  const root = tree.value;
  if (root.local !== 'conference-info' || (root.ns !== CONFERENCE_INFO_NS && root.ns !== '')) {
    return fail(perr(`root element is {${root.ns}}${root.local}, expected conference-info`));
  }
  const entity = root.attrs.get('entity');
  if (entity === undefined) return fail(perr('<conference-info> without an entity attribute'));
  // RFC 4575 §5.1: version is an unsigned integer that grows by one per notification.
  const versionText = root.attrs.get('version') ?? '';
  if (!/^\d{1,9}$/.test(versionText)) return fail(perr(`version="${versionText}" is not an unsigned integer`));
  const state = root.attrs.get('state') ?? 'full';
  if (state !== 'full' && state !== 'partial') return fail(perr(`conference-info state="${state}" must be full or partial`));
  const users: ConferenceUser[] = [];
  for (const usersEl of children(root, 'users')) {
    for (const userEl of children(usersEl, 'user')) {
      const userEntity = userEl.attrs.get('entity');
      if (userEntity === undefined) return fail(perr('<user> without an entity attribute'));
      const userState = elementState(userEl.attrs.get('state'), 'full');
      if (!userState.ok) return userState;
      const endpoints: ConferenceEndpoint[] = [];
      for (const epEl of children(userEl, 'endpoint')) {
        const ep = parseEndpoint(epEl);
        if (!ep.ok) return ep;
        endpoints.push(ep.value);
      }
      const displayText = childText(userEl, 'display-text');
      users.push({ entity: userEntity, state: userState.value, ...(displayText === undefined ? {} : { displayText }), endpoints });
    }
  }
  const cs = children(root, 'conference-state')[0];
  const countText = cs === undefined ? undefined : childText(cs, 'user-count');
  const activeText = cs === undefined ? undefined : childText(cs, 'active');
  return ok({
    entity,
    state,
    version: Number(versionText),
    ...(activeText === 'true' || activeText === 'false' ? { active: activeText === 'true' } : {}),
    ...(countText !== undefined && /^\d{1,9}$/.test(countText) ? { userCount: Number(countText) } : {}),
    users,
  });
}

/**
 * RFC 4575 §4.6: folds a received notification into the state held so far. A full document
 * replaces it; a partial one must carry the next version and updates users (and their endpoints)
 * by entity, removing those marked deleted. An older or repeated version is stale and ignored
 * (`stale: true`); a gap in partial versions means the subscriber lost state and must refresh.
 */
export function applyConferenceInfo(held: ConferenceInfo | undefined, next: ConferenceInfo): Result<{ info: ConferenceInfo; stale: boolean }> {
  if (held !== undefined && next.version <= held.version) return ok({ info: held, stale: true });
  if (next.state === 'full') return ok({ info: { ...next, users: next.users.filter((u) => u.state !== 'deleted') }, stale: false });
  if (held === undefined || next.version !== held.version + 1) {
    return fail(perr(`partial notification version ${next.version} does not follow ${held?.version ?? 'nothing'}`));
  }
  const users = new Map(held.users.map((u) => [u.entity, u]));
  for (const user of next.users) {
    const old = users.get(user.entity);
    if (user.state === 'deleted') users.delete(user.entity);
    else if (user.state === 'full' || old === undefined) users.set(user.entity, user);
    else {
      const endpoints = new Map(old.endpoints.map((e) => [e.entity, e]));
      for (const ep of user.endpoints) {
        const prev = endpoints.get(ep.entity);
        if (ep.state === 'deleted') endpoints.delete(ep.entity);
        else if (prev === undefined || ep.state !== 'partial') endpoints.set(ep.entity, ep);
        else {
          const files = new Map(prev.files.map((f) => [f.transferId, f]));
          for (const f of ep.files) files.set(f.transferId, f);
          endpoints.set(ep.entity, { ...prev, ...ep, files: [...files.values()] });
        }
      }
      users.set(user.entity, { ...old, ...user, state: 'full', endpoints: [...endpoints.values()] });
    }
  }
  return ok({ info: { ...held, ...next, state: 'full', users: [...users.values()] }, stale: false });
}
