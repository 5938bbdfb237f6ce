// Loads one generated module from a temporary directory, with its runtime import pointed at this
// repository's runtime, so tests execute exactly the text the generator produced.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runtimeIndex = fileURLToPath(new URL('../../../../runtime/index.ts', import.meta.url));

export async function loadGeneratedModule<T>(text: string): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'cpm-ft-generated-'));
  try {
    const file = join(dir, 'module.ts');
    writeFileSync(file, text.replaceAll("'../../runtime/index.ts'", JSON.stringify(runtimeIndex)));
    return (await import(file)) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
