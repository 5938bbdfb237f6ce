// Stores a received file icon (RFC 5547 §6) in a folder: named after the offered file (made safe,
// never a path), with the extension of the type its bytes really are, created exclusively so that
// nothing existing is overwritten and no symlink is followed, and never outside the folder.

import { open } from 'node:fs/promises';
import { CpmError } from '../errors.ts';
import { collisionName, resolveInsideFolder, safeFileName } from '../files/safe-file-name.ts';
import { iconExtension, type FileIcon } from './file-icon.ts';

const MAX_COLLISIONS = 1000;

/** Writes the icon as `<safe file name>.icon.<ext>` (or `… (n).icon.<ext>`); returns the path. */
export async function saveIcon(folder: string, offeredName: string, icon: FileIcon): Promise<string> {
  const base = `${safeFileName(offeredName)}.icon${iconExtension(icon.type)}`;
  for (let n = 0; n < MAX_COLLISIONS; n++) {
    const target = resolveInsideFolder(folder, collisionName(safeFileName(base), n));
    if (!target.ok) throw target.error;
    let handle;
    try {
      // 'wx' is O_CREAT|O_EXCL: an existing name, symlinks included, fails with EEXIST.
      handle = await open(target.value, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new CpmError('ERR_FILE_ICON', `cannot store the icon in ${folder}: ${(error as Error).message}`, { cause: error });
    }
    try {
      await handle.writeFile(icon.bytes);
    } finally {
      await handle.close();
    }
    return target.value;
  }
  throw new CpmError('ERR_FILE_ICON', `no free name for the icon of ${JSON.stringify(offeredName)} in ${folder}`);
}
