// Finds the runtime code that carries out each vocabulary action: a line of runtime/ (outside the
// vocabulary that declares the actions and the testing helpers that check them) where the action's
// name is a `case`, an `=== ` comparison or a key of an executor table.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const skipped = ['runtime/testing', 'runtime/procedure/vocabulary.ts'];

function runtimeFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    if (skipped.some((s) => relative === s || relative.startsWith(`${s}/`))) return;
    let entries;
    try {
      entries = readdirSync(join(root, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.ts') && !skipped.includes(path)) files.push(path);
    }
  };
  walk('runtime');
  return files.sort();
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** action name -> ['runtime/…:line', ...] */
export function scanActionExecutors(root: string, actions: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>(actions.map((a) => [a, []]));
  const patterns = actions.map((action) => {
    const quoted = `'${escape(action)}'`;
    return { action, pattern: new RegExp(`(?:case ${quoted}\\s*:|===\\s*${quoted}|^\\s*${quoted}\\s*:)`) };
  });
  for (const path of runtimeFiles(root)) {
    const lines = readFileSync(join(root, path), 'utf8').split('\n');
    lines.forEach((line, index) => {
      for (const { action, pattern } of patterns) if (pattern.test(line)) found.get(action)!.push(`${path}:${index + 1}`);
    });
  }
  return found;
}
