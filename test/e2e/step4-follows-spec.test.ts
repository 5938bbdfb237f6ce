// Clause 7.6.1 step 4 end to end, judged against whatever the spec of this tree says: the expected
// outcome of a two-batch send (re-INVITE in the same session, or a second session) is computed
// from the spec's own rules with the generator's rule semantics, then two real clients run it over
// loopback and the SIP messages on the wire must match. A CR that changes a step-4 rule changes the
// expectation with it (test/cr-workflow runs this file in a copy with each example CR landed); a
// runtime that re-INVITEs although the spec forbids it fails here.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluateEvent } from '../../generator/emit/rule-semantics.ts';
import type { SpecIR } from '../../generator/ir/types.ts';
import { loadSpec } from '../../generator/load-spec.ts';
import { decisionPoints, type DecisionPoint } from '../../runtime/index.ts';
import { listDir, markHandles, startPair, writeTestFile, type Pair } from './transfer-harness.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
let ir: SpecIR;
beforeAll(async () => {
  const loaded = await loadSpec(root);
  if (loaded.ir === null) throw new Error(`the spec of this tree does not compile: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  ir = loaded.ir;
});

let pair: Pair | undefined;
beforeEach(markHandles);
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

/** The runtime's answer at a decision point: the application's, else the modality's default. */
function answer(point: string, modality: string, given: boolean | undefined): boolean {
  if (given !== undefined) return given;
  if (modality === 'SHOULD') return true;
  if (modality === 'SHOULD NOT') return false;
  return decisionPoints[point as DecisionPoint].mayDefault;
}

/** What the spec says happens after the first batch: true = a re-INVITE carries the queued batch. */
function specReinvites(checkPendingFiles: boolean | undefined): boolean {
  const facts = { 'one-recipient': true, 'one-to-one-session': true, 'pending-files-same-destination': true, 'wants-mline-reuse': true };
  const modalityOf = new Map(ir.rules.map((r) => [r.id, r.modality]));
  const run = evaluateEvent(ir.rules, 'last-send-acknowledged', {
    facts,
    decide: (point, rule) => answer(point, modalityOf.get(rule) ?? 'MAY', point === 'check-pending-files' ? checkPendingFiles : undefined),
  });
  const done = run.decisions.filter((d) => d.modality !== 'SHALL NOT').map((d) => d.action);
  return done.includes('send-reinvite') && done.includes('check-pending-files');
}

const cases: { title: string; checkPendingFiles: boolean | undefined }[] = [
  { title: 'the application does not answer the check-pending-files decision', checkPendingFiles: undefined },
  { title: 'the application declines the pending-files check', checkPendingFiles: false },
  { title: 'the application asks for the pending-files check', checkPendingFiles: true },
];

describe('7.6.1 step 4 on the wire follows the spec of this tree', () => {
  for (const c of cases) {
    it(`two batches, ${c.title}`, async () => {
      const reinvite = specReinvites(c.checkPendingFiles);
      pair = await startPair('tcp', { sender: c.checkPendingFiles === undefined ? {} : { checkPendingFiles: c.checkPendingFiles } });
      const first = join(pair.outbox, 'first.bin');
      const second = join(pair.outbox, 'second.bin');
      await writeTestFile(first, 3000);
      await writeTestFile(second, 4000);
      const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [first]);
      transfer.queue([second]);
      const summary = await transfer.done;
      await pair.sessionEnd();
      if (!reinvite) await pair.sessionEnd();
      expect(summary.error).toBeUndefined();
      expect(summary.ok).toBe(true);
      expect(await listDir(pair.inbox)).toEqual(['first.bin', 'second.bin']);

      const sent = pair.logs.filter((e) => e.side === 'sender' && e.kind === 'sip' && e.direction === 'sent' && e['status'] === undefined);
      const invites = sent.filter((e) => e['method'] === 'INVITE');
      const sessions = new Set(invites.map((e) => e['callId']));
      const byes = sent.filter((e) => e['method'] === 'BYE');
      if (reinvite) {
        // One session: the INVITE, then the re-INVITE in the same dialog, then one BYE.
        expect(invites).toHaveLength(2);
        expect(sessions.size).toBe(1);
        expect(byes).toHaveLength(1);
      } else {
        // No re-INVITE at all: each batch in a session of its own, each released with a BYE.
        expect(invites).toHaveLength(2);
        expect(sessions.size).toBe(2);
        expect(byes).toHaveLength(2);
      }
    });
  }
});
