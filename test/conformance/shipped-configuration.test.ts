// Every generated wire scenario of the sending side, run again through the client as the package
// ships it. The generated conformance tests (generated/conformance/) run each scenario with the
// runtime's bare sender against a peer it does not tune toward; here the same scenarios (written
// by the generator from the spec of this tree into generated/conformance/wire-scenarios.json, so
// a landed CR's scenarios too) run through the library's createClient with its default options,
// twice: against a peer the client does not
// recognise (peer tuning stays off: 64 KiB chunks, Failure-Report: yes) and against one that
// announces itself as cpm-ft (the default `auto` tuning turns on: 256 KiB chunks,
// Failure-Report: partial, Success-Report: yes). The same expectations must hold on the wire, so
// a rule that holds only in the bare configuration fails here.
//
// With tuning on, every SEND asks for a success REPORT, so the `success-report-requested` fact is
// always true: a scenario that needs it false cannot arise toward a cpm-ft peer and is not run in
// that configuration (the test below lists how many are left out and why).
//
// The scenarios of the receiving side (RFC 5547 §8: offers pushed to us, re-offers, pulls from us)
// run the same way against the client's receive() or serve() with default options, the scripted
// offerer on the other end; only the folder and the accept-file answer are the application's.
// Every one of them can arise with the shipped defaults, so none is left out.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { WireScenarioData, WireScenariosFile } from '../../generator/emit/emit-wire-scenarios.ts';
import { eventRoles, type DecisionPoint, type ProcedureAction, type ProcedureEvent, type ProcedureGuard } from '../../runtime/index.ts';
import { expectAction, expectNoAction, expectRaised, runConformanceScenario } from '../../runtime/testing/conformance/index.ts';
import { fileTransferProcedures } from '../../src/procedures.ts';
import { shippedScenarioAnswerer, shippedScenarioClient } from '../helpers/shipped-scenario-client.ts';

// The scenarios the generator wrote beside the generated tests (the same cases, as data).
const scenarios = (JSON.parse(readFileSync(new URL('../../generated/conformance/wire-scenarios.json', import.meta.url), 'utf8')) as WireScenariosFile).scenarios;
const senderCases = scenarios.filter((c) => eventRoles[c.event as ProcedureEvent] === 'sender');
const receiverCases = scenarios.filter((c) => eventRoles[c.event as ProcedureEvent] === 'receiver');

const configurations = [
  { name: 'peer tuning off', peerProduct: undefined, arises: (_c: WireScenarioData) => true },
  // Tuned, Success-Report: yes goes on every SEND (runtime/transfer/peer-data-path.ts).
  { name: 'peer tuning on', peerProduct: 'cpm-ft', arises: (c: WireScenarioData) => c.held['success-report-requested'] !== false },
] as const;

async function shipped(c: WireScenarioData, peerProduct: string | undefined, side: 'sender' | 'receiver' = 'sender'): Promise<void> {
  const outcome = await runConformanceScenario({
    rule: c.rule,
    event: c.event as ProcedureEvent,
    facts: c.facts as ProcedureGuard[],
    decide: c.decide as Partial<Record<DecisionPoint, boolean>>,
    procedures: fileTransferProcedures,
    // As the generated tests do: the actions expected to show may shape the peer so their effect shows.
    actions: c.expectations.filter((e) => e.present).map((e) => e.action as ProcedureAction),
    ...(side === 'sender' ? { client: shippedScenarioClient } : { answerer: shippedScenarioAnswerer }),
    ...(peerProduct === undefined ? {} : { peerProduct }),
  });
  const problems = expectRaised(outcome, c.event as ProcedureEvent, c.held as Partial<Record<ProcedureGuard, boolean>>);
  for (const e of c.expectations) {
    const action = e.action as ProcedureAction;
    problems.push(...(e.present ? expectAction(outcome, action, e.args) : expectNoAction(outcome, action, e.args)));
  }
  if (outcome.error !== undefined && problems.length === 0) problems.push(`the scenario did not run to its end: ${outcome.error}`);
  expect(problems, `wire record:\n${outcome.record.describe()}`).toEqual([]);
}

describe('the generated wire scenarios through the shipped client (createClient, default options)', () => {
  it('covers every wire scenario of the sending side', () => {
    expect(senderCases.length).toBeGreaterThan(10);
    const tuned = senderCases.filter(configurations[1].arises);
    // Only the scenarios that need success-report-requested false are left out with tuning on.
    expect(senderCases.filter((c) => !tuned.includes(c)).every((c) => c.held['success-report-requested'] === false)).toBe(true);
    expect(tuned.length).toBeGreaterThan(senderCases.length / 2);
  });

  for (const configuration of configurations) {
    describe.concurrent(configuration.name, () => {
      for (const c of senderCases.filter(configuration.arises)) {
        it(`${c.title} [shipped, ${configuration.name}]`, () => shipped(c, configuration.peerProduct));
      }
    });
  }
});

describe('the generated wire scenarios of the receiving side through the shipped client (receive / serve, default options)', () => {
  it('covers every wire scenario of the receiving side, each event among them', () => {
    expect(receiverCases.length).toBeGreaterThan(5);
    expect(senderCases.length + receiverCases.length).toBe(scenarios.length);
    const events = new Set(receiverCases.map((c) => c.event));
    for (const event of ['file-offer-received', 'file-data-complete', 'mline-reoffered', 'pull-offer-received']) expect(events).toContain(event);
  });

  describe.concurrent('default options', () => {
    for (const c of receiverCases) {
      it(`${c.title} [shipped receiver]`, () => shipped(c, undefined, 'receiver'));
    }
  });
});
