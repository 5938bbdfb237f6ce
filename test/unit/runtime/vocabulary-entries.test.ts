// The vocabulary is one file per entry (runtime/procedure/vocabulary/<kind>/<name>.ts) registered in
// its kind's index.ts, and every table the toolchain, the runtime and the conformance harness read
// is derived from those entries. These tests prove the registration is complete, the derived tables
// agree with the entries, an incomplete entry does not type-check, and the scenario hooks build the
// situation each fact names.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  actionEntries, actionExecutors, actionRoles, decisionPointEntries, decisionPoints, eventEntries, eventRoles, guardEntries, guardRoles,
  phaseOfEvent, procedureActions, procedureEvents, procedureGuards,
} from '../../../runtime/index.ts';
import { defineAction, defineEvent } from '../../../runtime/procedure/vocabulary/define.ts';
import { phaseRoles } from '../../../runtime/procedure/vocabulary/phases.ts';
import { answerAbsenceChecks, answerChecks } from '../../../runtime/testing/conformance/expect-answer.ts';
import { answererSetup } from '../../../runtime/testing/conformance/run-answerer-scenario.ts';
import { batchSizes, injectedStatus, senderSetup } from '../../../runtime/testing/conformance/run-scenario.ts';

const dir = join(import.meta.dirname, '../../../runtime/procedure/vocabulary');
const filesOf = (kind: string): string[] => readdirSync(join(dir, kind)).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3)).sort();

describe('one file per vocabulary entry', () => {
  it.each([
    ['events', eventEntries],
    ['guards', guardEntries],
    ['actions', actionEntries],
    ['decision-points', decisionPointEntries],
  ] as const)('every file in %s/ is registered in its index under the name it declares', (kind, entries) => {
    expect(Object.keys(entries).sort()).toEqual(filesOf(kind));
    for (const [name, entry] of Object.entries(entries)) expect(entry.name).toBe(name);
  });

  it('the tables are derived from the entries, in the order of the index', () => {
    expect(Object.keys(procedureEvents)).toEqual(Object.keys(eventEntries));
    expect(Object.keys(procedureGuards)).toEqual(Object.keys(guardEntries));
    expect(Object.keys(procedureActions)).toEqual(Object.keys(actionEntries));
    expect(procedureActions['follow-clause']).toEqual({ args: 'clause', summary: actionEntries['follow-clause'].summary });
    expect(decisionPoints['check-pending-files'].mayDefault).toBe(decisionPointEntries['check-pending-files'].mayDefault);
    for (const [name, entry] of Object.entries(eventEntries)) {
      expect(eventRoles[name as keyof typeof eventRoles]).toBe(entry.role);
      expect(phaseOfEvent[name as keyof typeof phaseOfEvent]).toBe(entry.phase);
      expect(phaseRoles[entry.phase], `${name} runs in a phase of its own side`).toBe(entry.role);
    }
    for (const [name, entry] of Object.entries(guardEntries)) expect(guardRoles[name as keyof typeof guardRoles]).toBe(entry.role);
    for (const [name, entry] of Object.entries(actionEntries)) {
      expect(actionRoles[name as keyof typeof actionRoles]).toBe(entry.role);
      const phases = Object.keys(actionExecutors[name as keyof typeof actionExecutors]);
      expect(phases.length, `${name} has an executor`).toBeGreaterThan(0);
      for (const phase of phases) expect(phaseRoles[phase as keyof typeof phaseRoles], `${name} executes in ${phase}`).toBe(entry.role);
    }
    expect(Object.keys(answerChecks).sort()).toEqual(Object.keys(actionEntries).filter((a) => actionRoles[a as keyof typeof actionRoles] === 'receiver').sort());
    expect(answerAbsenceChecks['verify-file-hash']).toBe(actionEntries['verify-file-hash'].wire.absent);
  });

  it('an entry missing a part, or with a phase of the other side, does not type-check', () => {
    const check = () => [];
    // @ts-expect-error an action needs its wire checks
    const noWire = defineAction({ name: 'x-no-wire', role: 'sender', args: 'none', summary: '', api: null, executor: { release: 'bye' } });
    // @ts-expect-error an action needs an executor for at least one phase
    const noPhase = defineAction({ name: 'x-no-phase', role: 'sender', args: 'none', summary: '', api: null, executor: {}, wire: { present: check, absent: check } });
    // @ts-expect-error a sender action cannot execute in a receiver phase
    const otherSide = defineAction({ name: 'x-other-side', role: 'sender', args: 'none', summary: '', api: null, executor: { 'answer-mline': 'receive' }, wire: { present: check, absent: check } });
    // @ts-expect-error a plan field of another phase
    const wrongField = defineAction({ name: 'x-wrong-field', role: 'sender', args: 'none', summary: '', api: null, executor: { release: 'reinvite' }, wire: { present: check, absent: check } });
    // @ts-expect-error a receiver event in a sender phase
    const wrongPhase = defineEvent({ name: 'x-wrong-phase', role: 'receiver', phase: 'set-up', summary: '', api: null, raise: () => {} });
    // @ts-expect-error an event needs to say how a scenario raises it
    const noRaise = defineEvent({ name: 'x-no-raise', role: 'sender', phase: 'set-up', summary: '', api: null });
    expect([noWire, noPhase, otherSide, wrongField, wrongPhase, noRaise].map((e) => e.name)).toHaveLength(6);
  });
});

