// Writes the generated map under generated/ and deletes generated files no longer produced.
// Every path is checked to stay inside generated/, so a bad key can never touch hand-written code.
import { mkdirSync, readFileSync, rmSync, rmdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { listGeneratedFiles } from './list-generated-files.ts';

export interface WriteReport {
  written: string[];
  unchanged: string[];
  deleted: string[];
}

function assertInside(path: string, dir: string): void {
  const normal = posix.normalize(path);
  if (normal !== path || !path.startsWith(`${dir}/`) || path.split('/').includes('..')) {
    throw new Error(`internal error: generated path '${path}' is not inside ${dir}/`);
  }
}

function removeEmptyDirs(root: string, relative: string, dir: string): void {
  let current = dirname(relative);
  while (current !== dir && current.startsWith(`${dir}/`)) {
    const absolute = join(root, current);
    if (readdirSync(absolute).length > 0) return;
    rmdirSync(absolute);
    current = dirname(current);
  }
}

export function writeGenerated(root: string, files: ReadonlyMap<string, string>, dir = 'generated'): WriteReport {
  for (const path of files.keys()) assertInside(path, dir);
  const report: WriteReport = { written: [], unchanged: [], deleted: [] };
  for (const [path, text] of files) {
    const absolute = join(root, path);
    let current: string | null = null;
    try {
      current = readFileSync(absolute, 'utf8');
    } catch {
      current = null;
    }
    // Leave identical files alone so mtimes (and watchers) only see real changes.
    if (current === text) {
      report.unchanged.push(path);
      continue;
    }
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
    report.written.push(path);
  }
  for (const path of listGeneratedFiles(root, dir)) {
    if (files.has(path)) continue;
    assertInside(path, dir);
    rmSync(join(root, path));
    report.deleted.push(path);
    removeEmptyDirs(root, path, dir);
  }
  return report;
}
