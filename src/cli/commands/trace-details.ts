// The per-rule details of `cpm-ft trace` (CR statement, runtime executors), from the compiled spec.
// A spec that does not compile, or a CR text that cannot be read, leaves the details out with a note.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { TraceRuleDetails } from '../../../generator/trace/build-trace.ts';
import type { CliIo } from '../main.ts';

export async function traceDetails(io: CliIo, textOption: string | undefined): Promise<Map<string, TraceRuleDetails>> {
  const { loadSpec } = await import('../../../generator/load-spec.ts');
  const { extractStatements } = await import('../../../generator/coverage/extract-statements.ts');
  const { scanActionExecutors } = await import('../../../generator/trace/scan-action-executors.ts');
  const { ruleDetails } = await import('../../../generator/trace/rule-details.ts');
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
