// `npm run fuzz [-- --scale N --budget-minutes M]`: the fuzz campaign. Runs every fuzzer of
// test/fuzz at N times its base count (default 25: about 2.9 million inputs nominally across the
// SIP, SDP, MSRP, file-name and spec parsers) within a time budget (default 45 minutes): each
// property stops after its share of the budget (fast-check interruptAfterTimeLimit), so a slow or
// busy machine gets fewer inputs rather than no end. At scale 10 a loaded 2-core machine stopped
// the slow properties early and tried about 0.8 million inputs; 25 leaves room for at least one
// million there. The closing line names the inputs tried and the time taken.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { scale: { type: 'string', default: '25' }, 'budget-minutes': { type: 'string', default: '45' } } });
const scale = Number(values.scale);
const budgetMinutes = Number(values['budget-minutes']);
if (!(scale > 0) || !(budgetMinutes > 0)) {
  process.stderr.write('usage: npm run fuzz -- [--scale N] [--budget-minutes M]  (both positive numbers)\n');
  process.exit(2);
}
const budgetMs = Math.round(budgetMinutes * 60_000);
// The budget is shared out over the properties (each reads its count through fuzzRuns), which in
// the worst case run one after another; vitest runs files in parallel when cores are free.
const fuzzDir = join(root, 'test', 'fuzz');
const properties = readdirSync(fuzzDir)
  .filter((name) => name.endsWith('.test.ts') && name !== 'fuzz-runs.test.ts')
  .reduce((count, name) => count + (readFileSync(join(fuzzDir, name), 'utf8').match(/fuzzRuns\(/g) ?? []).length, 0);
const perProperty = Math.max(10_000, Math.floor(budgetMs / Math.max(1, properties)));
process.stderr.write(`fuzz: scale ${scale}, budget ${budgetMinutes} min, ${properties} properties (${Math.round(perProperty / 1000)} s each at most)\n`);
const started = Date.now();
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', 'test/fuzz', '--testTimeout', String(budgetMs)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CPM_FT_FUZZ_SCALE: String(scale), CPM_FT_FUZZ_TIME_LIMIT_MS: String(perProperty) },
});
process.stderr.write(`fuzz: finished in ${((Date.now() - started) / 60_000).toFixed(1)} min (inputs: the "hostile: N inputs tried" line above)\n`);
process.exit(result.status ?? 1);
