// Builds a real situation in which the guard facts of a rule hold and its triggering event happens,
// runs the real sending client (runtime/transfer) with the procedures the caller passes in (the
// generated handlers and SDP builders) against the scripted peer over loopback SIP and MSRP, and
// returns the wire record and what the sender reported. How the situation is built comes from the
// vocabulary entries: each fact's `makeTrue`, the event's `raise`, each decision point's `answer`
// change one SenderScenarioSetup (scenario-setup.ts). Everything it opens it closes.
import { withTimeout } from '../../with-timeout.ts';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionEntries, decisionPointEntries, eventEntries, guardEntries, type DecisionPoint, type ProcedureAction, type ProcedureEvent, type ProcedureGuard } from '../../procedure/vocabulary.ts';
import { eventRoles, type SenderEvent } from '../../procedure/roles.ts';
import type { AnswererOutcome } from './answerer-outcome.ts';
import { runAnswererScenario, type ScenarioAnswererFactory } from './run-answerer-scenario.ts';
import type { Destination } from '../../transfer/destination.ts';
import type { FileTransferProcedures } from '../../transfer/file-transfer-procedures.ts';
import type { TransferSummary } from '../../transfer/transfer-types.ts';
import type { ScenarioFailure, ScenarioFile, ScenarioOutcome } from './scenario-outcome.ts';
import { defaultSenderSetup, type SenderScenarioSetup } from './scenario-setup.ts';
import { runtimeScenarioClient, type ScenarioClient, type ScenarioClientFactory } from './scenario-client.ts';
import { createScriptedPeer } from './scripted-peer.ts';

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
  /** The sending client (sender events only); default the runtime's sender with its defaults (scenario-client.ts). */
  readonly client?: ScenarioClientFactory;
  /** The answering side (receiver events only); default the runtime's bare receiver or file server (run-answerer-scenario.ts). */
  readonly answerer?: ScenarioAnswererFactory;
  /**
   * The product name the scripted peer gives in its User-Agent and Server headers; default one no
   * sender tunes toward. `cpm-ft` makes it pass for a cpm-ft receiver (runtime/transfer/peer-data-path.ts).
   */
  readonly peerProduct?: string;
  /** The actions the test expects to see: an action whose entry has an `observe` hook shapes the peer so its effect shows. */
  readonly actions?: readonly ProcedureAction[];
}

/** A success REPORT is held back this long so a sender that does not wait for it is caught. */
export const successReportDelayMs = 150;

const fileNames = ['alpha.txt', 'bravo.txt', 'charlie.txt', 'delta.txt'] as const;
const listRecipients = ['sip:carol@example.com', 'sip:dave@example.com'] as const;

/** The facts of a sender scenario: those asked for, and those its event implies. */
function scenarioFacts(event: ProcedureEvent, facts: readonly ProcedureGuard[]): ProcedureGuard[] {
  const all = [...facts];
  for (const fact of eventEntries[event].implies ?? []) if (!all.includes(fact)) all.push(fact);
  return all;
}

/** The situation the entries build for these facts, event and answers. */
export function senderSetup(
  event: ProcedureEvent | undefined,
  facts: readonly ProcedureGuard[],
  decide: Partial<Record<DecisionPoint, boolean>> = {},
  actions: readonly ProcedureAction[] = [],
): SenderScenarioSetup {
  const setup = defaultSenderSetup();
  // Facts in the order the vocabulary lists them, so the situation does not depend on the order a rule names them.
  for (const [name, guard] of Object.entries(guardEntries)) if (facts.includes(name as ProcedureGuard) && guard.role === 'sender') guard.makeTrue(setup);
  const raised = event === undefined ? undefined : eventEntries[event];
  if (raised !== undefined && raised.role === 'sender') raised.raise(setup);
  for (const [point, yes] of Object.entries(decide)) {
    const entry = decisionPointEntries[point as DecisionPoint];
    if (entry.role === 'sender' && yes !== undefined) entry.answer(setup, yes);
  }
  for (const name of actions) {
    const entry = actionEntries[name];
    if (entry.role === 'sender') entry.observe?.(setup);
  }
  return setup;
}

