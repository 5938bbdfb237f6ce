// Lists the files currently under generated/, as repository-relative paths with '/' separators.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function listGeneratedFiles(root: string, dir = 'generated'): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    let entries;
    try {
      entries = readdirSync(join(root, relative), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}
