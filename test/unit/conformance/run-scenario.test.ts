// The scenario runner: sizes the batches so that exactly the requested facts hold, runs the real
// sender against the scripted peer, and leaves no socket or timer behind.
import { describe, expect, it } from 'vitest';
import { batchSizes, runConformanceScenario, successReportDelayMs } from '../../../runtime/testing/conformance/run-scenario.ts';
import { assertNoLeakedHandles, snapshotHandles } from '../../helpers/active-handles.ts';
import { seedProcedures } from '../../helpers/seed-spec.ts';

// The assertions follow the seed's step 4 (a re-INVITE after the success REPORT), so the scenario
// runs the procedures of the frozen seed spec, not whatever spec/ says after a CR.
const procedures = await seedProcedures();

describe('batch sizes', () => {
  it('leaves m-lines unused exactly when unused-mlines is a fact', () => {
    expect(batchSizes([])).toEqual({ first: 1, queued: 0 });
    expect(batchSizes(['more-than-one-file'])).toEqual({ first: 2, queued: 0 });
    expect(batchSizes(['pending-files-same-destination'])).toEqual({ first: 1, queued: 1 });
    expect(batchSizes(['pending-files-same-destination', 'more-than-one-file'])).toEqual({ first: 2, queued: 2 });
    expect(batchSizes(['pending-files-same-destination', 'unused-mlines'])).toEqual({ first: 2, queued: 1 });
  });
});

describe('runConformanceScenario', () => {
  it('runs the real sender against the scripted peer and closes everything it opened', async () => {
    const before = await snapshotHandles();
    const outcome = await runConformanceScenario({
      rule: 'test', event: 'success-report-received', facts: ['pending-files-same-destination', 'wants-mline-reuse'], decide: { 'check-pending-files': true }, procedures,
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.facts).toContain('success-report-requested');
    expect(outcome.batch.map((f) => f.name)).toEqual(['alpha.txt']);
    expect(outcome.queued.map((f) => f.name)).toEqual(['bravo.txt']);
    expect(outcome.decisions.map((d) => d.rule)).toContain('7.6.1-4.b');
    // The success REPORT was held back; the re-INVITE still came after it.
    const report = outcome.record.msrp().find((e) => e.method === 'REPORT');
    const reinvite = outcome.record.sip().find((e) => e.from === 'sender' && e.method === 'INVITE' && e.inDialog);
    expect(report).toBeDefined();
    expect((reinvite?.seq ?? 0) > (report?.seq ?? Infinity)).toBe(true);
    expect(successReportDelayMs).toBeGreaterThan(0);
    await assertNoLeakedHandles(before, 1000);
  });

  it('injects the MSRP error of the failure events and reports what the sender said', async () => {
    const outcome = await runConformanceScenario({ rule: 'test', event: 'msrp-error-response', facts: [], decide: {}, procedures });
    expect(outcome.injectedFailure).toEqual({ file: 'alpha.txt', status: 413, via: 'response' });
    expect(outcome.failures).toEqual([{ name: 'alpha.txt', status: 413, source: 'msrp-response' }]);
  });
});
