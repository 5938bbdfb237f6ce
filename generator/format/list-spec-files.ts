// Every spec file under spec/ (.rules and .cr, any depth), root-relative and sorted: the default
// file set of `cpm-ft spec fmt`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function listSpecFiles(root: string, dir = 'spec'): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /\.(rules|cr)$/.test(entry.name)) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}
