// RFC 5547 pull (§8, the offerer is the file receiver): the puller names the file it wants by a
// file-selector (name, type, size, hash; §6), and the answerer serves a file only when it matches
// every part given. The selector is the peer's text, so the name is checked as strictly as a path
// can be before it gets anywhere near the file system.

import { lstat, open, realpath } from 'node:fs/promises';
import { constants } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { CpmError, fail, ok, type Result } from '../errors.ts';
import { guessMimeType } from '../files/guess-mime-type.ts';
import { hashFile } from '../files/sha1-hasher.ts';
import { fileAttributeCodecs, formatSelectorParts, parseSelectorParts, type FileHash } from '../sdp/file-attribute-codecs.ts';
import type { PreparedFile } from './file-offer.ts';

/** The parts of a pull's file-selector; at least one is given, and a served file matches all. */
export interface PullSelector {
  readonly name?: string;
  readonly type?: string;
  readonly size?: number;
  readonly hash?: FileHash;
}

const selectorError = (message: string): CpmError => new CpmError('ERR_PULL_SELECTOR', message, { location: { source: 'file-selector' } });

/** `name:"x" type:a/b size:N hash:sha-1:…` (RFC 5547 §6 file-selector syntax). */
export function formatPullSelector(selector: PullSelector): string {
  const parts: Array<[string, string]> = [];
  if (selector.name !== undefined) parts.push(['name', fileAttributeCodecs['quoted-string'].format(selector.name)]);
  if (selector.type !== undefined) parts.push(['type', fileAttributeCodecs['mime-type'].format(selector.type)]);
  if (selector.size !== undefined) parts.push(['size', fileAttributeCodecs.integer.format(selector.size)]);
  if (selector.hash !== undefined) parts.push(['hash', fileAttributeCodecs.hash.format(selector.hash)]);
  return formatSelectorParts(parts);
}

/**
 * Parses a file-selector value (from an offer, or the CLI's --selector). Unknown parts are ignored
 * as RFC 5547 §6 asks; a selector with none of name, type, size, hash selects nothing and is refused.
 */
export function parsePullSelector(text: string): Result<PullSelector> {
  const parts = parseSelectorParts(text);
  if (!parts.ok) return fail(selectorError(`bad file-selector: ${parts.error.message}`));
  const out: { name?: string; type?: string; size?: number; hash?: FileHash } = {};
  const name = parts.value.get('name');
  if (name !== undefined) {
    const parsed = fileAttributeCodecs['quoted-string'].parse(name);
    if (!parsed.ok) return fail(selectorError(`bad name: ${parsed.error.message}`));
    out.name = parsed.value;
  }
  const type = parts.value.get('type');
  if (type !== undefined) {
    const parsed = fileAttributeCodecs['mime-type'].parse(type);
    if (!parsed.ok) return fail(selectorError(`bad type: ${parsed.error.message}`));
    out.type = parsed.value;
  }
  const size = parts.value.get('size');
  if (size !== undefined) {
    const parsed = fileAttributeCodecs.integer.parse(size);
    if (!parsed.ok) return fail(selectorError(`bad size: ${parsed.error.message}`));
    out.size = parsed.value;
  }
  const hash = parts.value.get('hash');
  if (hash !== undefined) {
    const parsed = fileAttributeCodecs.hash.parse(hash);
    if (!parsed.ok) return fail(selectorError(`bad hash: ${parsed.error.message}`));
    out.hash = parsed.value;
  }
  if (out.name === undefined && out.type === undefined && out.size === undefined && out.hash === undefined) {
    return fail(selectorError('the file-selector has none of name, type, size, hash'));
  }
  return ok(out);
}

/**
 * A selector name we are willing to look up: one plain file name, never a path. Refused: empty,
 * `.`/`..`, any `/` or `\`, NUL or other control characters, a drive or absolute form, and hidden
 * names (ours start with a dot: temporary parts and resume partials are never served).
 */
