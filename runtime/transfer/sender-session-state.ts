// What the sender tracks per SIP session and per m-line, and the small pure helpers every phase
// of the sending procedure shares (reading an answer, naming a SIP failure).

import { CpmError } from '../errors.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import type { MsrpReport } from '../msrp/outgoing-message.ts';
import { getSetup } from '../sdp/msrp-attributes.ts';
import { parseSessionDescription } from '../sdp/parse-session-description.ts';
import type { SessionDescription } from '../sdp/session-description.ts';
import type { Dialog } from '../sip/dialog/dialog.ts';
import { parseMultipart } from '../sip/syntax/multipart.ts';
import type { SipResponse } from '../sip/syntax/sip-message.ts';
import type { PreparedFile } from './file-offer.ts';
import type { DataPath } from './peer-data-path.ts';
import type { GroupConferenceSubscription } from './group-conference-subscription.ts';
import type { FileFailureCause } from './transfer-types.ts';

/** One m-line of the session as the sender tracks it. */
export interface Line {
  readonly index: number;
  transferId: string | null;
  session: MsrpSession | undefined;
  file: PreparedFile | undefined;
  /** Set while someone waits on this line's MSRP connection (success REPORT wait). */
  onClose?: ((error: CpmError) => void) | undefined;
  /** RFC 5547 file-range: the 1-based first byte this m-line offers (undefined: the whole file). */
  rangeStart?: number | undefined;
  /** The first failure REPORT seen on this line's session, whenever it came. */
  lateFailure?: MsrpReport | undefined;
  /** Set while the grace period after the last 200 waits for a failure REPORT. */
  onLateReport?: ((report: MsrpReport) => void) | undefined;
  /** peerMaxSizeScope 'chunk': the answer's a=max-size, capping this line's chunks. */
  chunkCap?: number | undefined;
  /** How this line's file goes over MSRP (peer-data-path.ts), chosen when its answer came. */
  dataPath?: DataPath | undefined;
}

/** Per SIP session: the dialog, our last offer and the m-lines. */
export interface SessionState {
  dialog: Dialog | undefined;
  offer: SessionDescription;
  lines: Line[];
  released: boolean;
  /** Steps 2 and 3 as the set-up rules decided them; later offers in the session keep them. */
  readonly withFileAttributes: boolean;
  /** apply-rfc5547: answers are held to RFC 5547 §8 (file-selector and file-transfer-id echoed). */
  readonly rfc5547: boolean;
  /** request-success-reports: every SEND of the session asks for a success REPORT, whatever the application's option. */
  readonly successReports: boolean;
  /** Group sessions: our subscription to the focus's conference state (RFC 4575). */
  group?: GroupConferenceSubscription | undefined;
  /** Every file offered in this session by its a=file-transfer-id, for the members' reports. */
  offeredFiles?: Map<string, PreparedFile>;
  /** The peer ended the session with BYE: its Reason (RFC 3326), for the files that fail by it. */
  peerEnded?: string;
  /** An MSRP connection failed: the release does not wait long for the BYE's response. */
  broken?: boolean;
  /** The Server header of the INVITE's 2xx (RFC 3261 §20.35): who answered, for peer-data-path.ts. */
  peerServer?: string | undefined;
  /** Warning texts of the answer (RFC 3261 §20.43): why the receiver refused m-lines. */
  warnings?: readonly string[];
}

/** `: the receiver says "..."` for the Warning texts that name `name` (else all of them), or ''. */
export function warningFor(warnings: readonly string[] | undefined, name: string): string {
  if (warnings === undefined || warnings.length === 0) return '';
  const mine = warnings.filter((w) => w.includes(name));
  return `: the receiver says ${(mine.length > 0 ? mine : warnings).map((w) => JSON.stringify(w)).join(', ')}`;
}

/** A batch waiting in the queue: paths not yet read, or files prepared and put back. */
export type QueuedItem = string | PreparedFile;

/** A SIP request that threw: Timer B/F expiring is a timeout (RFC 3261 §17.1.1.2: treated as 408). */
export function sipErrorFailure(error: unknown, prefix = ''): FileFailureCause {
  const message = `${prefix}${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof CpmError && (error.code === 'ERR_SIP_TRANSACTION_TIMEOUT' || error.code === 'ERR_SIP_INVITE_TIMEOUT')) return { source: 'timeout', status: 408, code: error.code, message };
  return { source: 'connection', ...(error instanceof CpmError ? { code: error.code } : {}), message };
}

/**
 * RFC 4975 §5.4: before RFC 6135, the offerer always opened the connection and answers carried no
 * a=setup. Such an answer to our actpass offer is read as if the answerer had said passive, so the
 * offer/answer check accepts it and we connect.
 */
export function legacySetup(offer: SessionDescription, answer: SessionDescription): SessionDescription {
  // The answer itself when no m-line needs the implied a=setup (every RFC 6135 peer): a deep copy
  // of every answer (structuredClone) was a measurable part of the sender's cost per session. Else
  // a copy that shares the untouched m-lines and gives the changed ones their own attribute list.
  const needsSetup = (media: SessionDescription['media'][number], index: number): boolean => {
    const offered = offer.media[index];
    return media.port !== 0 && offered !== undefined && getSetup(offered, offer) === 'actpass' && getSetup(media, answer) === undefined;
  };
  if (!answer.media.some(needsSetup)) return answer;
  return {
    ...answer,
    media: answer.media.map((media, index) => needsSetup(media, index) ? { ...media, attributes: [...media.attributes, { name: 'setup', value: 'passive' }] } : media),
  };
}

/** The SDP answer of a 2xx: the body, or its application/sdp part (a group focus may answer multipart). */
export function parseAnswer(response: SipResponse): { ok: true; sdp: SessionDescription } | { ok: false; message: string } {
  let body = response.body;
  const type = response.headers.get('Content-Type') ?? '';
  if (/^multipart\//i.test(type.trim())) {
    const parts = parseMultipart(body, type);
    const part = parts.ok ? parts.value.find((p) => /^application\/sdp/i.test(p.headers.get('Content-Type') ?? '')) : undefined;
    if (part === undefined) return { ok: false, message: 'the answer has no application/sdp part' };
    body = part.body;
  }
  if (body.length === 0) return { ok: false, message: 'the 2xx carries no SDP answer' };
  const parsed = parseSessionDescription(body.toString('utf8'), 'sdp answer');
  return parsed.ok ? { ok: true, sdp: parsed.value } : { ok: false, message: parsed.error.message };
}

export function closeLines(state: SessionState): void {
  for (const line of state.lines) line.session?.close();
}
