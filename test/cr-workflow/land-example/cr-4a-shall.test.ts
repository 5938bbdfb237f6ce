// spec/examples/cr-4a-shall.cr lands green in a copy of the project (see ../land-example-in-copy.ts).
import { it } from 'vitest';
import { landExampleInCopy } from '../land-example-in-copy.ts';

it('cr-4a-shall.cr: spec check, generate, conformance tests, the step-4 e2e test and trace --strict pass in the copy', () => {
  landExampleInCopy('cr-4a-shall.cr');
}, 300_000);
