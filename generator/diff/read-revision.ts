// The spec files of a git revision (`git show REV:path`), or of the work tree, in their default
// order (base .rules files, then the CRs of that revision's spec/cr/ORDER).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { CpmError } from '../../runtime/index.ts';
import type { SpecInput } from '../compile-spec.ts';
import { presentBaseFiles } from '../load-spec.ts';

const run = promisify(execFile);

async function gitShow(root: string, rev: string, path: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['show', `${rev}:${path}`], { cwd: root, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n')[0];
    throw new CpmError('ERR_SPEC_REVISION', `cannot read ${path} at revision ${rev}: ${detail}`);
  }
}

/** `rev` null: the work tree. */
export async function readSpecAt(root: string, rev: string | null): Promise<SpecInput[]> {
  const read = (path: string): Promise<string> =>
    rev === null
      ? readFile(resolve(root, path), 'utf8').catch((error: Error) => {
          throw new CpmError('ERR_SPEC_REVISION', `cannot read ${path} in the work tree: ${error.message}`);
        })
      : gitShow(root, rev, path);
  const order = await read('spec/cr/ORDER');
  const crs = order
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .map((l) => `spec/cr/${l}`);
  const base = await presentBaseFiles((path) => read(path).then(() => true, () => false));
  const paths = [...base, ...crs];
  return Promise.all(paths.map(async (path) => ({ path, text: await read(path) })));
}
