// Keeps the README's "Spec editors: adding a CR" section honest: its CR example must compile against
// the current spec and do what the text says (one rule added, one modified, one removed), and the
// spec diff lines it shows for the example CR must be what the CLI prints.
// Both run on the frozen seed (test/fixtures/seed-spec/), the spec the README's example is written against.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { specDiff } from '../../src/cli/commands/spec.ts';
import { loadSeedSpec, seedExampleCrInput } from '../helpers/seed-spec.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const heading = '## Spec editors: adding a CR';

function section(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README.md has no '${heading}' section`);
  const next = readme.indexOf('\n## ', start + heading.length);
  return readme.slice(start, next < 0 ? undefined : next);
}

/** The first fenced block of the section whose text starts with `cr `. */
function crExample(): string {
  for (const match of section().matchAll(/```[^\n]*\n([\s\S]*?)```/g)) {
    const body = match[1] ?? '';
    if (body.startsWith('cr ')) return body;
  }
  throw new Error('the section shows no CR example');
}

describe('README: Spec editors: adding a CR', () => {
  it('the CR example compiles after the applied CRs and adds, modifies and removes one rule each', () => {
    const result = loadSeedSpec([{ path: 'spec/cr/cpm-cr-ft-example.cr', text: crExample() }]);
    expect(result.diagnostics).toEqual([]);
    if (result.ir === null) throw new Error('the example did not compile');
    const entry = specDiff(result.ir).at(-1);
    expect(entry).toEqual({
      cr: 'CPM-CR-FT-EXAMPLE',
      revision: 'R02',
      title: 'Mandatory pending-files check; step 3 renumbered for 1-1 sessions',
      added: ['7.6.1-3.one-to-one'],
      modified: [{ rule: '7.6.1-4.a', fields: ['modality', 'decision', 'summary'] }],
      removed: ['7.6.1-3'],
    });
    expect(result.ir.rules.find((r) => r.id === '7.6.1-4.a')?.modality).toBe('SHALL');
  });

  it('shows the spec diff lines the CLI prints for the example CR', () => {
    const result = loadSeedSpec([seedExampleCrInput()]);
    if (result.ir === null) throw new Error('the example CR did not compile');
    const entry = specDiff(result.ir).at(-1);
    const text = section();
    expect(text).toContain(`${entry?.cr} ${entry?.revision}: ${entry?.title}\n  ~ 7.6.1-4.a (${entry?.modified[0]?.fields.join(', ')})\n`);
  });
});
