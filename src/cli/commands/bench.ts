// `cpm-ft bench [--size BYTES] [--quick] [--json] ...`: runs every benchmark of bench/ in one go and
// prints a table (or one JSON object). The figures come from bench/run-bench.ts; this file only
// parses options and prints. Exit codes: 0 figures printed and every transfer succeeded, 1 a
// transfer failed or the bench could not run, 2 usage error.
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatComparison } from '../../../bench/compare-bench-reports.ts';
import { formatBenchReport } from '../../../bench/format-bench-report.ts';
import { benchStages, defaultRateWarmUp, runBench, type BenchOptions, type BenchStage } from '../../../bench/run-bench.ts';
import { MIN_JUDGED_SOAK_SECONDS } from '../../../bench/soak-memory.ts';
import type { CliIo } from '../main.ts';
import { parseByteCount } from '../parse-byte-count.ts';

const usage = `usage: cpm-ft bench [--size BYTES] [--quick] [--json] [--sessions N] [--rate-transport udp|tcp]
                    [--rate-warmup N] [--chunk-size BYTES] [--peer-tuning auto|off] [--hash-cache cold|warm] [--profile DIR] [--repeat N] [--only STAGES] [--compare FILE]

  --size BYTES            file size for the throughput figures (default 1GiB; accepts 64M, 1G ...)
  --quick                 small sizes and counts: a smoke run of a few seconds
  --json                  print the figures as one JSON object instead of a table
  --sessions N            sessions in the small-file rate test (default 1000, --quick 60)
  --rate-transport T      SIP transport of the rate test (default udp)
  --rate-warmup N         sessions run, not counted, before each rate measurement (default ${defaultRateWarmUp}, --quick 0)
  --chunk-size BYTES      MSRP chunk size of the client (default: the client's default)
  --peer-tuning auto|off  the sender's tuning toward the cpm-ft receiver in (b) and (d) (default
                          auto: larger chunks, Failure-Report: partial, delivery on the success
                          REPORT); off measures the untuned data path
  --hash-cache cold|warm  warm: (b)'s sender finds the file's SHA-1 in its hash cache, as a file
                          sent again does (default cold: it hashes the file, as (a2) does)
  --profile DIR           write a V8 CPU profile (.cpuprofile) of every child process into DIR
  --soak [--soak-seconds N] [--soak-rss-growth PERCENT] [--soak-heap-snapshots DIR]
                          instead: good sends, SIGKILLed senders, dead INVITEs and garbage against
                          one receiver for N seconds (default 600); exit 1 on a leak, a failure, or
                          the receiver's RSS growing more than PERCENT (default 10) over the
                          second half of the run (not judged in a run shorter than ${MIN_JUDGED_SOAK_SECONDS} s);
                          DIR receives heap snapshots of the receiver at the middle and the end
                          (then its RSS is not judged)
  --repeat N              run (a) and (b) N times; the table shows the median run and the spread
  --only STAGES           comma-separated subset of ${benchStages.join(',')}
  --compare FILE          also print each figure's change against an earlier --json output
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        size: { type: 'string' }, quick: { type: 'boolean' }, json: { type: 'boolean' }, sessions: { type: 'string' },
        'rate-transport': { type: 'string' }, 'rate-warmup': { type: 'string' }, 'chunk-size': { type: 'string' }, 'peer-tuning': { type: 'string' }, 'hash-cache': { type: 'string' }, profile: { type: 'string' }, help: { type: 'boolean', short: 'h' },
        soak: { type: 'boolean' }, 'soak-seconds': { type: 'string' }, 'soak-rss-growth': { type: 'string' }, 'soak-heap-snapshots': { type: 'string' }, repeat: { type: 'string' }, only: { type: 'string' }, compare: { type: 'string' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(`cpm-ft bench: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values['help'] === true) {
    io.stdout.write(usage);
    return 0;
  }
  const usageError = (message: string): number => {
    io.stderr.write(`cpm-ft bench: ${message}\n${usage}`);
    return 2;
  };
  if (values['soak'] === true) {
    const text = typeof values['soak-seconds'] === 'string' ? values['soak-seconds'] : '600';
    if (!/^\d+$/.test(text) || Number(text) === 0) return usageError(`--soak-seconds expects a positive number of seconds, got '${text}'`);
    const growthText = typeof values['soak-rss-growth'] === 'string' ? values['soak-rss-growth'] : undefined;
    if (growthText !== undefined && !/^\d+(\.\d+)?$/.test(growthText)) return usageError(`--soak-rss-growth expects a percentage (e.g. 10), got '${growthText}'`);
    const { formatSoak, runSoak } = await import('../../../bench/soak-bench.ts');
    const snapshots = values['soak-heap-snapshots'];
    const heapSnapshotDir = typeof snapshots === 'string' ? resolve(io.cwd, snapshots) : undefined;
    if (heapSnapshotDir !== undefined) await mkdir(heapSnapshotDir, { recursive: true });
    const result = await runSoak({ seconds: Number(text), ...(growthText !== undefined ? { rssGrowthPercent: Number(growthText) } : {}), ...(heapSnapshotDir !== undefined ? { heapSnapshotDir } : {}), onStage: (line) => io.stderr.write(`${line}\n`) });
    io.stdout.write(values['json'] === true ? `${JSON.stringify(result)}\n` : formatSoak(result));
    return result.leaked || Object.keys(result.failures).length > 0 || !result.memory.ok ? 1 : 0;
  }
  const options: { -readonly [K in keyof BenchOptions]: BenchOptions[K] } = { root: io.cwd, quick: values['quick'] === true };
  if (typeof values['size'] === 'string') {
    const size = parseByteCount(values['size'], '--size');
    if (!size.ok) return usageError(size.error);
    options.sizeBytes = size.value;
  }
  if (typeof values['chunk-size'] === 'string') {
    const chunk = parseByteCount(values['chunk-size'], '--chunk-size');
    if (!chunk.ok) return usageError(chunk.error);
    options.chunkSize = chunk.value;
  }
  const hashCache = values['hash-cache'];
  if (hashCache !== undefined) {
    if (hashCache !== 'cold' && hashCache !== 'warm') return usageError(`--hash-cache expects cold or warm, got '${String(hashCache)}'`);
    options.hashCache = hashCache;
  }
  const tuning = values['peer-tuning'];
  if (tuning !== undefined) {
    if (tuning !== 'auto' && tuning !== 'off') return usageError(`--peer-tuning expects auto or off, got '${String(tuning)}'`);
    options.peerTuning = tuning;
  }
  if (typeof values['sessions'] === 'string') {
    const sessions = Number(values['sessions']);
    if (!Number.isSafeInteger(sessions) || sessions <= 0) return usageError(`--sessions expects a positive integer, got '${values['sessions']}'`);
    options.sessions = sessions;
  }
  if (typeof values['rate-warmup'] === 'string') {
    const warmUp = Number(values['rate-warmup']);
    if (!/^\d+$/.test(values['rate-warmup']) || !Number.isSafeInteger(warmUp)) return usageError(`--rate-warmup expects a number of sessions (0 or more), got '${values['rate-warmup']}'`);
    options.rateWarmUp = warmUp;
  }
  const transport = values['rate-transport'];
  if (typeof transport === 'string') {
    if (transport !== 'udp' && transport !== 'tcp') return usageError(`--rate-transport is udp or tcp, got '${transport}'`);
    options.rateTransport = transport;
  }
  if (typeof values['profile'] === 'string') options.profileDir = values['profile'];
  if (typeof values['repeat'] === 'string') {
    const repeat = Number(values['repeat']);
    if (!Number.isSafeInteger(repeat) || repeat <= 0 || repeat > 100) return usageError(`--repeat expects an integer from 1 to 100, got '${values['repeat']}'`);
    options.repeat = repeat;
  }
  if (typeof values['only'] === 'string') {
    const names = values['only'].split(',').map((n) => n.trim()).filter((n) => n !== '');
    const unknown = names.filter((n) => !(benchStages as readonly string[]).includes(n));
    if (names.length === 0 || unknown.length > 0) return usageError(`--only takes stages from ${benchStages.join(',')}, got '${values['only']}'`);
    options.only = names as BenchStage[];
  }
  let previous: { label: string; report: unknown } | undefined;
  if (typeof values['compare'] === 'string') {
    const path = resolve(io.cwd, values['compare']);
    try {
      previous = { label: values['compare'], report: JSON.parse(await readFile(path, 'utf8')) as unknown };
    } catch (error) {
      return usageError(`--compare cannot read ${values['compare']} as a --json report: ${(error as Error).message}`);
    }
  }
  const json = values['json'] === true;
  // Progress goes to stderr so that --json output stays one clean object on stdout.
  options.onStage = (stage) => io.stderr.write(`bench: ${stage}\n`);
  let report;
  try {
    report = await runBench(options);
  } catch (error) {
    io.stderr.write(`cpm-ft bench: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout.write(json ? `${JSON.stringify(report)}\n` : formatBenchReport(report));
  // With --json the comparison goes to stderr, so stdout stays one object another run can compare with.
  if (previous !== undefined) (json ? io.stderr : io.stdout).write(formatComparison(previous.report, report, previous.label));
  return report.ok ? 0 : 1;
}
