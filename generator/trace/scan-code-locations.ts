// Finds every place in the repository that carries a rule id as a `@rule <id>` tag, generated or
// hand-written. Plain mentions do not count: the id of a step-less rule such as 7.6.2 is also the
// clause number, and tests name ids in strings, so only the explicit tag says "this code implements it".
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { linesCarrying } from './rule-id-pattern.ts';

export const scannedDirs = ['runtime', 'src', 'generated', 'test'] as const;

/** Fixtures and golden outputs of the generator's own tests describe made-up rules, not the spec's. */
const skipped = ['test/golden', 'test/unit/generator', 'test/fixtures'];
const scannedExtensions = /\.(ts|js|mjs|cjs)$/;

function listSourceFiles(root: string, dir: string): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    if (skipped.some((skip) => relative === skip || relative.startsWith(`${skip}/`))) return;
    let entries;
    try {
      entries = readdirSync(join(root, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && scannedExtensions.test(entry.name)) files.push(path);
    }
  };
  walk(dir);
  return files.sort();
}

/** rule id -> ['path:line', ...], paths repository-relative and sorted. */
export function scanCodeLocations(root: string, ids: readonly string[], dirs: readonly string[] = scannedDirs): Map<string, string[]> {
  const locations = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const dir of dirs) {
    for (const path of listSourceFiles(root, dir)) {
      const text = readFileSync(join(root, path), 'utf8');
      for (const id of ids) {
        if (!text.includes(id)) continue;
        for (const line of linesCarrying(text, id, 'tag')) locations.get(id)?.push(`${path}:${line}`);
      }
    }
  }
  // Files were read directory by directory; report them in plain path order (sort is stable, lines stay ascending).
  const pathOf = (location: string): string => location.replace(/:\d+$/, '');
  for (const list of locations.values()) list.sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0));
  return locations;
}
