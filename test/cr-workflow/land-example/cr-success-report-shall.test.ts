// spec/examples/cr-success-report-shall.cr lands green in a copy of the project (see ../land-example-in-copy.ts).
import { it } from 'vitest';
import { landExampleInCopy } from '../land-example-in-copy.ts';

it('cr-success-report-shall.cr: spec check (with its warnings), generate, conformance tests, the shipped-client scenarios, the step-4 e2e test and trace --strict pass in the copy', () => {
  landExampleInCopy('cr-success-report-shall.cr');
}, 300_000);
