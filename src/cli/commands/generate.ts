// `cpm-ft generate [--check] [--verbose]`: compile spec/ and write generated/ (handlers, SDP
// builders, conformance tests, trace.json). `--check` writes nothing and fails when a committed
// generated file is stale, missing or extra, the way CI catches a forgotten regeneration.
// Exit codes: 0 success / fresh, 1 spec errors, internal errors or stale output, 2 usage error.
import { parseArgs } from 'node:util';
import { formatDiagnostics } from '../../../generator/diagnostics/format-diagnostic.ts';
import { typeCheckGenerated } from '../../../generator/emit/type-check-generated.ts';
import { generate } from '../../../generator/generate.ts';
import { loadSpec } from '../../../generator/load-spec.ts';
import { checkGenerated, isFresh } from '../../../generator/output/check-generated.ts';
import { writeGenerated } from '../../../generator/output/write-generated.ts';
import { isParserFresh } from '../../../generator/parse/build-grammar.ts';
import type { CliIo } from '../main.ts';

const usage = `usage: cpm-ft generate [--check] [--verbose]

  --check     compare generated/ with a fresh generation; exit 1 naming each stale, missing or extra file
  --verbose   print the time of each stage (read, parse, validate, generate, type-check, ...)
`;

function timed<T>(timings: Record<string, number>, stage: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    timings[stage] = performance.now() - start;
  }
}

export async function run(args: string[], io: CliIo): Promise<number> {
  let values: { check?: boolean; verbose?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { check: { type: 'boolean' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(`cpm-ft generate: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(usage);
    return 0;
  }
  const root = io.cwd;
  const started = performance.now();
  let loaded;
  try {
    loaded = await loadSpec(root);
  } catch (error) {
    io.stderr.write(`cpm-ft generate: cannot read the spec: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr.write(formatDiagnostics(loaded.diagnostics, loaded.sources));
  const ir = loaded.ir;
  if (ir === null) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr.write(`cpm-ft generate: the spec has ${errors} error${errors === 1 ? '' : 's'}; nothing generated\n`);
    return 1;
  }
  const timings: Record<string, number> = { ...loaded.timings };
  const parserFresh = timed(timings, 'parser-freshness', () => isParserFresh());
  let files: Map<string, string>;
  try {
    files = timed(timings, 'generate', () => generate(ir));
    const problems = timed(timings, 'type-check', () => typeCheckGenerated(files, root));
    if (problems.length > 0) {
      io.stderr.write('cpm-ft generate: internal error: generated code does not type-check against runtime/index.ts:\n');
      for (const p of problems) io.stderr.write(`  ${p.file}:${p.line}: ${p.message}\n`);
      return 1;
    }
  } catch (error) {
    io.stderr.write(`cpm-ft generate: ${(error as Error).message}\n`);
    return 1;
  }
  let status = 0;
  if (!parserFresh) {
    io.stderr.write('cpm-ft generate: grammar/rules-parser.js is stale; run `npx tsx generator/parse/build-grammar.ts --write`\n');
    status = 1;
  }
  if (values.check === true) {
    const check = timed(timings, 'compare', () => checkGenerated(root, files));
    for (const path of check.stale) io.stderr.write(`stale: ${path}\n`);
    for (const path of check.missing) io.stderr.write(`missing: ${path}\n`);
    for (const path of check.extra) io.stderr.write(`extra: ${path}\n`);
    if (isFresh(check)) io.stdout.write(`generated/ is up to date (${files.size} files)\n`);
    else {
      io.stderr.write('cpm-ft generate --check: generated/ is out of date; run `cpm-ft generate`\n');
      status = 1;
    }
  } else {
    const report = timed(timings, 'write', () => writeGenerated(root, files));
    for (const path of report.written) io.stdout.write(`wrote ${path}\n`);
    for (const path of report.deleted) io.stdout.write(`deleted ${path}\n`);
    io.stdout.write(`generated ${files.size} files (${report.written.length} written, ${report.unchanged.length} unchanged, ${report.deleted.length} deleted)\n`);
  }
  if (values.verbose === true) {
    timings.total = performance.now() - started;
    for (const [stage, ms] of Object.entries(timings)) io.stdout.write(`  ${stage.padEnd(17)} ${ms.toFixed(1)} ms\n`);
  }
  return status;
}
