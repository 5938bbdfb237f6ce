// `npm run fuzz [-- --scale N --budget-minutes M]`: the fuzz campaign. Runs every fuzzer of
// test/fuzz at N times its base count (default 10: about 1.1 million inputs across the SIP, SDP,
// MSRP, file-name and spec parsers) within a time budget (default 60 minutes): each property stops
// after its share of the budget (fast-check interruptAfterTimeLimit), so a slow machine gets
// fewer inputs rather than no end. The closing line names the inputs tried and the time taken.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { scale: { type: 'string', default: '10' }, 'budget-minutes': { type: 'string', default: '60' } } });
const scale = Number(values.scale);
const budgetMinutes = Number(values['budget-minutes']);
if (!(scale > 0) || !(budgetMinutes > 0)) {
  process.stderr.write('usage: npm run fuzz -- [--scale N] [--budget-minutes M]  (both positive numbers)\n');
  process.exit(2);
}
const budgetMs = Math.round(budgetMinutes * 60_000);
// About 40 properties run one after another (vitest runs the files in parallel on more cores).
const perProperty = Math.max(10_000, Math.floor(budgetMs / 40));
process.stderr.write(`fuzz: scale ${scale}, budget ${budgetMinutes} min (${Math.round(perProperty / 1000)} s per property at most)\n`);
const started = Date.now();
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', 'test/fuzz', '--testTimeout', String(budgetMs)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CPM_FT_FUZZ_SCALE: String(scale), CPM_FT_FUZZ_TIME_LIMIT_MS: String(perProperty) },
});
process.stderr.write(`fuzz: finished in ${((Date.now() - started) / 60_000).toFixed(1)} min (inputs: the "hostile: N inputs tried" line above)\n`);
process.exit(result.status ?? 1);
