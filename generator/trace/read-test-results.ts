// Reads vitest's JSON reporter output (.cache/vitest-results.json) into flat test outcomes.
import { relative, sep } from 'node:path';

export type TestOutcome = 'pass' | 'fail' | 'skip';

export interface TestResult {
  /** Repository-relative test file. */
  file: string;
  /** The test's own title (the `it` argument). */
  title: string;
  outcome: TestOutcome;
  /** For a failed test: the first failure message vitest recorded. */
  message?: string | null;
}

interface VitestAssertion {
  title?: unknown;
  status?: unknown;
  failureMessages?: unknown;
}

interface VitestFile {
  name?: unknown;
  assertionResults?: unknown;
}

function outcomeOf(status: unknown): TestOutcome {
  if (status === 'passed') return 'pass';
  if (status === 'failed') return 'fail';
  return 'skip';
}

/** Parses the reporter's JSON; unknown shapes give no results rather than a crash. */
export function readTestResults(json: string, root: string): TestResult[] {
  const data = JSON.parse(json) as { testResults?: unknown };
  if (!Array.isArray(data.testResults)) return [];
  const results: TestResult[] = [];
  for (const file of data.testResults as VitestFile[]) {
    if (typeof file.name !== 'string' || !Array.isArray(file.assertionResults)) continue;
    const path = relative(root, file.name).split(sep).join('/');
    for (const assertion of file.assertionResults as VitestAssertion[]) {
      if (typeof assertion.title !== 'string') continue;
      const messages = Array.isArray(assertion.failureMessages) ? assertion.failureMessages.filter((m): m is string => typeof m === 'string') : [];
      results.push({ file: path, title: assertion.title, outcome: outcomeOf(assertion.status), message: messages[0] ?? null });
    }
  }
  return results;
}
