// `cpm-ft spec fmt [--check] [FILES]`: rewrites spec files in the canonical layout, or with --check
// names the files that differ and exits 1. The toolchain is imported only when the command runs.
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { CliIo } from '../main.ts';

export async function specFmt(io: CliIo, files: string[], check: boolean): Promise<number> {
  const { formatSpecText } = await import('../../../generator/format/format-spec.ts');
  const { listSpecFiles } = await import('../../../generator/format/list-spec-files.ts');
  const { formatDiagnostics } = await import('../../../generator/diagnostics/format-diagnostic.ts');
  let paths: string[];
  try {
    paths = files.length > 0 ? files.map((f) => (isAbsolute(f) ? relative(io.cwd, f) : f).split('\\').join('/')) : listSpecFiles(io.cwd);
  } catch (error) {
    io.stderr.write(`cpm-ft spec fmt: cannot list spec/: ${(error as Error).message}\n`);
    return 1;
  }
  const differ: string[] = [];
  let failed = 0;
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, path), 'utf8');
    } catch (error) {
      io.stderr.write(`cpm-ft spec fmt: cannot read ${path}: ${(error as Error).message}\n`);
      failed++;
      continue;
    }
    const result = formatSpecText(path, text);
    if (!result.ok) {
      io.stderr.write(formatDiagnostics(result.diagnostics, new Map([[path, text]])));
      failed++;
      continue;
    }
    if (!result.changed) continue;
    differ.push(path);
    if (!check) await writeFile(resolve(io.cwd, path), result.text);
  }
  if (check) {
    for (const path of differ) io.stdout.write(`${path}\n`);
    if (differ.length > 0) io.stderr.write(`spec fmt --check: ${differ.length} of ${paths.length} files are not formatted (run \`cpm-ft spec fmt\`)\n`);
  } else {
    for (const path of differ) io.stdout.write(`formatted ${path}\n`);
  }
  if (failed > 0) return 1;
  return check && differ.length > 0 ? 1 : 0;
}
