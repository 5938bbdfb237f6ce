// Builds a real situation in which the guard facts of a rule hold and its triggering event happens,
// runs the real sending client (runtime/transfer) with the procedures the caller passes in (the
// generated handlers and SDP builders) against the scripted peer over loopback SIP and MSRP, and
// returns the wire record and what the sender reported. Everything it opens it closes.
import { withTimeout } from '../../with-timeout.ts';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MsrpEndpoint } from '../../msrp/msrp-endpoint.ts';
import type { DecisionPoint, ProcedureEvent, ProcedureGuard } from '../../procedure/vocabulary.ts';
import { eventRoles, type SenderEvent } from '../../procedure/roles.ts';
import type { AnswererOutcome } from './answerer-outcome.ts';
import { runAnswererScenario } from './run-answerer-scenario.ts';
import { cpmContactParams } from '../../sip/cpm-headers.ts';
import { createUdpTransport } from '../../sip/transport/udp-transport.ts';
import { createUserAgent } from '../../sip/user-agent.ts';
import type { Destination } from '../../transfer/destination.ts';
import type { FileTransferProcedures } from '../../transfer/file-transfer-procedures.ts';
import { FileTransferSender } from '../../transfer/file-transfer-sender.ts';
import type { TransferSummary } from '../../transfer/transfer-types.ts';
import type { ScenarioFailure, ScenarioFile, ScenarioOutcome } from './scenario-outcome.ts';
import { createScriptedPeer, type ScriptedPeerScript } from './scripted-peer.ts';

export interface ConformanceScenario {
  /** The rule under test (for names and messages). */
  readonly rule: string;
  /** The guard facts that must hold; every other fact is left false where the situation allows. */
  readonly facts: readonly ProcedureGuard[];
  /** The client's answer per decision point; absent: the rule's default (SHOULD yes, SHOULD NOT no, MAY the vocabulary's). */
  readonly decide: Partial<Record<DecisionPoint, boolean>>;
  /** The event that must happen. */
  readonly event: ProcedureEvent;
  /** The generated procedures: handlers and RFC 5547 attribute builders. */
  readonly procedures: FileTransferProcedures;
  /** Upper bound for the whole run; default 10 s. */
  readonly timeoutMs?: number;
}

/** Status codes the peer injects for the two failure events of clause 7.6.1 step 5. */
export const injectedStatus = { 'msrp-error-response': 413, 'failure-report-received': 415 } as const;
/** A success REPORT is held back this long so a sender that does not wait for it is caught. */
export const successReportDelayMs = 150;

const fileNames = ['alpha.txt', 'bravo.txt', 'charlie.txt', 'delta.txt'] as const;
const listRecipients = ['sip:carol@example.com', 'sip:dave@example.com'] as const;

/** How many files each batch has so that exactly the requested facts hold. */
export function batchSizes(facts: readonly ProcedureGuard[]): { first: number; queued: number } {
  const has = (f: ProcedureGuard): boolean => facts.includes(f);
  // unused-mlines needs a first batch larger than the queued one: 2 files then 1.
  const first = has('more-than-one-file') || has('unused-mlines') ? 2 : 1;
  if (!has('pending-files-same-destination')) return { first, queued: 0 };
  return { first, queued: has('unused-mlines') ? first - 1 : first };
}

function destinationFor(facts: readonly ProcedureGuard[], uris: { recipient: string; factory: string; group: string }): Destination {
  if (facts.includes('recipient-list')) return { kind: 'recipient-list', uris: listRecipients, factory: uris.factory };
  if (facts.includes('predefined-group') || facts.includes('group-session')) return { kind: 'predefined-group', uri: uris.group };
  return { kind: 'one-recipient', uri: uris.recipient };
}


/**
 * Runs the scenario of a rule: a sender event runs the sending client against the scripted peer; a
 * receiver event (RFC 5547 §8) runs the receiver or file server against the scripted offerer
 * (run-answerer-scenario.ts). Generated wire tests call this one entry for every rule.
 */
