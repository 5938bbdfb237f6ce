// The situation check of generated wire tests: the rule's event must have run with the rule's
// facts as the test built them, so actions caused by another event do not count as a pass.
import { describe, expect, it } from 'vitest';
import { expectRaised } from '../../../runtime/testing/conformance/index.ts';
import type { ScenarioOutcome } from '../../../runtime/testing/conformance/index.ts';
import { WireRecord } from '../../../runtime/testing/conformance/index.ts';

const outcome = (raised: ScenarioOutcome['raised']): ScenarioOutcome => ({
  record: new WireRecord(),
  facts: [],
  batch: [],
  queued: [],
  peer: { recipient: '', factory: '', group: '', recipients: [] },
  injectedFailure: undefined,
  failures: [],
  decisions: [],
  raised,
  error: undefined,
});

describe('expectRaised', () => {
  it('passes when some run of the event had every fact at its value', () => {
    const o = outcome([
      { event: 'send-files-requested', facts: ['one-recipient'] },
      { event: 'last-send-acknowledged', facts: ['pending-files-same-destination'] },
      { event: 'last-send-acknowledged', facts: [] },
    ]);
    expect(expectRaised(o, 'last-send-acknowledged', { 'pending-files-same-destination': false, 'success-report-requested': false })).toEqual([]);
  });

  it('a step 4 run while success reports were asked for is not a pass of the `not success-report-requested` branch', () => {
    const o = outcome([{ event: 'last-send-acknowledged', facts: ['success-report-requested'] }, { event: 'success-report-received', facts: ['success-report-requested'] }]);
    expect(expectRaised(o, 'last-send-acknowledged', { 'success-report-requested': false })).toEqual([
      'last-send-acknowledged ran, but not in the situation under test: success-report-requested was true (facts that held: success-report-requested)',
    ]);
  });

  it('an event that never ran is named with the events that did', () => {
    expect(expectRaised(outcome([{ event: 'send-files-requested', facts: [] }]), 'transfer-complete', {})).toEqual(['the rules of transfer-complete never ran (events raised: send-files-requested)']);
  });
});
