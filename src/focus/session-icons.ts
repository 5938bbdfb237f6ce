// The file icons a group session relays (RFC 5547 §6): which sender m-line has a checked icon,
// kept up to date as re-INVITEs bring new files, and the member offers' bodies that carry them.

import { buildFileInviteBody, type IconBodyPart, type SessionDescription, serializeSessionDescription, type SipRequest } from '../../runtime/index.ts';
import type { FocusEvent } from './focus-types.ts';
import { iconPartsFor, iconsToRelay } from './relayed-icons.ts';

export class SessionIcons {
  readonly #session: string;
  readonly #emit: (event: FocusEvent) => void;
  /** The checked icon of each sender m-line that has one. */
  #byIndex: ReadonlyMap<number, IconBodyPart> = new Map();

  constructor(session: string, emit: (event: FocusEvent) => void) {
    this.#session = session;
    this.#emit = emit;
  }

  has(index: number): boolean { return this.#byIndex.has(index); }

  /** Reads the icons of the sender's (re-)INVITE for the m-lines `indices` (new files) and says what is relayed. */
  take(request: SipRequest, indices: readonly number[]): void {
    const found = iconsToRelay(request);
    const next = new Map(this.#byIndex);
    for (const i of indices) next.delete(i);
    for (const [i, icon] of found.byIndex) {
      if (!indices.includes(i)) continue;
      next.set(i, icon);
      this.#emit({ type: 'icon-relayed', session: this.#session, media: i, iconType: icon.icon.type, bytes: icon.icon.bytes.length });
    }
    for (const problem of found.problems) {
      if (indices.includes(problem.index)) this.#emit({ type: 'icon-refused', session: this.#session, media: problem.index, reason: problem.reason });
    }
    this.#byIndex = next;
  }

  /** The body of an offer to a member: SDP, plus the icon parts of the m-lines `only` (default all). */
  offerBody(offer: SessionDescription, only?: readonly number[]): { body: string | Buffer; contentType: string } {
    return buildFileInviteBody({ sdp: serializeSessionDescription(offer), icons: iconPartsFor(offer.media, this.#byIndex, only) });
  }
}
