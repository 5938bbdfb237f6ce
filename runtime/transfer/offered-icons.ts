// The receiving half of RFC 5547 §6 file-icon: for each offered file m-line with a=file-icon, find the
// body part of the INVITE whose Content-ID its cid: URL names (RFC 2392 §2) and check it (type by
// magic bytes, size cap). Nothing here throws: an icon that is missing, points nowhere, is not an
// image we accept or is too large becomes a problem to log, and the file offer itself is untouched.

import { cidUrlToContentId } from '../sdp/file-attribute-codecs.ts';
import { parseSessionDescription } from '../sdp/parse-session-description.ts';
import type { SessionDescription } from '../sdp/session-description.ts';
import { parseMultipart, type BodyPart } from '../sip/syntax/multipart.ts';
import type { SipRequest } from '../sip/syntax/sip-message.ts';
import { checkIcon, DEFAULT_MAX_ICON_BYTES, type FileIcon } from './file-icon.ts';
import type { FileTransferProcedures } from './file-transfer-procedures.ts';

export interface OfferedIcon extends FileIcon {
  /** The m-line (0-based) whose file the icon shows. */
  readonly index: number;
  readonly transferId: string;
  /** The offered file name, for display (untrusted, not a path). */
  readonly name: string | undefined;
  /** The part's Content-ID, without angle brackets. */
  readonly contentId: string;
}

export interface IconProblem {
  readonly index: number;
  readonly transferId: string | undefined;
  readonly reason: string;
}

export interface OfferedIcons {
  readonly icons: readonly OfferedIcon[];
  readonly problems: readonly IconProblem[];
}

const none: OfferedIcons = { icons: [], problems: [] };

/** RFC 2045 §7: Content-ID is a msg-id, `<left@right>`; compared here without brackets and spaces. */
function bareContentId(value: string): string {
  return value.trim().replace(/^<\s*/, '').replace(/\s*>$/, '');
}

/** The SDP and the other parts of a (possibly multipart) INVITE body. */
function splitBody(request: SipRequest): { sdp: string | undefined; parts: readonly BodyPart[] } {
  const type = (request.headers.get('Content-Type') ?? '').trim();
  if (!/^multipart\//i.test(type)) return { sdp: /^application\/sdp/i.test(type) ? request.body.toString('utf8') : undefined, parts: [] };
  const parts = parseMultipart(request.body, type);
  if (!parts.ok) return { sdp: undefined, parts: [] };
  const sdpPart = parts.value.find((p) => /^application\/sdp/i.test(p.headers.get('Content-Type') ?? ''));
  return { sdp: sdpPart?.body.toString('utf8'), parts: parts.value.filter((p) => p !== sdpPart) };
}

export function extractOfferedIcons(request: SipRequest, procedures: FileTransferProcedures, options: { maxBytes?: number } = {}): OfferedIcons {
  const { sdp, parts } = splitBody(request);
  if (sdp === undefined) return none;
  const parsed = parseSessionDescription(sdp, 'sdp offer');
  if (!parsed.ok) return none;
  return iconsOfOffer(parsed.value, parts, procedures, options.maxBytes ?? DEFAULT_MAX_ICON_BYTES);
}

function iconsOfOffer(offer: SessionDescription, parts: readonly BodyPart[], procedures: FileTransferProcedures, maxBytes: number): OfferedIcons {
  const icons: OfferedIcon[] = [];
  const problems: IconProblem[] = [];
  const byId = new Map<string, BodyPart>();
  for (const part of parts) {
    const id = part.headers.get('Content-ID');
    if (id !== undefined) byId.set(bareContentId(id), part);
  }
  for (const [index, media] of offer.media.entries()) {
    if (media.port === 0) continue;
    const attrs = procedures.fileAttributes.parse(media.attributes);
    if (!attrs.ok || attrs.value.fileIcon === undefined) continue;
    const transferId = attrs.value.fileTransferId;
    const problem = (reason: string): void => { problems.push({ index, transferId, reason }); };
    let contentId: string;
    try {
      contentId = bareContentId(cidUrlToContentId(attrs.value.fileIcon));
    } catch {
      problem(`a=file-icon ${JSON.stringify(attrs.value.fileIcon)} is not a valid cid: URL`);
      continue;
    }
    const part = byId.get(contentId);
    if (part === undefined) {
      problem(`a=file-icon points at Content-ID <${contentId}>, which no body part has`);
      continue;
    }
    // RFC 5547 §6: the part is an icon; another disposition means it was meant for something else.
    const disposition = (part.headers.get('Content-Disposition') ?? '').split(';')[0]?.trim().toLowerCase();
    if (disposition !== undefined && disposition !== '' && disposition !== 'icon') {
      problem(`the part <${contentId}> has Content-Disposition ${JSON.stringify(disposition)}, not icon`);
      continue;
    }
    const encoding = (part.headers.get('Content-Transfer-Encoding') ?? 'binary').trim().toLowerCase();
    if (encoding !== 'binary' && encoding !== '8bit') {
      problem(`the part <${contentId}> uses Content-Transfer-Encoding ${JSON.stringify(encoding)}; only binary icons are taken`);
      continue;
    }
    const declaredType = part.headers.get('Content-Type');
    const checked = checkIcon(part.body, { maxBytes, ...(declaredType !== undefined ? { declaredType } : {}) });
    if (!checked.ok) {
      problem(checked.error.message);
      continue;
    }
    icons.push({ ...checked.value, index, transferId, name: attrs.value.fileSelector?.name, contentId });
  }
  return { icons, problems };
}