export function checkServedName(name: string): Result<string> {
  const refuse = (why: string): Result<never> => fail(new CpmError('ERR_PULL_NAME', `refused name ${JSON.stringify(name)}: ${why}`, { location: { source: 'file-selector' } }));
  if (name.length === 0) return refuse('empty');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return refuse('control character');
  if (name.includes('/') || name.includes('\\')) return refuse('a path, not a file name');
  if (name === '.' || name === '..') return refuse('a directory reference');
  if (name.startsWith('.')) return refuse('hidden files are not served');
  if (isAbsolute(name) || /^[A-Za-z]:/.test(name)) return refuse('absolute');
  if (Buffer.byteLength(name, 'utf8') > 255) return refuse('longer than 255 bytes');
  return ok(name);
}

export type ServeLookup =
  | { readonly kind: 'found'; readonly file: PreparedFile }
  | { readonly kind: 'not-found'; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string };

const sameType = (a: string, b: string): boolean =>
  (a.split(';')[0] ?? '').trim().toLowerCase() === (b.split(';')[0] ?? '').trim().toLowerCase();

/**
 * The file in `dir` a pull selector names, if it matches every given part (name, type by its
 * name's MIME type, size, SHA-1). The name is looked up as one entry of `dir` itself: a symlink,
 * a directory or anything but a regular file is not served, and the opened file is checked to be
 * the entry that was looked at, so a swap in between is caught.
 */
export async function findServedFile(dir: string, selector: PullSelector): Promise<ServeLookup> {
  if (selector.name === undefined) return { kind: 'refused', reason: 'a pull without a file name is not served' };
  const name = checkServedName(selector.name);
  if (!name.ok) return { kind: 'refused', reason: name.error.message };
  let root: string;
  try {
    root = await realpath(dir);
  } catch (error) {
    return { kind: 'not-found', reason: `the served folder is not readable: ${(error as Error).message}` };
  }
  const path = join(root, name.value);
  const rel = relative(root, path);
  if (rel.length === 0 || rel.startsWith('..') || rel.includes(sep) || isAbsolute(rel)) return { kind: 'refused', reason: 'the name leaves the served folder' };
  let entry;
  try {
    entry = await lstat(path);
  } catch {
    return { kind: 'not-found', reason: `no file ${JSON.stringify(name.value)}` };
  }
  if (entry.isSymbolicLink()) return { kind: 'refused', reason: `${JSON.stringify(name.value)} is a symbolic link` };
  if (!entry.isFile()) return { kind: 'not-found', reason: `${JSON.stringify(name.value)} is not a regular file` };
  // O_NOFOLLOW: if the entry became a symlink since lstat, opening fails instead of following it.
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    return { kind: 'refused', reason: `cannot open ${JSON.stringify(name.value)}: ${(error as Error).message}` };
  }
  let info;
  try {
    info = await handle.stat();
  } finally {
    await handle.close();
  }
  if (!info.isFile() || info.ino !== entry.ino || info.dev !== entry.dev) return { kind: 'refused', reason: `${JSON.stringify(name.value)} changed while it was looked up` };
  const type = guessMimeType(name.value);
  if (selector.size !== undefined && selector.size !== info.size) {
    return { kind: 'not-found', reason: `${JSON.stringify(name.value)} has ${info.size} bytes, the selector asks for ${selector.size}` };
  }
  if (selector.type !== undefined && !sameType(selector.type, type)) {
    return { kind: 'not-found', reason: `${JSON.stringify(name.value)} is ${type}, the selector asks for ${selector.type}` };
  }
  if (selector.hash !== undefined && selector.hash.algorithm !== 'sha-1') {
    return { kind: 'not-found', reason: `hash algorithm ${selector.hash.algorithm} is not supported (sha-1 is)` };
  }
  const hash = await hashFile(path);
  if (selector.hash !== undefined && selector.hash.digest !== hash.digest) {
    return { kind: 'not-found', reason: `${JSON.stringify(name.value)} has another SHA-1 than the selector's` };
  }
  return { kind: 'found', file: { path, name: name.value, size: info.size, type, hash, modified: info.mtime } };
}
