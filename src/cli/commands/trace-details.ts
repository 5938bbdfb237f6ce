// The per-rule details of `cpm-ft trace` (CR statement, runtime executors), from generated/trace.json,
// the CR text and a scan of runtime/: no spec compile, so the command runs without the toolchain.
// A CR text that cannot be read leaves the statements shown by their quotes, with a note.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { StaticTrace } from '../../../generator/emit/emit-trace-json.ts';
import type { TraceRuleDetails } from '../../../generator/trace/build-trace.ts';
import type { CliIo } from '../main.ts';

export async function traceDetails(io: CliIo, trace: StaticTrace, textOption: string | undefined): Promise<Map<string, TraceRuleDetails>> {
  const { extractStatements } = await import('../../../generator/coverage/extract-statements.ts');
  const { scanActionExecutors } = await import('../../../generator/trace/scan-action-executors.ts');
  const { ruleDetails } = await import('../../../generator/trace/rule-details.ts');
  const named = trace.crTexts?.[0]?.path;
  const textPath = textOption !== undefined ? resolve(io.cwd, textOption) : named === undefined ? null : resolve(io.cwd, named);
  let text = null;
  if (textPath !== null) {
    try {
      text = extractStatements(await readFile(textPath, 'utf8'));
    } catch (error) {
      io.stderr.write(`cpm-ft trace: cannot read the CR text ${textPath}: ${(error as Error).message}; statements shown by their quotes\n`);
    }
  }
  const actions = [...new Set(trace.rules.flatMap((r) => (r.actions ?? []).map((a) => a.name)))];
  return ruleDetails(trace, text, scanActionExecutors(io.cwd, actions));
}
