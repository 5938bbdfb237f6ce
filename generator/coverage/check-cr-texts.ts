// `spec check`'s share of the coverage: every CR that names its text (`text "path"`, relative to
// the CR file) has that text read and covered by the rules as they stand once that CR is applied
// (a later CR answers to its own text, not to this one); problems become located diagnostics. A CR
// that states the revision it implements (`text "path" revision R02`) must name a text of that revision.
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { compileSpec } from '../compile-spec.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { SpecIR } from '../ir/types.ts';
import { extractStatements } from './extract-statements.ts';
import { matchCoverage } from './match-coverage.ts';
import { textRevision } from './text-changes.ts';

export type ReadText = (absolutePath: string) => Promise<string>;

/** The rules once the CR read from `file` is applied: the spec compiled up to and including that file. */
function rulesAfter(ir: SpecIR, sources: ReadonlyMap<string, string>, file: string): SpecIR['rules'] {
  const paths = [...sources.keys()];
  const upTo = paths.indexOf(file);
  if (upTo === -1 || upTo === paths.length - 1) return ir.rules;
  const prefix = compileSpec(paths.slice(0, upTo + 1).map((path) => ({ path, text: sources.get(path)! })));
  return prefix.ir?.rules ?? ir.rules;
}

export async function checkCrTexts(ir: SpecIR, sources: ReadonlyMap<string, string>, root: string, read: ReadText): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const cr of ir.crs) {
    if (cr.text === undefined || cr.text === null) continue;
    const file = isAbsolute(cr.text.path) ? cr.text.path : resolve(root, dirname(cr.text.source.file), cr.text.path);
    let text: string;
    try {
      text = await read(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      diagnostics.push({ code: 'cr-text-unreadable', severity: 'error', message: `cannot read the text of CR '${cr.id}' at ${relative(root, file) || file}: ${reason}`, location: cr.text.source, notes: [] });
      continue;
    }
    // The CR says which revision of its text the rules implement; the file must be that revision.
    const revision = textRevision(text);
    if (cr.text.revision !== undefined && revision !== null && revision !== cr.text.revision) {
      diagnostics.push({
        code: 'cr-text-revision',
        severity: 'error',
        message: `CR '${cr.id}' implements revision ${cr.text.revision} of its text, but ${relative(root, file) || file} is revision ${revision}: run \`cpm-ft spec coverage\` on the new text against the old to see what changed, update the rules, then name the new text and revision`,
        location: cr.text.source,
        notes: [],
      });
    }
    const report = matchCoverage(extractStatements(text), rulesAfter(ir, sources, cr.text.source.file));
    for (const problem of report.problems) {
      diagnostics.push({
        code: problem.kind,
        severity: problem.severity,
        message: problem.message,
        location: problem.location ?? cr.text.source,
        notes: problem.location === null ? [{ message: `in ${join(dirname(cr.text.source.file), cr.text.path)}`, location: null }] : [],
      });
    }
  }
  return diagnostics;
}
