// The wire-level conformance harness: what generated conformance tests (and hand-written ones) use
// to run a rule's scenario against a scripted peer and to check each action's meaning on the wire.
export { runConformanceScenario, batchSizes, injectedStatus, successReportDelayMs, type ConformanceScenario } from './run-scenario.ts';
export { runtimeScenarioClient, type ScenarioClient, type ScenarioClientFactory, type ScenarioClientInputs, type ScenarioTransfer } from './scenario-client.ts';
export { expectAction, expectNoAction, type WireCheck } from './expect-action.ts';
export { expectRaised } from './expect-raised.ts';
export { runAnswererScenario, runtimeScenarioAnswerer, answererFileSizes, type AnswererScenario, type ScenarioAnswerer, type ScenarioAnswererFactory, type ScenarioAnswererInputs } from './run-answerer-scenario.ts';
export { answerChecks, answerAbsenceChecks, type AnswerCheck } from './expect-answer.ts';
export { isAnswererOutcome, type AnswererOutcome, type OfferedMline, type PushAttempt } from './answerer-outcome.ts';
export { ScriptedOfferer, offerSdp, selectorOf, type MlineOffer } from './scripted-offerer.ts';
export { createScriptedPeer, selectorFileName, type ScriptedPeer, type ScriptedPeerOptions, type ScriptedPeerScript } from './scripted-peer.ts';
export type { MsrpFileScript, MsrpPeerScript, PeerMsrpSlot } from './scripted-msrp-endpoint.ts';
export { WireRecord, describeEntry, sipEntryOf, type MsrpWireEntry, type SipWireEntry, type WireEntry, type WireMline, type WireParty } from './wire-record.ts';
export type { ScenarioFailure, ScenarioFile, ScenarioOutcome } from './scenario-outcome.ts';
