// Small checks shared by the option validators: each takes the call ('createClient', 'send', ...),
// the option's path and its value, and throws InvalidOptionError when the value does not fit.
// Optional options are checked only when present (undefined means "the default").
import { isIP } from 'node:net';
import { parseSipUri } from '../../runtime/index.ts';
import { InvalidOptionError } from './invalid-option.ts';

/** The longest delay Node's timers honour (larger ones fire after 1 ms, with a warning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export type Fields = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class OptionChecker {
  constructor(readonly call: string) {}

  fail(option: string, value: unknown, allowed: string): never {
    throw new InvalidOptionError(this.call, option, value, allowed);
  }

  object(option: string, value: unknown, what = 'an object'): Fields {
    if (!isObject(value)) this.fail(option, value, what);
    return value;
  }

  string(option: string, value: unknown, what = 'a non-empty string'): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(option, value, what);
    return value;
  }

  boolean(option: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'boolean') this.fail(option, value, 'true or false');
  }

  function(option: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'function') this.fail(option, value, 'a function');
  }

  oneOf(option: string, value: unknown, allowed: readonly string[]): void {
    if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value))) {
      this.fail(option, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
    }
  }

  /** A whole number from `min` to `max`. */
  integer(option: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER, what?: string): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(option, value, what ?? (max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`));
    }
  }

  /** A port to bind: 0 (any free port) to 65535. */
  port(option: string, value: unknown): void {
    this.integer(option, value, 0, 65535, 'a port number from 0 (any free port) to 65535');
  }

  /** A delay in milliseconds a timer can wait for: more than 0 (or 0 where `zero` allows it). */
  duration(option: string, value: unknown, zero = false): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zero && value === 0) || value > MAX_TIMER_MS) {
      this.fail(option, value, `a number of milliseconds from ${zero ? 0 : 'above 0'} to ${MAX_TIMER_MS}`);
    }
  }

  /** A host name or an IP address to bind or reach. */
  host(option: string, value: unknown): void {
    if (value === undefined) return;
    const hostName = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;
    if (typeof value !== 'string' || (isIP(value) === 0 && !hostName.test(value))) {
      this.fail(option, value, 'an IP address or a host name, e.g. "127.0.0.1"');
    }
  }

  /** A sip: or sips: URI (RFC 3261 §19.1.1). */
  sipUri(option: string, value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !parseSipUri(value).ok) this.fail(option, value, 'a SIP URI such as "sip:alice@127.0.0.1"');
  }
}