/** How many files each batch has so that exactly the requested facts hold. */
export function batchSizes(facts: readonly ProcedureGuard[]): { first: number; queued: number } {
  const setup = senderSetup(undefined, facts);
  return { first: setup.firstBatch, queued: !setup.queue ? 0 : setup.fewerQueued ? setup.firstBatch - 1 : setup.firstBatch };
}

/** Status codes the peer injects for the events that fail a file (clause 7.6.1 step 5), from their entries. */
export const injectedStatus: Partial<Record<ProcedureEvent, number>> = Object.fromEntries(
  (Object.keys(eventEntries) as ProcedureEvent[]).flatMap((event) => {
    const status = eventEntries[event].role === 'sender' ? senderSetup(event, []).injectedFailure?.status : undefined;
    return status === undefined ? [] : [[event, status]];
  }),
);

function destinationFor(setup: SenderScenarioSetup, uris: { recipient: string; factory: string; group: string }): Destination {
  if (setup.destination === 'recipient-list') return { kind: 'recipient-list', uris: listRecipients, factory: uris.factory };
  if (setup.destination === 'predefined-group') return { kind: 'predefined-group', uri: uris.group };
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
  const facts = scenarioFacts(scenario.event, scenario.facts);
  const setup = senderSetup(scenario.event, facts, scenario.decide, scenario.actions);
  const sizes = batchSizes(facts);
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-conformance-'));
  const make = async (name: string, index: number): Promise<ScenarioFile & { path: string }> => {
    const size = setup.fileSize ?? 700 + index * 131;
    const path = join(dir, name);
    await writeFile(path, randomBytes(size));
    return { name, size, path };
  };
  const batch = await Promise.all(fileNames.slice(0, sizes.first).map((n, i) => make(n, i)));
  const queued = await Promise.all(fileNames.slice(sizes.first, sizes.first + sizes.queued).map((n, i) => make(n, sizes.first + i)));
  const script = { successReportDelayMs, ...setup.script };

  const peer = await createScriptedPeer({ transport: 'UDP', script, ...(scenario.peerProduct === undefined ? {} : { product: scenario.peerProduct }) });
  const raised: { event: ProcedureEvent; facts: ProcedureGuard[] }[] = [];
  const failures: ScenarioFailure[] = [];
  let summary: TransferSummary | undefined;
  let error: string | undefined;
  let client: ScenarioClient | undefined;
  try {
    client = await (scenario.client ?? runtimeScenarioClient)({
      procedures: scenario.procedures,
      successReport: setup.successReport,
      reuseMlines: setup.reuseMlines,
      decisions: setup.decisions,
      log: (e) => {
        if (e.kind === 'rule' && Array.isArray(e['facts'])) raised.push({ event: e['event'] as ProcedureEvent, facts: e['facts'] as ProcedureGuard[] });
      },
    });
    const transfer = client.send(destinationFor(setup, peer.uris), batch.map((f) => f.path));
    if (queued.length > 0) transfer.queue(queued.map((f) => f.path));
    transfer.on('file-failed', (r) => failures.push({ name: r.name, status: r.failure.status, source: r.failure.source }));
    // The bound covers what the scenario does to the transfer (a cancel) as well as its end.
    const ms = scenario.timeoutMs ?? 10_000;
    const run = (async () => {
      await setup.act?.(transfer, peer, batch[0]?.name ?? '');
      return transfer.done;
    })();
    summary = await withTimeout(run, ms, () => new Error(`the transfer for ${scenario.rule} did not finish within ${ms} ms`));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    await client?.close();
    await peer.close();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    record: peer.record,
    facts,
    batch: batch.map(({ name, size }) => ({ name, size })),
    queued: queued.map(({ name, size }) => ({ name, size })),
    peer: { ...peer.uris, recipients: [...listRecipients] },
    injectedFailure: setup.injectedFailure,
    failures,
    decisions: summary?.decisions ?? [],
    raised,
    error,
  };
}
