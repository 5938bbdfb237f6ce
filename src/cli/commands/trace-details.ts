// The per-rule details of `cpm-ft trace` (CR statement, runtime executors), from the compiled spec.
// A spec that does not compile, or a CR text that cannot be read, leaves the details out with a note.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { TraceRuleDetails } from '../../../generator/trace/build-trace.ts';
import type { CliIo } from '../main.ts';

/** The spec compiler behind the details; it needs the toolchain peers (ajv), absent from a client install. */
async function loadDetailModules() {
  const [{ loadSpec }, { extractStatements }, { scanActionExecutors }, { ruleDetails }] = await Promise.all([
    import('../../../generator/load-spec.ts'),
    import('../../../generator/coverage/extract-statements.ts'),
    import('../../../generator/trace/scan-action-executors.ts'),
    import('../../../generator/trace/rule-details.ts'),
  ]);
  return { loadSpec, extractStatements, scanActionExecutors, ruleDetails };
}
export type DetailModules = Awaited<ReturnType<typeof loadDetailModules>>;

/**
 * The details are an addition to the trace, not its substance: without the toolchain (a client
 * install) the trace is still written from generated/trace.json and the test results, with a note.
 */
export async function traceDetails(io: CliIo, textOption: string | undefined, load: () => Promise<DetailModules> = loadDetailModules): Promise<Map<string, TraceRuleDetails>> {
  let modules: DetailModules;
  try {
    modules = await load();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    io.stderr.write(`cpm-ft trace: rule details (CR statements, executors) need the spec toolchain, which is not installed (${(error as Error).message}); left out\n`);
    return new Map();
  }
  const { loadSpec, extractStatements, scanActionExecutors, ruleDetails } = modules;
  let ir;
  try {
    ir = (await loadSpec(io.cwd)).ir;
  } catch (error) {
    io.stderr.write(`cpm-ft trace: cannot read the spec (${(error as Error).message}); rule details left out\n`);
    return new Map();
  }
  if (ir === null) {
    io.stderr.write('cpm-ft trace: the spec has errors (see `cpm-ft spec check`); rule details left out\n');
    return new Map();
  }
  const named = ir.crs.map((cr) => cr.text).find((t) => t !== undefined && t !== null);
  const textPath =
    textOption !== undefined ? resolve(io.cwd, textOption) : named === undefined || named === null ? null : isAbsolute(named.path) ? named.path : resolve(io.cwd, dirname(named.source.file), named.path);
  let text = null;
  if (textPath !== null) {
    try {
      text = extractStatements(await readFile(textPath, 'utf8'));
    } catch (error) {
      io.stderr.write(`cpm-ft trace: cannot read the CR text ${textPath}: ${(error as Error).message}; statements shown by their quotes\n`);
    }
  }
  const actions = [...new Set(ir.rules.flatMap((r) => r.actions.map((a) => a.name)))];
  return ruleDetails(ir, text, scanActionExecutors(io.cwd, actions));
}
