// Executes the generated handlers of the sample IR and checks the rule semantics: trigger guards,
// rule guards, `fired` guards, otherwise-branches and decision points, then compares every fact and
// decision combination against the reference interpreter.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateEvent } from '../../../generator/emit/rule-semantics.ts';
import { generate } from '../../../generator/generate.ts';
import { procedureGuards } from '../../../runtime/index.ts';
import type { Decision, DecisionPoint, ProcedureContext, ProcedureGuard } from '../../../runtime/index.ts';
import { sampleIr } from './fixtures/sample-ir.ts';
import { loadGeneratedModule } from './helpers/load-generated-module.ts';

type Handler = (ctx: ProcedureContext) => Decision[];
let handlers: Record<string, Handler>;

const guardNames = Object.keys(procedureGuards) as ProcedureGuard[];

function context(holding: readonly ProcedureGuard[], yes: readonly string[], calls: [DecisionPoint, string][] = []): ProcedureContext {
  const facts = Object.fromEntries(guardNames.map((name) => [name, holding.includes(name)])) as Record<ProcedureGuard, boolean>;
  return {
    facts,
    decide(point, rule) {
      calls.push([point, rule]);
      return yes.includes(rule);
    },
  };
}

const rulesOf = (decisions: readonly Decision[]): string[] => [...new Set(decisions.map((d) => d.rule))];

beforeAll(async () => {
  const text = generate(sampleIr()).get('generated/handlers/file-transfer.ts') ?? '';
  handlers = await loadGeneratedModule<Record<string, Handler>>(text);
});

describe('generated handlers', () => {
  it('fires only the rules whose trigger guard holds', () => {
    expect(rulesOf(handlers.onSendFilesRequested!(context(['one-recipient'], [])))).toEqual(['9.6.1-1.a', '9.6.1-2']);
    expect(rulesOf(handlers.onSendFilesRequested!(context(['recipient-list'], [])))).toEqual(['9.6.1-1.b', '9.6.1-2']);
  });

  it('appends one decision per action, naming rule, modality, action and args', () => {
    expect(handlers.onSendFilesRequested!(context(['one-recipient'], []))).toEqual([
      { rule: '9.6.1-1.a', modality: 'SHALL', action: 'follow-clause', args: ['7.3.1'] },
      { rule: '9.6.1-1.a', modality: 'SHALL', action: 'apply-rfc5547', args: [] },
      { rule: '9.6.1-2', modality: 'SHALL', action: 'add-file-attributes', args: [] },
    ]);
  });

  it('runs the otherwise-branch when the rule it belongs to applied but did not fire', () => {
    expect(rulesOf(handlers.onLastSendAcknowledged!(context([], [])))).toEqual(['9.6.1-4.c']);
    expect(handlers.onLastSendAcknowledged!(context([], [])).at(-1)).toEqual({ rule: '9.6.1-4.c', modality: 'SHALL', action: 'follow-clause', args: ['9.6.2'] });
  });

  it('skips the otherwise-branch and runs `fired` children when the rule fired', () => {
    const decisions = handlers.onLastSendAcknowledged!(context(['pending-files-same-destination', 'wants-mline-reuse'], []));
    expect(rulesOf(decisions)).toEqual(['9.6.1-4.b', '9.6.1-4.b.i']);
    const withUnused = handlers.onLastSendAcknowledged!(context(['pending-files-same-destination', 'wants-mline-reuse', 'unused-mlines'], []));
    expect(rulesOf(withUnused)).toEqual(['9.6.1-4.b', '9.6.1-4.b.i', '9.6.1-4.b.ii']);
  });

  it('does not run the otherwise-branch when its rule did not apply to the event', () => {
    // success-report-received only applies when a success report was requested.
    expect(handlers.onSuccessReportReceived!(context([], ['9.6.1-4.a']))).toEqual([]);
    expect(rulesOf(handlers.onSuccessReportReceived!(context(['success-report-requested'], [])))).toEqual(['9.6.1-4.c']);
  });

  it('asks the decision point, with the point and rule id, and acts only on yes', () => {
    const calls: [DecisionPoint, string][] = [];
    expect(rulesOf(handlers.onLastSendAcknowledged!(context([], ['9.6.1-4.a'], calls)))).toEqual(['9.6.1-4.a', '9.6.1-4.c']);
    expect(calls).toEqual([['check-pending-files', '9.6.1-4.a']]);
    const none: [DecisionPoint, string][] = [];
    expect(rulesOf(handlers.onLastSendAcknowledged!(context([], [], none)))).toEqual(['9.6.1-4.c']);
    expect(none).toHaveLength(1);
  });

  it('does not consult the decision point when the trigger guard fails', () => {
    const calls: [DecisionPoint, string][] = [];
    handlers.onSuccessReportReceived!(context([], ['9.6.1-4.a'], calls));
    expect(calls).toEqual([]);
  });

  it('agrees with the reference semantics for every combination of facts and decisions', () => {
    const ir = sampleIr();
    const events: [string, string][] = [
      ['send-files-requested', 'onSendFilesRequested'],
      ['last-send-acknowledged', 'onLastSendAcknowledged'],
      ['success-report-received', 'onSuccessReportReceived'],
      ['msrp-error-response', 'onMsrpErrorResponse'],
      ['failure-report-received', 'onFailureReportReceived'],
      ['transfer-complete', 'onTransferComplete'],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...events),
        fc.subarray(guardNames),
        fc.subarray(ir.rules.map((r) => r.id)),
        ([event, name], holding, yes) => {
          const actual = handlers[name]!(context(holding, yes));
          const expected = evaluateEvent(ir.rules, event, {
            facts: Object.fromEntries(holding.map((g) => [g, true])),
            decide: (_point, rule) => yes.includes(rule),
          }).decisions;
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 500, seed: 5547 },
    );
  });
});
