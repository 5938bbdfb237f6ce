// What an answerer scenario hands the wire expectations of the receiving side's actions: the SIP
// record (the scripted offerer is recorded as 'sender', the receiver or file server under test as
// 'peer'), the m-line it offered, what came back, and what then happened to each file over MSRP
// and in the receiver's folder.
import type { ProcedureEvent, ProcedureGuard } from '../../procedure/vocabulary.ts';
import type { SipWireEntry, WireRecord } from './wire-record.ts';

/** The file m-line an INVITE (or re-INVITE) offered at index 0. */
export interface OfferedMline {
  readonly name: string;
  readonly size: number;
  readonly selector: string;
  readonly transferId: string;
}

/** One attempt of the offerer to push a file over MSRP. */
export interface PushAttempt {
  readonly name: string;
  /** 'first': on the m-line's first MSRP session; 'second': on the session a re-offer opened. */
  readonly session: 'first' | 'second';
  readonly outcome: 'delivered' | 'refused';
  /** The MSRP status of a refusal, when the receiver answered one. */
  readonly status: number | undefined;
}

export interface AnswererOutcome {
  readonly kind: 'answerer';
  readonly record: WireRecord;
  readonly event: ProcedureEvent;
  readonly facts: readonly ProcedureGuard[];
  /** m-line 0 of the INVITE, and of the re-INVITE when the scenario sent one. */
  readonly offer: OfferedMline;
  readonly reoffer: OfferedMline | undefined;
  /** The final responses to the INVITE and the re-INVITE. */
  readonly answer: SipWireEntry | undefined;
  readonly reanswer: SipWireEntry | undefined;
  /** The bytes the offerer pushed differ from the offered hash (file-data-complete scenarios). */
  readonly corrupted: boolean;
  readonly pushes: readonly PushAttempt[];
  /** Pull: whether the served file arrived whole, byte for byte (undefined when nothing came). */
  readonly pulled: { readonly bytes: number; readonly identical: boolean } | undefined;
  /** Names of the files the receiver published in its folder (hidden temporary files left out). */
  readonly published: readonly string[];
  readonly error: string | undefined;
}

export const isAnswererOutcome = (outcome: object): outcome is AnswererOutcome => (outcome as { readonly kind?: unknown }).kind === 'answerer';

/** Sizes of an answerer scenario's files: the pushed one, the one a re-offer brings, the served one. */
export const answererFileSizes = { pushed: 700, reoffered: 831, served: 962 } as const;
