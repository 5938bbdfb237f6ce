// The wire-level conformance harness: what generated conformance tests (and hand-written ones) use
// to run a rule's scenario against a scripted peer and to check each action's meaning on the wire.
export { runConformanceScenario, batchSizes, injectedStatus, successReportDelayMs, type ConformanceScenario } from './run-scenario.ts';
export { expectAction, expectNoAction, type WireCheck } from './expect-action.ts';
export { createScriptedPeer, selectorFileName, type ScriptedPeer, type ScriptedPeerOptions, type ScriptedPeerScript } from './scripted-peer.ts';
export type { MsrpFileScript, MsrpPeerScript, PeerMsrpSlot } from './scripted-msrp-endpoint.ts';
export { WireRecord, describeEntry, sipEntryOf, type MsrpWireEntry, type SipWireEntry, type WireEntry, type WireMline, type WireParty } from './wire-record.ts';
export type { ScenarioFailure, ScenarioFile, ScenarioOutcome } from './scenario-outcome.ts';