describe('the scenario hooks of the entries', () => {
  it('sender facts shape the batches, destination and options', () => {
    expect(batchSizes([])).toEqual({ first: 1, queued: 0 });
    expect(batchSizes(['pending-files-same-destination', 'unused-mlines'])).toEqual({ first: 2, queued: 1 });
    expect(batchSizes(['unused-mlines', 'pending-files-same-destination'])).toEqual({ first: 2, queued: 1 });
    const group = senderSetup('send-files-requested', ['group-session', 'success-report-requested', 'wants-mline-reuse'], { 'check-pending-files': false });
    expect(group).toMatchObject({ destination: 'predefined-group', successReport: true, reuseMlines: true, decisions: { 'check-pending-files': false } });
    expect(senderSetup('send-files-requested', ['recipient-list', 'group-session']).destination).toBe('recipient-list');
  });

  it('sender events inject what raises them', () => {
    expect(injectedStatus).toEqual({ 'msrp-error-response': 413, 'failure-report-received': 415 });
    expect(senderSetup('failure-report-received', []).script).toEqual({ files: { 'alpha.txt': { failureReport: 415 } } });
    expect(eventEntries['success-report-received'].implies).toEqual(['success-report-requested']);
  });

  it('receiver events and facts shape the offer', () => {
    expect(answererSetup({ event: 'file-offer-received', facts: [], decide: {} }).direction).toBe('sendrecv');
    expect(answererSetup({ event: 'file-offer-received', facts: ['offer-sendonly'], decide: { 'accept-file': false } })).toMatchObject({ direction: 'sendonly', accept: false });
    expect(answererSetup({ event: 'pull-offer-received', facts: ['file-found'], decide: {} })).toMatchObject({ answerer: 'file-server', selectorFindsFile: true });
    expect(answererSetup({ event: 'mline-reoffered', facts: ['transfer-id-changed'], decide: {} }).reoffer).toBe('new-transfer');
    expect(answererSetup({ event: 'mline-reoffered', facts: ['port-zero', 'transfer-id-changed'], decide: {} }).reoffer).toBe('port-zero');
    expect(answererSetup({ event: 'file-offer-received', facts: ['port-zero'], decide: {} }).reoffer).toBe('none');
    expect(answererSetup({ event: 'file-data-complete', facts: [], decide: {} })).toMatchObject({ corrupt: true, withHash: false });
    expect(answererSetup({ event: 'file-data-complete', facts: ['selector-has-hash'], decide: {} }).withHash).toBe(true);
  });
});
