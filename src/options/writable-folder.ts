// A receiving folder is tried once at start, by creating and removing a probe file in it: a folder
// that is missing, not a folder, read-only or on a read-only file system fails receive() at once
// with ERR_RECEIVE_DIR, instead of every later offer being refused. (A permission check alone would
// pass for root on a read-only mount; the probe is what the writer will actually do.)
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CpmError } from '../../runtime/index.ts';

const reasons: Readonly<Record<string, string>> = {
  ENOENT: 'it does not exist',
  ENOTDIR: 'it is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'it is on a read-only file system',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
};

export function assertWritableFolder(dir: string, call: string): void {
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    const probe = join(dir, `.cpm-ft-write-check-${randomBytes(6).toString('hex')}`);
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const why = reasons[code] ?? (error as Error).message;
    throw new CpmError('ERR_RECEIVE_DIR', `${call}: cannot write received files into ${dir}: ${why}${code === '' ? '' : ` (${code})`}`, { cause: error, location: { source: dir } });
  }
}
