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
 * A ts-morph project for `root` with the repository's tsconfig. typeCheckGenerated makes a fresh one
 * per call; a caller checking many variants against the same unchanged tree (the generator's tests)
 * passes one in, so the runtime's sources and the libraries' declarations are read and parsed once.
 */
export function createTypeCheckProject(root: string): Project {
  return new Project({ tsConfigFilePath: join(root, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
}

/**
 * Checks `files` (repository-relative path -> text) as if they were on disk under `root`, with the
 * repository's tsconfig. Only problems in the generated files are reported. The in-memory files are
 * removed from `project` afterwards, so a later check with other files sees none of them.
 */
export function typeCheckGenerated(files: ReadonlyMap<string, string>, root: string, project: Project = createTypeCheckProject(root)): TypeCheckProblem[] {
  const checked = [...files].filter(([path]) => isTypeChecked(path));
  const sources = checked.map(([path, text]) => ({ path, file: project.createSourceFile(join(root, path), text, { overwrite: true }) }));
  try {
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
  } finally {
    for (const { file } of sources) project.removeSourceFile(file);
  }
}

/** Throws an internal error naming each problem; generated code that fails to compile is our bug. */
export function assertGeneratedTypeChecks(files: ReadonlyMap<string, string>, root: string): void {
  const problems = typeCheckGenerated(files, root);
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  ${p.file}:${p.line}: ${p.message}`);
  throw new Error(`internal error: generated code does not type-check:\n${lines.join('\n')}`);
}
