// Keeps a running focus's pre-defined groups in step with its groups file. Several focus instances
// behind one dispatcher read the same file, so an operator edits one file and every instance picks
// it up. The folder is watched rather than the file: editors and `mv` replace the file (a new
// inode), which a watch on the file itself would miss after the first change.

import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { CpmError } from '../../runtime/index.ts';
import { loadGroupsFile, type GroupDirectory } from './load-groups.ts';

export interface GroupsFileWatchOptions {
  /** The groups the focus runs with now (read from the same file at start). */
  readonly initial: GroupDirectory;
  readonly maxMembers?: number;
  /** Changes closer together than this are read once (editors write in several steps). Default 100 ms. */
  readonly settleMs?: number;
  /** A changed file that reads and validates. */
  readonly onReload: (groups: GroupDirectory) => void;
  /** A changed file that is unreadable or invalid: the focus keeps the groups it has. */
  readonly onError: (error: CpmError) => void;
}

export interface GroupsFileWatch {
  close(): void;
}

export function watchGroupsFile(path: string, options: GroupsFileWatchOptions): GroupsFileWatch {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // One read at a time, and one more after it when the file changed meanwhile: the last write wins.
  let reading = false;
  let again = false;
  // The groups the focus started with, so a rewrite with the same content stays quiet.
  let last = JSON.stringify(options.initial);

  const reload = async (): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const loaded = await loadGroupsFile(path, options.maxMembers === undefined ? {} : { maxMembers: options.maxMembers });
        if (closed) return;
        if (!loaded.ok) {
          options.onError(loaded.error);
          continue;
        }
        // A touch or a rewrite with the same content is not a reload.
        const text = JSON.stringify(loaded.value);
        if (text === last) continue;
        last = text;
        options.onReload(loaded.value);
      } while (again && !closed);
    } finally {
      reading = false;
    }
  };

  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
    if (closed || (changed !== null && changed !== name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), options.settleMs ?? 100);
  });
  // A vanished folder (or an inotify limit) must not take the focus down; it keeps its groups.
  watcher.on('error', () => undefined);

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}
