// Imported first by the bench's child processes, which stand for the CLI: they run under the CLI's
// heap policy (src/heap-growth.ts) and load the rest of themselves after it. CPM_FT_BENCH_HEAP_GROWTH
// (a JSON HeapGrowthOptions) replaces that policy, to measure another one against it; to measure V8's
// own sizing, give its flags instead (CPM_FT_BENCH_CHILD_ARGS='--semi-space-growth-factor=2
// --heap-growing-percent=0'), which the policy leaves in force.
import { cliHeapGrowth, limitHeapGrowth, type HeapGrowthOptions } from '../src/heap-growth.ts';

const override = process.env['CPM_FT_BENCH_HEAP_GROWTH'];
limitHeapGrowth(override === undefined ? cliHeapGrowth : JSON.parse(override) as HeapGrowthOptions);
