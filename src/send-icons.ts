// RFC 5547 §6 icons as one send() chose them: kept for that transfer only (its batches and queued
// files), so a later plain send of the same path is not offered with an earlier send's icon.
import { basename } from 'node:path';
import { guessMimeType, type IconLookup } from '../runtime/index.ts';
import type { FileIcon, FileToSend } from './client-types.ts';
import type { AutoThumbnailer } from './icons/auto-thumbnail.ts';

export class SendIconChoices {
  /** Per path; `false` means no icon at all, not even an automatic one. */
  readonly #chosen = new Map<string, string | FileIcon | false>();

  constructor(private readonly thumbnailer: AutoThumbnailer | undefined) {}

  /** Records the file's choice and returns the path the sender reads. */
  note = (file: string | FileToSend): string => {
    if (typeof file === 'string') {
      this.#chosen.delete(file);
      return file;
    }
    if (file.icon === undefined) this.#chosen.delete(file.path);
    else this.#chosen.set(file.path, file.icon);
    return file.path;
  };

  /** The sender's lookup for this transfer: the chosen icon, else an automatic one for images. */
  lookup: IconLookup = async (path, size) => {
    const chosen = this.#chosen.get(path);
    if (chosen === false) return undefined;
    if (chosen !== undefined) return chosen;
    return this.thumbnailer?.iconFor(path, size, guessMimeType(basename(path)));
  };
}
