// The one error every option check throws: ERR_INVALID_OPTION, naming the option (its path in the
// options object, e.g. `sip.transport`), the value given and what is allowed, so a plain JavaScript
// caller sees at once what to change. Checks run before any socket is bound.
import { CpmError } from '../../runtime/index.ts';

export class InvalidOptionError extends CpmError {
  /** Where the option sits in the options object, e.g. `sip.transport` or `files[2].icon`. */
  readonly option: string;
  /** The value given, as given. */
  readonly value: unknown;
  /** What the option accepts, in words. */
  readonly allowed: string;

  constructor(call: string, option: string, value: unknown, allowed: string) {
    super('ERR_INVALID_OPTION', `${call}: option ${option} must be ${allowed}; got ${describeValue(value)}`, { location: { source: `${call} options` } });
    this.name = 'CpmError';
    this.option = option;
    this.value = value;
    this.allowed = allowed;
  }
}

/** A short, printable rendering of any value (strings quoted, long ones cut, objects by shape). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${String(value)} (${typeof value})`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  return 'an object';
}
