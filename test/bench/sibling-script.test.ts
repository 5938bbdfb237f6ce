// The bench's child scripts resolve next to the running module: .ts with tsx from the sources,
// .js without a loader from dist/ (where `npm run bench -- --soak` runs and no .ts file exists).
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { siblingScript } from '../../bench/sibling-script.ts';

describe('siblingScript', () => {
  it('from the sources: the .ts next to the module, started through tsx', () => {
    const from = new URL('../../bench/soak-bench.ts', import.meta.url).href;
    const s = siblingScript('./soak-receiver', from, () => 'file:///tsx-loader');
    expect(s.path.endsWith('bench/soak-receiver.ts')).toBe(true);
    expect(existsSync(s.path)).toBe(true);
    expect(s.execArgv).toEqual(['--import', 'file:///tsx-loader']);
  });

  it('from dist/: the compiled .js next to the module, with no loader', () => {
    const from = pathToFileURL('/opt/app/dist/bench/soak-bench.js').href;
    const s = siblingScript('./soak-receiver', from, () => { throw new Error('tsx is not needed from dist/'); });
    expect(s.path).toBe('/opt/app/dist/bench/soak-receiver.js');
    expect(s.execArgv).toEqual([]);
  });
});
