// Byte counts on the command line (--chunk-size, --max-size, --size): a positive integer, optionally
// with a binary suffix (64k, 8M, 1GiB), so users can type sizes the way they think of them.
import { fail, ok, type Result } from '../../runtime/index.ts';

const multipliers: Record<string, number> = { '': 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3 };

/** Parses `text` as a byte count; `option` names the flag in the error message. */
export function parseByteCount(text: string, option: string, { allowZero = false } = {}): Result<number, string> {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const multiplier = match === null ? undefined : multipliers[(match[2] ?? '').toLowerCase()];
  if (match === null || multiplier === undefined) {
    return fail(`${option} expects a number of bytes (e.g. 65536, 64k, 8M), got '${text}'`);
  }
  const value = Number(match[1]) * multiplier;
  if (!Number.isSafeInteger(value)) return fail(`${option} is too large: '${text}'`);
  if (value === 0 && !allowZero) return fail(`${option} must be greater than 0`);
  return ok(value);
}
