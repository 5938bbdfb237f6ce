// `cpm-ft spec check [FILES] [--cr FILE]... [--verbose]` validates the rule spec;
// `cpm-ft spec diff [--format text|json] [--cr FILE]...` shows what each applied CR added / changed / removed;
// `cpm-ft spec fmt [--check] [FILES]` lays spec files out canonically (spec-fmt.ts).
// Exit codes: 0 valid, 1 spec problems (each printed rustc-style on stderr), 2 usage error.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatDiagnostics } from '../../../generator/diagnostics/format-diagnostic.ts';
import type { SpecIR } from '../../../generator/ir/types.ts';
import { loadSpec, type LoadSpecResult } from '../../../generator/load-spec.ts';
import { isParserFresh } from '../../../generator/parse/build-grammar.ts';
import type { CliIo } from '../main.ts';

const usage = `usage: cpm-ft spec check [FILES...] [--cr FILE]... [--verbose]
       cpm-ft spec diff [--format text|json] [--cr FILE]...
       cpm-ft spec diff --from REV [--to REV] [--format text|json]
       cpm-ft spec fmt [--check] [FILES...]
       cpm-ft spec lsp [--stdio | --node-ipc | --socket=N | --pipe=NAME] [--clientProcessId=N]
       cpm-ft spec coverage TEXT [--format text|json] [--cr FILE]...
       cpm-ft spec mutants [--rule ID]... [--tests FILE]... [--format text|json]

  check   validate the spec (default: spec/*.rules and the CRs in spec/cr/ORDER)
  diff    per CR applied, the rules it added, modified (with the fields changed) and removed;
          with --from REV: the rule sets of git revision REV and --to REV (default: the work tree)
          compared, each changed field old → new, the generated files that change, and the CR history
  fmt     rewrite .rules/.cr files in the canonical layout, comments kept (default: every file under spec/);
          --check writes nothing, names the files that differ and exits 1 if any do
  coverage  every SHALL / SHALL NOT / SHOULD / SHOULD NOT / MAY statement of the CR text TEXT, the rules
          that cover it (\`covers STEP "quote"\` in a rule) and its status; exit 1 when a statement has no
          rule, a rule's modality differs from the text's or a quote is no longer in the text.
          \`spec check\` runs it too for each CR that names its text (\`text "path" [revision Rnn]\`, relative
          to the CR file); the statements changed since the revision a CR implements are listed
  lsp     a Language Server Protocol server on stdin/stdout, or per --stdio, --node-ipc, --socket=N,
          --pipe=NAME (the flags editors pass): diagnostics as \`spec check\` for every open buffer,
          hover, completion by context, go to definition, formatting as \`spec fmt\` (docs/editor.md)
  mutants run the generated conformance tests against runtime mutants of every rule (an action
          ignored, a prohibited action performed, a decision point's answer ignored) and print
          per rule how many were killed; exit 1 when one survives (spec/README.md, Mutation)
          --rule limits it to some rules, --tests runs other test files instead
  --cr    apply an extra CR file after the default ones (e.g. spec/examples/cr-4a-shall.cr)
`;

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`cpm-ft spec: ${message}\n${usage}`);
  return 2;
}

async function load(io: CliIo, files: string[], extraCrs: string[]): Promise<LoadSpecResult | null> {
  try {
    return await loadSpec(io.cwd, { ...(files.length > 0 ? { files } : {}), extraCrs });
  } catch (error) {
    io.stderr.write(`cpm-ft spec: cannot read the spec: ${(error as Error).message}\n`);
    return null;
  }
}

async function check(io: CliIo, files: string[], extraCrs: string[], verbose: boolean): Promise<number> {
  const result = await load(io, files, extraCrs);
  if (result === null) return 1;
  const start = performance.now();
  const fresh = isParserFresh();
  const freshness = performance.now() - start;
  io.stderr.write(formatDiagnostics(result.diagnostics, result.sources));
  if (!fresh) io.stderr.write('cpm-ft: error[stale-parser]: grammar/rules-parser.js does not match grammar/rules.peggy; run `npx tsx generator/parse/build-grammar.ts --write`\n');
  if (verbose) {
    const timings = { ...result.timings, 'parser-freshness': freshness };
    for (const [stage, ms] of Object.entries(timings)) io.stdout.write(`  ${stage.padEnd(17)} ${ms.toFixed(1)} ms\n`);
  }
  const ir = result.ir;
  let coverageErrors = 0;
  if (ir !== null) {
    const { checkCrTexts } = await import('../../../generator/coverage/check-cr-texts.ts');
    const coverage = await checkCrTexts(ir, result.sources, io.cwd, (path) => readFile(path, 'utf8'));
    io.stderr.write(formatDiagnostics(coverage, result.sources));
    coverageErrors = coverage.filter((d) => d.severity === 'error').length;
  }
  if (ir === null || !fresh || coverageErrors > 0) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length + (fresh ? 0 : 1) + coverageErrors;
    io.stderr.write(`spec check failed: ${errors} error${errors === 1 ? '' : 's'}\n`);
    return 1;
  }
  const own = ir.clauses.filter((c) => !c.external).length;
  io.stdout.write(
    `spec ok: ${ir.rules.length} rules in ${own} clauses, ${ir.attributes.length} SDP attributes, ${ir.crs.length} CR${ir.crs.length === 1 ? '' : 's'} applied (${ir.sources.length} files)\n`,
  );
  return 0;
}

