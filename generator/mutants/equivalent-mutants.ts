// Mutants argued to be equivalent: a runtime changed that way behaves, on every wire a generated
// test can build, exactly as the unmutated one, so no test can fail on it. They are listed in
// spec/equivalent-mutants.txt, one per line (`<mutant id>: <why>`, `#` comments), and shown with
// their argument in the `spec mutants` table; they are still run, and one that a test kills is
// reported as wrongly listed, so the list cannot hide a weak test.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const equivalentMutantsFile = 'spec/equivalent-mutants.txt';

export interface EquivalentMutant {
  readonly id: string;
  readonly reason: string;
  readonly line: number;
}

export class EquivalentMutantsError extends Error {
  readonly code = 'ERR_EQUIVALENT_MUTANTS';
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

/** Parses the list; a line without `id: reason`, or an id given twice, is a located error. */
export function parseEquivalentMutants(text: string, file = equivalentMutantsFile): EquivalentMutant[] {
  const out: EquivalentMutant[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf(': ');
    const id = at < 0 ? '' : line.slice(0, at).trim();
    const reason = at < 0 ? '' : line.slice(at + 2).trim();
    if (id === '' || reason === '') throw new EquivalentMutantsError(file, index + 1, 'expected `<mutant id>: <why it is equivalent>`');
    if (out.some((e) => e.id === id)) throw new EquivalentMutantsError(file, index + 1, `mutant ${id} is listed twice`);
    out.push({ id, reason, line: index + 1 });
  }
  return out;
}

/** The list of the repository at `root`; none when the file does not exist. */
export async function readEquivalentMutants(root: string): Promise<EquivalentMutant[]> {
  let text: string;
  try {
    text = await readFile(join(root, equivalentMutantsFile), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseEquivalentMutants(text);
}
