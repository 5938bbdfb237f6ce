// `cpm-ft trace --format json|md|html [--out FILE] [--strict] [--results FILE]`: clause -> rule ->
// code -> test -> result. Rules and generated tests come from generated/trace.json, code locations
// from a scan of runtime/, src/, generated/ and test/, results from vitest's JSON reporter output.
// Exit codes: 0 done, 1 missing inputs or (with --strict) a rule missing or failing, 2 usage error.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { StaticTrace } from '../../../generator/emit/emit-trace-json.ts';
import { buildTrace } from '../../../generator/trace/build-trace.ts';
import { formatTrace, traceFormats } from '../../../generator/trace/format-trace.ts';
import type { TraceFormat } from '../../../generator/trace/format-trace.ts';
import { readTestResults } from '../../../generator/trace/read-test-results.ts';
import type { TestResult } from '../../../generator/trace/read-test-results.ts';
import { scanCodeLocations } from '../../../generator/trace/scan-code-locations.ts';
import type { CliIo } from '../main.ts';

const usage = `usage: cpm-ft trace [--format json|md|html] [--out FILE] [--strict] [--results FILE] [--repo-url BASE] [--text FILE]

  --format    json (default), md (a table per clause) or html (one self-contained page)
  --out       write to FILE instead of stdout
  --strict    exit 1 if any rule has no passing test or a failing one, naming each
  --results   vitest JSON results (default .cache/vitest-results.json, written by \`npm test\`)
  --repo-url  link code and tests to BASE/<path>#L<line> (a hosted repository) instead of paths
              relative to the page
  --text      the CR as plain text, to show each rule's whole statement (default: the text a CR names)

  Hand-written tests join a rule by a tag in their title: [7.6.1-4.b.ii].
`;

const isFormat = (value: string): value is TraceFormat => (traceFormats as readonly string[]).includes(value);

export async function run(args: string[], io: CliIo): Promise<number> {
  let values: { format?: string; out?: string; strict?: boolean; results?: string; help?: boolean; 'repo-url'?: string; text?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        strict: { type: 'boolean' },
        results: { type: 'string' },
        'repo-url': { type: 'string' },
        text: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(`cpm-ft trace: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(usage);
    return 0;
  }
  const format = values.format ?? 'json';
  if (!isFormat(format)) {
    io.stderr.write(`cpm-ft trace: unknown format '${format}'\n${usage}`);
    return 2;
  }
  const root = io.cwd;
  let trace: StaticTrace;
  try {
    trace = JSON.parse(readFileSync(resolve(root, 'generated/trace.json'), 'utf8')) as StaticTrace;
  } catch (error) {
    io.stderr.write(`cpm-ft trace: cannot read generated/trace.json (run \`cpm-ft generate\`): ${(error as Error).message}\n`);
    return 1;
  }
  const resultsPath = resolve(root, values.results ?? '.cache/vitest-results.json');
  let results: TestResult[] = [];
  try {
    results = readTestResults(readFileSync(resultsPath, 'utf8'), root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || values.results !== undefined) {
      io.stderr.write(`cpm-ft trace: cannot read test results ${resultsPath}: ${(error as Error).message}\n`);
      return 1;
    }
    io.stderr.write(`cpm-ft trace: no test results at ${resultsPath}; every test counts as missing (run \`npm test\`)\n`);
  }
  const code = scanCodeLocations(root, trace.rules.map((rule) => rule.id));
  const { traceDetails } = await import('./trace-details.ts');
  const details = await traceDetails(io, trace, values.text);
  const report = buildTrace(trace, code, results, details);
  const outDir = values.out === undefined ? root : dirname(resolve(root, values.out));
  const repoUrl = values['repo-url']?.replace(/\/+$/, '');
  const linkTo = (path: string, line: number | null): string => {
    const anchor = line === null ? '' : `#L${line}`;
    if (repoUrl !== undefined) return `${repoUrl}/${path}${anchor}`;
    return `${relative(outDir, resolve(root, path)).split(sep).join('/')}${anchor}`;
  };
  const text = formatTrace(report, format, linkTo);
  if (values.out === undefined) io.stdout.write(text);
  else {
    const out = resolve(root, values.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  }
  if (values.strict === true) {
    const bad = report.rules.filter((rule) => rule.status !== 'pass');
    for (const rule of bad) io.stderr.write(`${rule.status}: ${rule.id} ${rule.summary}\n`);
    if (bad.length > 0) {
      io.stderr.write(`cpm-ft trace --strict: ${bad.length} of ${report.rules.length} rules are not covered by a passing test\n`);
      return 1;
    }
  }
  return 0;
}
