// Durations on the command line (--msrp-setup-timeout, --idle-timeout): a positive number with an
// optional unit, `30s`, `500ms`, `2m`; a bare number is seconds.
import { fail, ok, type Result } from '../../runtime/index.ts';

const units: Record<string, number> = { ms: 1, s: 1000, '': 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** Milliseconds for `text`; `option` names the flag in the error message. */
export function parseDuration(text: string, option: string): Result<number, string> {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match === null ? undefined : units[(match[2] ?? '').toLowerCase()];
  const expected = `${option} expects a duration like 30s, 500ms or 2m (a bare number is seconds), got '${text}'`;
  if (match === null || unit === undefined) return fail(expected);
  const ms = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(ms) || ms > 2 ** 31 - 1) return fail(`${option} is too long: '${text}' (at most about 24 days)`);
  if (ms <= 0) return fail(`${option} must be more than 0, got '${text}'`);
  return ok(ms);
}