/** The diff as data: per CR, what it did to which rule. */
export function specDiff(ir: SpecIR): { cr: string; revision: string; title: string; added: string[]; modified: { rule: string; fields: string[] }[]; removed: string[] }[] {
  return ir.crs.map((cr) => ({
    cr: cr.id,
    revision: cr.revision,
    title: cr.title,
    added: cr.changes.filter((c) => c.kind === 'add').map((c) => c.rule),
    modified: cr.changes.filter((c) => c.kind === 'modify').map((c) => ({ rule: c.rule, fields: c.fields ?? [] })),
    removed: cr.changes.filter((c) => c.kind === 'remove').map((c) => c.rule),
  }));
}

async function diff(io: CliIo, extraCrs: string[], format: string): Promise<number> {
  const result = await load(io, [], extraCrs);
  if (result === null) return 1;
  io.stderr.write(formatDiagnostics(result.diagnostics, result.sources));
  if (result.ir === null) return 1;
  const entries = specDiff(result.ir);
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  for (const entry of entries) {
    io.stdout.write(`${entry.cr} ${entry.revision}: ${entry.title}\n`);
    for (const rule of entry.added) io.stdout.write(`  + ${rule}\n`);
    for (const { rule, fields } of entry.modified) io.stdout.write(`  ~ ${rule} (${fields.length === 0 ? 'no field changed' : fields.join(', ')})\n`);
    for (const rule of entry.removed) io.stdout.write(`  - ${rule}\n`);
  }
  return 0;
}

async function lsp(io: CliIo, args: string[]): Promise<number> {
  const { parseLspArgs, LspArgumentError } = await import('../../../generator/lsp/transport.ts');
  try {
    const launch = parseLspArgs(args);
    const { runLanguageServer } = await import('../../../generator/lsp/server.ts');
    await runLanguageServer(launch);
    return 0;
  } catch (error) {
    if (error instanceof LspArgumentError) return usageError(io, error.message);
    throw error;
  }
}

export async function run(args: string[], io: CliIo): Promise<number> {
  // The language server takes the transport flags editors pass (--stdio, --socket=N, ...), not ours.
  if (args[0] === 'lsp') return lsp(io, args.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        verbose: { type: 'boolean', short: 'v', default: false },
        format: { type: 'string', default: 'text' },
        cr: { type: 'string', multiple: true, default: [] },
        check: { type: 'boolean', default: false },
        from: { type: 'string' },
        to: { type: 'string' },
        rule: { type: 'string', multiple: true, default: [] },
        tests: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  const [sub, ...files] = positionals;
  if (values.help === true) {
    io.stdout.write(usage);
    return 0;
  }
  const extraCrs = values.cr ?? [];
  if (values.check === true && sub !== 'fmt') return usageError(io, '--check applies to `spec fmt` only');
  switch (sub) {
    case 'check':
      if (values.format !== 'text') return usageError(io, '--format applies to `spec diff` only');
      return check(io, files, extraCrs, values.verbose === true);
    case 'diff':
      if (files.length > 0) return usageError(io, '`spec diff` takes no file arguments');
      if (values.format !== 'text' && values.format !== 'json') return usageError(io, `unknown format '${values.format ?? ''}' (text or json)`);
      if (values.from !== undefined) {
        if (extraCrs.length > 0) return usageError(io, '--cr does not combine with --from (commit the CR, or compare against the work tree)');
        const { specDiffRevisions } = await import('./spec-diff-revisions.ts');
        return specDiffRevisions(io, values.from, values.to, values.format ?? 'text');
      }
      if (values.to !== undefined) return usageError(io, '--to needs --from');
      return diff(io, extraCrs, values.format ?? 'text');
    case 'coverage': {
      if (files.length !== 1) return usageError(io, '`spec coverage` takes one TEXT file (the CR as plain text)');
      if (values.format !== 'text' && values.format !== 'json') return usageError(io, `unknown format '${values.format ?? ''}' (text or json)`);
      const { specCoverage } = await import('./spec-coverage.ts');
      return specCoverage(io, files[0]!, extraCrs, values.format ?? 'text');
    }
    case 'mutants': {
      if (files.length > 0) return usageError(io, '`spec mutants` takes no file arguments (--tests FILE names test files)');
      if (extraCrs.length > 0) return usageError(io, '--cr does not apply to `spec mutants`: it runs the committed generated tests (land the CR, then `cpm-ft generate`)');
      if (values.format !== 'text' && values.format !== 'json') return usageError(io, `unknown format '${values.format ?? ''}' (text or json)`);
      const { specMutants } = await import('./spec-mutants.ts');
      return specMutants(io, { rules: values.rule ?? [], tests: values.tests ?? [], format: values.format });
    }
    case 'fmt': {
      if (values.format !== 'text') return usageError(io, '--format does not apply to `spec fmt`');
      const { specFmt } = await import('./spec-fmt.ts');
      return specFmt(io, files, values.check === true);
    }
    case undefined:
      return usageError(io, 'missing subcommand');
    default:
      return usageError(io, `unknown subcommand '${sub}'`);
  }
}
