// What a conformance scenario hands the wire expectations: the record, the situation it built
// (files, batches, destination URIs, facts) and what the sender reported.
import type { ProcedureEvent, ProcedureGuard } from '../../procedure/vocabulary.ts';
import type { WireRecord } from './wire-record.ts';

export interface ScenarioFile {
  readonly name: string;
  readonly size: number;
}

export interface ScenarioFailure {
  readonly name: string;
  readonly status: number | undefined;
  readonly source: string;
}

export interface ScenarioOutcome {
  readonly record: WireRecord;
  /** The facts the scenario was built to make true. */
  readonly facts: readonly ProcedureGuard[];
  /** The first batch, offered in the initial INVITE. */
  readonly batch: readonly ScenarioFile[];
  /** The batch queued for the same destination (empty when none was queued). */
  readonly queued: readonly ScenarioFile[];
  /** The SIP URIs the scripted peer answers on, and the recipients of a list. */
  readonly peer: { readonly recipient: string; readonly factory: string; readonly group: string; readonly recipients: readonly string[] };
  /** The file the peer made fail and the MSRP status it used, if any. */
  readonly injectedFailure: { readonly file: string; readonly status: number; readonly via: 'response' | 'report' } | undefined;
  /** The sender's 'file-failed' events, in order. */
  readonly failures: readonly ScenarioFailure[];
  /** The sender's executed decisions, in order. */
  readonly decisions: readonly { readonly rule: string; readonly action: string; readonly args: readonly string[] }[];
  /** Every event the sender ran rules for, in order, with the facts that held when it did. */
  readonly raised: readonly { readonly event: ProcedureEvent; readonly facts: readonly ProcedureGuard[] }[];
  /** Set when the scenario itself could not run to its end (timeout, sender crash). */
  readonly error: string | undefined;
}
