// Turns a peer-chosen file name (RFC 5547 `name:`, entirely under the sender's control) into one
// path component that is valid on common file systems and can never leave the target folder.

import { isAbsolute, relative, resolve } from 'node:path';
import { CpmError, fail, ok, type Result } from '../errors.ts';

const MAX_BYTES = 255;
// Windows device names are reserved with any extension (CON.txt opens the console).
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a code point. */
function truncateBytes(text: string, max: number): string {
  if (byteLength(text) <= max) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = byteLength(ch);
    if (used + size > max) break;
    out += ch;
    used += size;
  }
  return out;
}

function splitExtension(name: string): [stem: string, ext: string] {
  const dot = name.lastIndexOf('.');
  // A short extension is kept intact when shortening; a "long extension" is just part of the name.
  if (dot <= 0 || name.length - dot > 16) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

/** Shortens to 255 bytes, keeping the extension and leaving room for `suffix` before it. */
function fitName(name: string, suffix = ''): string {
  const [stem, ext] = splitExtension(name);
  const room = MAX_BYTES - byteLength(ext) - byteLength(suffix);
  return `${truncateBytes(stem, Math.max(room, 1))}${suffix}${ext}`;
}

/** One clean-up pass; safeFileName repeats it until the name no longer changes. */
function cleanOnce(name: string, fallback: string): string {
  let out = name
    // C0/C1 controls and DEL: invisible, and NUL truncates paths in C APIs.
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    // Characters Windows forbids in names (and ':' which macOS maps to '/').
    .replace(/[<>:"|?*]/g, '_')
    // Bidi overrides let "exe.txt" display as something else.
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, '')
    // No hidden files, no '..': drop leading dots and spaces; Windows drops trailing ones itself.
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (RESERVED.test(out)) out = `_${out}`;
  if (out === '') out = fallback;
  // NFC only once the removals are done: a control between a letter and a combining mark would
  // otherwise keep them apart and leave a name that is not NFC. Shortening comes after NFC
  // because composing can change the byte length.
  return fitName(out.normalize('NFC'));
}

export function safeFileName(offered: string, fallback = 'file'): string {
  // Keep only the last path component, whichever separator the sender's OS uses.
  let name = offered.split(/[/\\]/).filter((p) => p !== '' && p !== '.' && p !== '..').at(-1) ?? '';
  // Shortening can expose a trailing dot or space or a reserved stem ("CON   ..." cut to "CON   "),
  // which another pass fixes. The loop ends: after the first pass a pass only removes characters,
  // except for one '_' before a reserved name, which can never be reserved again. Running to a
  // fixed point makes the function idempotent: a safe name comes back unchanged.
  for (;;) {
    const next = cleanOnce(name, fallback);
    if (next === name) return name;
    name = next;
  }
}

/** `name (n).ext` for the n-th collision, still within 255 bytes. */
export function collisionName(name: string, n: number): string {
  return n === 0 ? name : fitName(name, ` (${n})`);
}

/** Resolves `name` inside `folder`, failing if the result would be anywhere but directly in it. */
export function resolveInsideFolder(folder: string, name: string): Result<string> {
  const root = resolve(folder);
  const target = resolve(root, name);
  const rel = relative(root, target);
  if (rel === '' || isAbsolute(rel) || rel === '..' || rel.includes('/') || rel.includes('\\')) {
    return fail(new CpmError('ERR_FILE_NAME_UNSAFE', `${JSON.stringify(name)} does not stay inside ${root}`));
  }
  return ok(target);
}
