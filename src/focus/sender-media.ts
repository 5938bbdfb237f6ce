// The sender's side of a group session's media: one MSRP session per file m-line the focus
// accepted, whose incoming files are handed to the member relays, and whose connection state
// drives the session's lifetime (set-up time, loss during a file).

import {
  getPath, isMsrpMedia, type MediaDecision, type MessageRejection, type MessageSink, type IncomingMessageInfo,
  type MsrpEndpoint, type MsrpSession, parseMsrpPath, type SdpMedia, type SessionLifetime,
} from '../../runtime/index.ts';
import type { FocusEvent } from './focus-types.ts';

export interface SenderMediaContext {
  readonly session: string;
  readonly msrp: MsrpEndpoint;
  readonly msrpTransactionTimeoutMs: number;
  readonly lifetime: SessionLifetime;
  readonly emit: (event: FocusEvent) => void;
  /** A file is being relayed now: a lost connection cuts it. */
  readonly busy: () => boolean;
  /** The sender starts a file on m-line `index`. */
  readonly startFile: (index: number, info: IncomingMessageInfo, inbound: MsrpSession) => MessageSink | MessageRejection;
}

export class SenderMedia {
  readonly #ctx: SenderMediaContext;
  /** Per m-line: our MSRP session with the sender, while that file is relayed. */
  #inbound: (MsrpSession | undefined)[] = [];

  constructor(ctx: SenderMediaContext) {
    this.#ctx = ctx;
  }

  /** Our MSRP session with the sender on m-line `index`, if that file is open. */
  at(index: number): MsrpSession | undefined { return this.#inbound[index]; }

  /** Some connection the sender must open is not up yet. */
  get awaitingConnection(): boolean {
    return this.#inbound.some((s) => s !== undefined && s.connection === undefined);
  }

  /** The decision for one of the sender's m-lines, opening our MSRP session when accepted. */
  open(media: SdpMedia, index: number, accept: boolean): MediaDecision {
    if (!accept || !isMsrpMedia(media) || media.port === 0) return { kind: 'reject' };
    const ctx = this.#ctx;
    const session = ctx.msrp.createSession({
      delegate: {
        onMessageStart: (info) => ctx.startFile(index, info, session),
        // The sender's connection went while a file was being relayed: nothing more can come.
        onClose: (error) => {
          if (this.#inbound[index] === session && ctx.busy()) ctx.lifetime.end({ cause: 'msrp-connection-lost', text: `the sender's MSRP connection closed during a file (${error.message})` });
        },
      },
      transactionTimeoutMs: ctx.msrpTransactionTimeoutMs,
    });
    this.#inbound[index] = session;
    const path = parseMsrpPath(getPath(media).join(' '));
    if (path.ok) session.setRemotePath(path.value);
    return { kind: 'accept', port: ctx.msrp.port, path: [session.localPathText] };
  }

  /** After our 2xx: connect to the sender when our answer made us the active side. */
  connect(media: SdpMedia | undefined, index: number): void {
    const session = this.#inbound[index];
    if (media === undefined || session === undefined) return;
    const ctx = this.#ctx;
    // RFC 6135 §4: answering an actpass/passive offer we chose active (answerSetup), so we
    // connect; for an active (or setup-less, RFC 4975 §5.4) offerer we wait for it.
    const offered = media.attributes.find((a) => a.name === 'setup')?.value ?? undefined;
    if (offered === 'actpass' || offered === 'passive') {
      session.connect().then(() => this.#noteBound(), (error: unknown) => {
        ctx.emit({ type: 'file-completed', session: ctx.session, media: index, delivered: [], failed: [`sender (MSRP connect failed: ${String(error)})`] });
        // We are the active side towards the sender: it learns at once, from our BYE's Reason.
        ctx.lifetime.end({ cause: 'msrp-connect-failed', text: `cannot connect to the sender's MSRP path: ${error instanceof Error ? error.message : String(error)}` });
      });
    } else {
      session.waitBound().then(() => this.#noteBound(), () => undefined);
    }
  }

  /** The file on m-line `index` left the session (closed or replaced by a re-INVITE). */
  close(index: number): void {
    this.#inbound[index]?.close();
    this.#inbound[index] = undefined;
  }

  closeAll(): void {
    for (const s of this.#inbound) s?.close();
    this.#inbound = [];
  }

  #noteBound(): void {
    if (this.#inbound.every((s) => s === undefined || s.connection !== undefined)) this.#ctx.lifetime.established();
  }
}
