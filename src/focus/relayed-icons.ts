// RFC 5547 §6 file icons through the focus: the icons of the sender's (re-)INVITE are checked exactly
// as a receiver checks them (offered-icons.ts: the cid: URL must name a binary part marked
// Content-Disposition: icon, an accepted image by its bytes, within the size cap) and then offered
// to every member with the same Content-ID, so each member's m-line keeps its a=file-icon:cid:…. An
// icon that fails a check is not relayed, and its a=file-icon is removed from the members' m-lines,
// so no member is pointed at a part that is not there; the file itself is relayed as usual.

import { extractOfferedIcons, type IconBodyPart, type IconProblem, type SdpMedia, type SipRequest } from '../../runtime/index.ts';
import { fileTransferProcedures } from '../procedures.ts';

export interface RelayedIcons {
  /** m-line index → the checked icon and its Content-ID. */
  readonly byIndex: ReadonlyMap<number, IconBodyPart>;
  readonly problems: readonly IconProblem[];
}

/** The icons of a sender's INVITE or re-INVITE that may be relayed to the members. */
export function iconsToRelay(request: SipRequest): RelayedIcons {
  const found = extractOfferedIcons(request, fileTransferProcedures);
  return {
    byIndex: new Map(found.icons.map((i) => [i.index, { contentId: i.contentId, icon: { type: i.type, bytes: i.bytes } }])),
    problems: found.problems,
  };
}

/** A member's copy of an m-line keeps a=file-icon only when its icon is relayed with it. */
export function keepIconAttribute(media: SdpMedia, relayed: boolean): void {
  if (relayed) return;
  media.attributes = media.attributes.filter((a) => a.name !== 'file-icon');
}

/** The icon parts for a member's offer: the relayed icons of the m-lines it offers as open. */
export function iconPartsFor(offerMedia: readonly SdpMedia[], icons: ReadonlyMap<number, IconBodyPart>, only?: readonly number[]): IconBodyPart[] {
  return offerMedia.flatMap((media, index) => {
    if (media.port === 0 || (only !== undefined && !only.includes(index))) return [];
    const icon = icons.get(index);
    return icon === undefined ? [] : [icon];
  });
}
