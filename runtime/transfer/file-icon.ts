// RFC 5547 §6 file-icon: a small picture of the file carried as a body part of the INVITE, which the
// m-line points at with a cid: URL (RFC 2392). Both ends treat the icon as untrusted bytes: only a
// few raster formats, recognised by their magic bytes rather than by what the peer declares, and a
// size cap, so a hostile icon is refused before anything shows or stores it.

import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { CpmError, fail, ok, type Result } from '../errors.ts';

/** The icon formats accepted, sent and saved. */
export const iconTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type IconType = (typeof iconTypes)[number];

/** Default cap on an icon's size in bytes, sending and receiving (a thumbnail, not a photo). */
export const DEFAULT_MAX_ICON_BYTES = 32 * 1024;

export interface FileIcon {
  readonly type: IconType;
  readonly bytes: Buffer;
}

const iconExtensions: Readonly<Record<IconType, string>> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
};

/** The file extension an icon of this type is saved with. */
export const iconExtension = (type: IconType): string => iconExtensions[type];

const startsWith = (bytes: Buffer, at: number, signature: readonly number[]): boolean =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

/** The icon type the bytes really are (PNG, JPEG, GIF87a/89a, RIFF WEBP), or undefined. */
export function sniffIconType(bytes: Buffer): IconType | undefined {
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, 0, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  if (startsWith(bytes, 0, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, 8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  return undefined;
}

const iconError = (message: string, source?: string): CpmError =>
  new CpmError('ERR_FILE_ICON', message, source === undefined ? {} : { location: { source } });

/**
 * Checks icon bytes: not empty, at most `maxBytes`, one of the accepted formats by magic bytes, and,
 * when a Content-Type was declared, the same type (a PNG declared image/gif is refused too).
 */
export function checkIcon(bytes: Buffer, options: { declaredType?: string; maxBytes?: number; source?: string } = {}): Result<FileIcon> {
  const max = options.maxBytes ?? DEFAULT_MAX_ICON_BYTES;
  if (bytes.length === 0) return fail(iconError('the icon is empty', options.source));
  if (bytes.length > max) return fail(iconError(`the icon has ${bytes.length} bytes, more than the limit of ${max}`, options.source));
  const type = sniffIconType(bytes);
  if (type === undefined) return fail(iconError(`the icon is not ${iconTypes.join(', ')} (checked by its first bytes)`, options.source));
  if (options.declaredType !== undefined) {
    const declared = options.declaredType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (declared !== type) return fail(iconError(`the icon is declared ${JSON.stringify(declared)} but its bytes are ${type}`, options.source));
  }
  return ok({ type, bytes });
}

/** Reads and checks a local icon file; never reads more than the limit plus one byte. */
export async function readIconFile(path: string, maxBytes = DEFAULT_MAX_ICON_BYTES): Promise<FileIcon> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new CpmError('ERR_FILE_ICON', `cannot open icon ${path}: ${(error as Error).message}`, { cause: error, location: { source: path } });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw iconError(`icon ${path} is not a regular file`, path);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    const checked = checkIcon(buffer.subarray(0, length), { maxBytes, source: path });
    if (!checked.ok) throw checked.error;
    return { type: checked.value.type, bytes: Buffer.from(checked.value.bytes) };
  } finally {
    await handle.close();
  }
}

/**
 * A fresh Content-ID for an icon part (RFC 2045 §7 msg-id form, RFC 2392): random left part, our host
 * as the right part so it is unique across senders. Returned without angle brackets.
 */
export function newIconContentId(host: string): string {
  const right = /^[A-Za-z0-9.-]+$/.test(host) ? host : 'cpm-ft.invalid';
  return `icon-${randomBytes(9).toString('hex')}@${right}`;
}
