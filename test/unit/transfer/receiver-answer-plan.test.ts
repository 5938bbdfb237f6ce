// The receiving side's procedure step with hand-made handlers (not the live spec): the plan of an
// m-line gives exactly one answer, and a spec that concludes nothing or both ways is a typed error.
import { describe, expect, it } from 'vitest';
import type { Decision, Modality, ProcedureAction, ProcedureHandlers } from '../../../runtime/index.ts';
import { consultedPoints, mlineAnswerOf, planReceiverEvent, reofferAnswerOf, verifiesHash } from '../../../runtime/transfer/receiver-answer-plan.ts';

const d = (action: ProcedureAction, modality: Modality = 'SHALL', rule = 'RFC5547-8-1.test'): Decision => ({ rule, modality, action, args: [] });
const handlersOf = (event: keyof ProcedureHandlers, decisions: Decision[]): ProcedureHandlers => ({ [event]: () => decisions });

describe('planReceiverEvent and mlineAnswerOf', () => {
  it('a receive with both echoes answers recvonly and repeats both attributes', () => {
    const plan = planReceiverEvent(handlersOf('file-offer-received', [d('answer-recvonly'), d('echo-file-selector'), d('echo-file-transfer-id')]), 'file-offer-received', {});
    expect(mlineAnswerOf(plan, 'file-offer-received')).toEqual({ kind: 'receive', echoSelector: true, echoTransferId: true, rule: 'RFC5547-8-1.test' });
  });

  it('a SHALL NOT on an echo leaves that attribute out; one on receiving refuses the m-line', () => {
    const noEcho = planReceiverEvent(handlersOf('pull-offer-received', [d('answer-sendonly'), d('echo-file-selector', 'SHALL NOT', 'RFC5547-x'), d('echo-file-transfer-id')]), 'pull-offer-received', {});
    expect(mlineAnswerOf(noEcho, 'pull-offer-received')).toMatchObject({ kind: 'serve', echoSelector: false, echoTransferId: true });
    const forbidden = planReceiverEvent(handlersOf('file-offer-received', [d('answer-recvonly', 'SHALL NOT', 'RFC5547-no')]), 'file-offer-received', {});
    expect(mlineAnswerOf(forbidden, 'file-offer-received')).toEqual({ kind: 'reject', rule: 'RFC5547-no' });
  });

  it('no rule taking or refusing the m-line is ERR_PROCEDURE_UNCOVERED; taking and refusing it is ERR_PROCEDURE_CONFLICT', () => {
    const none = planReceiverEvent(handlersOf('file-offer-received', [d('echo-file-selector')]), 'file-offer-received', {});
    expect(() => mlineAnswerOf(none, 'file-offer-received')).toThrow(expect.objectContaining({ code: 'ERR_PROCEDURE_UNCOVERED' }));
    const both = planReceiverEvent(handlersOf('file-offer-received', [d('answer-recvonly'), d('reject-mline', 'SHALL', 'RFC5547-other')]), 'file-offer-received', {});
    expect(() => mlineAnswerOf(both, 'file-offer-received')).toThrow(expect.objectContaining({ code: 'ERR_PROCEDURE_CONFLICT' }));
  });

  it('a sender action at a receiver event is out of phase', () => {
    expect(() => planReceiverEvent(handlersOf('file-offer-received', [d('send-bye')]), 'file-offer-received', {})).toThrow(expect.objectContaining({ code: 'ERR_PROCEDURE_ACTION_OUT_OF_PHASE' }));
  });

  it('decision answers reach the handler; unanswered MAY points take the vocabulary default (accept-file: yes)', () => {
    const handlers: ProcedureHandlers = {
      'file-offer-received': (ctx) => (ctx.facts['offer-sendonly'] && ctx.decide('accept-file', 'r', 'MAY') ? [d('answer-recvonly')] : [d('reject-mline')]),
    };
    expect(consultedPoints(handlers, 'file-offer-received', { 'offer-sendonly': true })).toEqual(['accept-file']);
    expect(consultedPoints(handlers, 'file-offer-received', {})).toEqual([]);
    expect(mlineAnswerOf(planReceiverEvent(handlers, 'file-offer-received', { 'offer-sendonly': true }), 'file-offer-received').kind).toBe('receive');
    expect(mlineAnswerOf(planReceiverEvent(handlers, 'file-offer-received', { 'offer-sendonly': true }, { 'accept-file': false }), 'file-offer-received').kind).toBe('reject');
  });
});

describe('reofferAnswerOf and verifiesHash', () => {
  it('keep, close, and close + new offer are the three answers; anything else is a typed error', () => {
    const of = (actions: ProcedureAction[]) => planReceiverEvent(handlersOf('mline-reoffered', actions.map((a) => d(a))), 'mline-reoffered', {});
    expect(reofferAnswerOf(of(['keep-transfer'])).kind).toBe('keep');
    expect(reofferAnswerOf(of(['close-transfer'])).kind).toBe('close');
    expect(reofferAnswerOf(of(['close-transfer', 'take-as-new-offer'])).kind).toBe('new');
    expect(() => reofferAnswerOf(of(['keep-transfer', 'close-transfer']))).toThrow(expect.objectContaining({ code: 'ERR_PROCEDURE_CONFLICT' }));
    expect(() => reofferAnswerOf(of(['take-as-new-offer']))).toThrow(expect.objectContaining({ code: 'ERR_PROCEDURE_CONFLICT' }));
    expect(() => reofferAnswerOf(of([]))).toThrow(expect.objectContaining({ code: 'ERR_PROCEDURE_UNCOVERED' }));
  });

  it('the hash is checked only when a rule asks for it', () => {
    expect(verifiesHash(planReceiverEvent(handlersOf('file-data-complete', [d('verify-file-hash')]), 'file-data-complete', {}))).toBe(true);
    expect(verifiesHash(planReceiverEvent({}, 'file-data-complete', {}))).toBe(false);
  });
});
