// Prints the baseline figures: `npx tsx bench/run-baseline.ts [--size BYTES] [--json]`.
import { parseArgs } from 'node:util';
import { runBaseline } from './baseline.ts';

const { values } = parseArgs({ options: { size: { type: 'string', default: String(64 * 1024 * 1024) }, json: { type: 'boolean', default: false } } });
const sizeBytes = Number(values.size);
if (!Number.isInteger(sizeBytes) || sizeBytes <= 0) {
  process.stderr.write(`run-baseline: --size must be a positive integer, got ${values.size}\n`);
  process.exit(2);
}
const result = await runBaseline({ sizeBytes });
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  process.stdout.write([
    `baseline file -> TCP -> file (loopback, no framing)`,
    `  size        ${result.sizeBytes} bytes (received ${result.bytesReceived})`,
    `  elapsed     ${result.elapsedMs.toFixed(1)} ms`,
    `  throughput  ${result.megabytesPerSecond.toFixed(1)} MB/s`,
    `  RSS         ${mib(result.rssBeforeBytes)} before, ${mib(result.peakRssBytes)} peak (${result.rssSamples} samples)`,
    '',
  ].join('\n'));
}
