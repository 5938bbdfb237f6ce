// Hands RFC 5547 file icons of incoming INVITEs to the client's 'icon' event, but only for offers
// the receiver accepted: the icons are read when the INVITE arrives (they are in its body) and kept,
// bounded, until the receiver's 'offer' event for the same transfer id says whether it was taken.

import { extractOfferedIcons, type FileTransferProcedures, type OfferedIcon, type SipRequest, type TransferLogger } from '../runtime/index.ts';
import type { IncomingTransferEvents } from './client-types.ts';

/** Icons waiting for their offer's decision; an INVITE refused before any decision leaves its own here. */
const MAX_PENDING = 256;

export class OfferedIconRelay {
  readonly #pending = new Map<string, OfferedIcon>();
  readonly #procedures: FileTransferProcedures;
  readonly #maxBytes: () => number | undefined;
  readonly #emit: (payload: IncomingTransferEvents['icon']) => void;
  readonly #log: TransferLogger | undefined;

  constructor(options: {
    procedures: FileTransferProcedures;
    maxBytes: () => number | undefined;
    emit: (payload: IncomingTransferEvents['icon']) => void;
    log?: TransferLogger;
  }) {
    this.#procedures = options.procedures;
    this.#maxBytes = options.maxBytes;
    this.#emit = options.emit;
    this.#log = options.log;
  }

  /** Reads the icons of an (re-)INVITE; problems are logged and otherwise ignored. */
  noteRequest(request: SipRequest): void {
    const max = this.#maxBytes();
    const found = extractOfferedIcons(request, this.#procedures, max === undefined ? {} : { maxBytes: max });
    for (const p of found.problems) {
      this.#log?.({ kind: 'file', event: 'icon-refused', index: p.index, transferId: p.transferId, reason: p.reason });
    }
    for (const icon of found.icons) {
      this.#pending.delete(icon.transferId);
      this.#pending.set(icon.transferId, icon);
      while (this.#pending.size > MAX_PENDING) {
        const oldest = this.#pending.keys().next().value;
        if (oldest === undefined) break;
        this.#pending.delete(oldest);
      }
    }
  }

  /** The receiver decided on an offer: an accepted one with an icon gets its 'icon' event. */
  onOffer(offer: IncomingTransferEvents['offer']): void {
    const icon = this.#pending.get(offer.transferId);
    if (icon === undefined) return;
    this.#pending.delete(offer.transferId);
    if (!offer.accepted) return;
    this.#log?.({ kind: 'file', event: 'icon', transferId: offer.transferId, type: icon.type, size: icon.bytes.length });
    this.#emit({ transferId: offer.transferId, name: offer.name, from: offer.from, type: icon.type, bytes: icon.bytes, contentId: icon.contentId });
  }
}
