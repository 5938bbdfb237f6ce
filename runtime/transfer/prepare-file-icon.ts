// Attaches the RFC 5547 §6 icon an application chose for a file to the prepared file, with a fresh
// Content-ID, so that its m-line gets a=file-icon:cid:… and the INVITE body the icon part.

import type { FileHashStore } from '../files/file-hash-store.ts';
import { checkIcon, newIconContentId, readIconFile, type FileIcon } from './file-icon.ts';
import { prepareFile, type PreparedFile } from './file-offer.ts';

/**
 * The icon for a file about to be offered: a path to an image file, the checked bytes, or none.
 * An icon that cannot be read or is not an accepted image fails the file with ERR_FILE_ICON. Called
 * after the file itself was read (so `size` is known); it may be asynchronous (an automatic thumbnail
 * is made from the file), and must then resolve rather than reject when it has no icon.
 */
export type IconLookup = (path: string, size: number) => string | FileIcon | undefined | Promise<string | FileIcon | undefined>;

export async function prepareFileWithIcon(path: string, iconFor: IconLookup | undefined, host: string, hashStore?: FileHashStore): Promise<PreparedFile> {
  const file = await prepareFile(path, hashStore);
  const chosen = await iconFor?.(path, file.size);
  if (chosen === undefined) return file;
  let icon: FileIcon;
  if (typeof chosen === 'string') {
    icon = await readIconFile(chosen);
  } else {
    const checked = checkIcon(chosen.bytes, { declaredType: chosen.type, source: path });
    if (!checked.ok) throw checked.error;
    icon = checked.value;
  }
  return { ...file, icon: { contentId: newIconContentId(host), icon } };
}
