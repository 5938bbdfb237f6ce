// Type-checks generated modules in memory against the runtime's public API, before anything is
// written: generated code that does not compile is a generator bug, reported with its cause.
import { join } from 'node:path';
import { Project } from 'ts-morph';

export interface TypeCheckProblem {
  /** Repository-relative path of the generated file. */
  file: string;
  line: number;
  message: string;
}

/** Which generated files are checked: handler and SDP modules (tests need vitest's types). */
export function isTypeChecked(path: string): boolean {
  return path.endsWith('.ts') && !path.endsWith('.test.ts');
}

/**
 * Checks `files` (repository-relative path -> text) as if they were on disk under `root`, with the
 * repository's tsconfig. Only problems in the generated files are reported.
 */
export function typeCheckGenerated(files: ReadonlyMap<string, string>, root: string): TypeCheckProblem[] {
  const project = new Project({ tsConfigFilePath: join(root, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  const checked = [...files].filter(([path]) => isTypeChecked(path));
  const sources = checked.map(([path, text]) => ({ path, file: project.createSourceFile(join(root, path), text, { overwrite: true }) }));
  project.resolveSourceFileDependencies();
  const problems: TypeCheckProblem[] = [];
  for (const { path, file } of sources) {
    for (const diagnostic of file.getPreEmitDiagnostics()) {
      const message = diagnostic.getMessageText();
      problems.push({
        file: path,
        line: diagnostic.getLineNumber() ?? 0,
        message: typeof message === 'string' ? message : message.getMessageText(),
      });
    }
  }
  return problems;
}

/** Throws an internal error naming each problem; generated code that fails to compile is our bug. */
export function assertGeneratedTypeChecks(files: ReadonlyMap<string, string>, root: string): void {
  const problems = typeCheckGenerated(files, root);
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  ${p.file}:${p.line}: ${p.message}`);
  throw new Error(`internal error: generated code does not type-check:\n${lines.join('\n')}`);
}
