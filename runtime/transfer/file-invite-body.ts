// The body of a file-transfer INVITE. Plain SDP when there is nothing else to carry; otherwise one
// multipart/mixed body (RFC 2046 §5.1.3; RFC 5366 §4 uses it for the list, INTEROP.md §8 for icons)
// holding the SDP first, the RFC 4826 recipient list of an ad-hoc group (CPM 7.4.1.1), and one
// part per file icon (RFC 5547 §6 file-icon), each named by the Content-ID its m-line's
// a=file-icon:cid:… points at and marked Content-Disposition: icon.

import { buildResourceLists } from '../group/build-resource-lists.ts';
import { buildMultipart, type BodyPart } from '../sip/syntax/multipart.ts';
import { SipHeaders } from '../sip/syntax/sip-headers.ts';
import type { FileIcon } from './file-icon.ts';

export interface IconBodyPart {
  /** Content-ID without angle brackets; the m-line carries `a=file-icon:cid:<this>`. */
  readonly contentId: string;
  readonly icon: FileIcon;
}

export interface FileInviteBodyInput {
  readonly sdp: string;
  /** Members of an ad-hoc group (RFC 5366 recipient list), if any. */
  readonly recipients?: readonly string[];
  readonly icons?: readonly IconBodyPart[];
}

export interface FileInviteBody {
  readonly body: string | Buffer;
  readonly contentType: string;
}

/** The icon part for one file: binary image bytes, Content-ID and the `icon` disposition of RFC 5547. */
export function iconBodyPart(part: IconBodyPart): BodyPart {
  const headers = new SipHeaders();
  headers.append('Content-Type', part.icon.type);
  // SIP bodies are 8-bit clean (RFC 3261 §7.4); the part says so rather than leaving it implied.
  headers.append('Content-Transfer-Encoding', 'binary');
  headers.append('Content-ID', `<${part.contentId}>`);
  headers.append('Content-Disposition', 'icon');
  return { headers, body: part.icon.bytes };
}

export function buildFileInviteBody(input: FileInviteBodyInput): FileInviteBody {
  const icons = input.icons ?? [];
  if (input.recipients === undefined && icons.length === 0) return { body: input.sdp, contentType: 'application/sdp' };
  const sdpHeaders = new SipHeaders();
  sdpHeaders.append('Content-Type', 'application/sdp');
  const parts: BodyPart[] = [{ headers: sdpHeaders, body: Buffer.from(input.sdp, 'utf8') }];
  if (input.recipients !== undefined) {
    const listHeaders = new SipHeaders();
    listHeaders.append('Content-Type', 'application/resource-lists+xml');
    // RFC 5366 §4: the list part is marked as the recipient list and must be handled.
    listHeaders.append('Content-Disposition', 'recipient-list');
    parts.push({ headers: listHeaders, body: Buffer.from(buildResourceLists(input.recipients), 'utf8') });
  }
  for (const icon of icons) parts.push(iconBodyPart(icon));
  const built = buildMultipart(parts);
  return { body: built.body, contentType: built.contentType };
}

/** The icon parts for the files of one offer, in m-line order (files without an icon have none). */
export function iconPartsOf(files: ReadonlyArray<{ readonly icon?: IconBodyPart | undefined }>): IconBodyPart[] {
  return files.flatMap((f) => (f.icon === undefined ? [] : [f.icon]));
}