export function runConformanceScenario(scenario: ConformanceScenario & { readonly event: SenderEvent }): Promise<ScenarioOutcome>;
export function runConformanceScenario(scenario: ConformanceScenario): Promise<ScenarioOutcome | AnswererOutcome>;
export function runConformanceScenario(scenario: ConformanceScenario): Promise<ScenarioOutcome | AnswererOutcome> {
  return eventRoles[scenario.event] === 'receiver' ? runAnswererScenario(scenario) : runSenderScenario(scenario);
}

async function runSenderScenario(scenario: ConformanceScenario): Promise<ScenarioOutcome> {
  const facts = [...scenario.facts];
  // The success-report-received event only happens when the sender asked for reports.
  if (scenario.event === 'success-report-received' && !facts.includes('success-report-requested')) facts.push('success-report-requested');
  const successReport = facts.includes('success-report-requested');
  const sizes = batchSizes(facts);
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-conformance-'));
  const make = async (name: string, index: number): Promise<ScenarioFile & { path: string }> => {
    const size = 700 + index * 131;
    const path = join(dir, name);
    await writeFile(path, randomBytes(size));
    return { name, size, path };
  };
  const batch = await Promise.all(fileNames.slice(0, sizes.first).map((n, i) => make(n, i)));
  const queued = await Promise.all(fileNames.slice(sizes.first, sizes.first + sizes.queued).map((n, i) => make(n, sizes.first + i)));

  const victim = batch[0]?.name ?? '';
  let injectedFailure: ScenarioOutcome['injectedFailure'];
  const script: ScriptedPeerScript = { successReportDelayMs };
  if (scenario.event === 'msrp-error-response') {
    injectedFailure = { file: victim, status: injectedStatus['msrp-error-response'], via: 'response' };
    Object.assign(script, { files: { [victim]: { sendStatus: injectedFailure.status } } });
  } else if (scenario.event === 'failure-report-received') {
    injectedFailure = { file: victim, status: injectedStatus['failure-report-received'], via: 'report' };
    Object.assign(script, { files: { [victim]: { failureReport: injectedFailure.status } } });
  }

  const peer = await createScriptedPeer({ transport: 'UDP', script });
  const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
  const ua = createUserAgent({ transports: [transport], localUri: 'sip:alice@127.0.0.1', contactParams: cpmContactParams(), userAgent: 'cpm-ft conformance sender' });
  const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1' });
  const sender = new FileTransferSender({
    ua,
    endpoint,
    procedures: scenario.procedures,
    successReport,
    reuseMlines: facts.includes('wants-mline-reuse'),
    decisions: scenario.decide,
    waitTimeoutMs: 3000,
  });
  const failures: ScenarioFailure[] = [];
  let summary: TransferSummary | undefined;
  let error: string | undefined;
  try {
    const transfer = sender.send(destinationFor(facts, peer.uris), batch.map((f) => f.path));
    if (queued.length > 0) transfer.queue(queued.map((f) => f.path));
    transfer.on('file-failed', (r) => failures.push({ name: r.name, status: r.failure.status, source: r.failure.source }));
    const ms = scenario.timeoutMs ?? 10_000;
    summary = await withTimeout(transfer.done, ms, () => new Error(`the transfer for ${scenario.rule} did not finish within ${ms} ms`));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    await withTimeout(sender.close(), 2000, () => new Error('closing the sender did not finish within 2000 ms')).catch(() => {});
  } finally {
    ua.close();
    await transport.close();
    await endpoint.close();
    await peer.close();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    record: peer.record,
    facts,
    batch: batch.map(({ name, size }) => ({ name, size })),
    queued: queued.map(({ name, size }) => ({ name, size })),
    peer: { ...peer.uris, recipients: [...listRecipients] },
    injectedFailure,
    failures,
    decisions: summary?.decisions ?? [],
    error,
  };
}
