// The situation a conformance scenario builds, as the vocabulary entries shape it: each event says
// how the scenario raises it, each guard how it makes the fact true, each decision point how it
// answers it, by changing these records before the runner starts (run-scenario.ts for the sender,
// run-answerer-scenario.ts for the receiving side). Defaults describe the plainest situation.
import type { ScenarioTransfer } from './scenario-client.ts';
import type { ScenarioOutcome } from './scenario-outcome.ts';
import type { ScriptedPeer, ScriptedPeerScript } from './scripted-peer.ts';

/** The first file of the first batch: the one a failure is injected for. */
export const scenarioVictim = 'alpha.txt';

/** The sending client's situation: destination, batches, options, and what the peer does. */
export interface SenderScenarioSetup {
  destination: 'one-recipient' | 'recipient-list' | 'predefined-group';
  /** Files in the first batch (offered in the initial INVITE). */
  firstBatch: number;
  /** A second batch is queued for the same destination. */
  queue: boolean;
  /** The queued batch has one file fewer than the first, leaving m-lines unused. */
  fewerQueued: boolean;
  /** Bytes of each file; undefined: small files of a few hundred bytes, one chunk each. */
  fileSize: number | undefined;
  successReport: boolean;
  reuseMlines: boolean;
  /** The sender's `decisions` option, by decision point (keyed by name: the points' own entries fill it). */
  readonly decisions: { [point: string]: boolean };
  /** The scripted peer's behaviour (failures to inject, ...). */
  script: ScriptedPeerScript;
  /** The failure the peer injects, for the expectations. */
  injectedFailure: ScenarioOutcome['injectedFailure'];
  /** Set by an event raised from the application's side: runs once the transfer has started. */
  act: ((transfer: ScenarioTransfer, peer: ScriptedPeer, file: string) => Promise<void> | void) | undefined;
}

export const defaultSenderSetup = (): SenderScenarioSetup => ({
  destination: 'one-recipient',
  firstBatch: 1,
  queue: false,
  fewerQueued: false,
  fileSize: undefined,
  successReport: false,
  reuseMlines: false,
  decisions: {},
  script: {},
  injectedFailure: undefined,
  act: undefined,
});

/** The situation of the receiving side: who answers, and what the scripted offerer offers. */
export interface AnswererScenarioSetup {
  answerer: 'receiver' | 'file-server';
  /** Direction of the offered push m-line. */
  direction: 'sendonly' | 'sendrecv';
  /** The file-selector carries the file's hash. */
  withHash: boolean;
  /** The pushed bytes differ from the offered hash. */
  corrupt: boolean;
  /** A pull's selector names the served file (else a name the server lacks). */
  selectorFindsFile: boolean;
  /** What a re-INVITE offers on m-line 0, if one is sent. */
  reoffer: 'none' | 'same' | 'port-zero' | 'new-transfer';
  /** The receiver's `accept` answer; undefined: its own (the size limit). */
  accept: boolean | undefined;
}

export const defaultAnswererSetup = (): AnswererScenarioSetup => ({
  answerer: 'receiver',
  direction: 'sendonly',
  withHash: true,
  corrupt: false,
  selectorFindsFile: false,
  reoffer: 'none',
  accept: undefined,
});

/** The setup record of each side. */
export interface ScenarioSetups {
  sender: SenderScenarioSetup;
  receiver: AnswererScenarioSetup;
}
