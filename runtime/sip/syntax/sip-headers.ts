import { canonicalHeaderName, headerKey } from './header-names.ts';

/** One header field line (after unfolding and list splitting). */
export interface SipHeaderField {
  /** Canonical name (compact forms already expanded). */
  readonly name: string;
  readonly value: string;
}

/**
 * Header fields in wire order with case-insensitive, compact-form-aware lookup. Order matters in
 * SIP: the top Via, Route and Record-Route entries are the first ones (RFC 3261 §7.3.1).
 */
export class SipHeaders {
  #fields: SipHeaderField[];

  constructor(fields: Iterable<SipHeaderField> = []) {
    this.#fields = [...fields].map((f) => ({ name: canonicalHeaderName(f.name), value: f.value }));
  }

  /** The first value of a header, or undefined. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    return this.#fields.find((f) => headerKey(f.name) === key)?.value;
  }

  /** Every value of a header, in order. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    return this.#fields.filter((f) => headerKey(f.name) === key).map((f) => f.value);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Appends a value after the existing ones. */
  append(name: string, value: string): this {
    this.#fields.push({ name: canonicalHeaderName(name), value });
    return this;
  }

  /** Inserts a value before the existing ones of that header (a new top Via or Route). */
  prepend(name: string, value: string): this {
    const key = headerKey(name);
    const at = this.#fields.findIndex((f) => headerKey(f.name) === key);
    const field = { name: canonicalHeaderName(name), value };
    if (at < 0) this.#fields.push(field);
    else this.#fields.splice(at, 0, field);
    return this;
  }

  /** Replaces every value of a header by one value, keeping the position of the first. */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const at = this.#fields.findIndex((f) => headerKey(f.name) === key);
    const field = { name: canonicalHeaderName(name), value };
    this.delete(name);
    if (at < 0) this.#fields.push(field);
    else this.#fields.splice(at, 0, field);
    return this;
  }

  /** Replaces the first value of a header only (for rewriting the top Via). */
  setFirst(name: string, value: string): this {
    const key = headerKey(name);
    const at = this.#fields.findIndex((f) => headerKey(f.name) === key);
    if (at < 0) this.append(name, value);
    else this.#fields[at] = { name: canonicalHeaderName(name), value };
    return this;
  }

  delete(name: string): this {
    const key = headerKey(name);
    this.#fields = this.#fields.filter((f) => headerKey(f.name) !== key);
    return this;
  }

  /** Removes the first value of a header only. */
  deleteFirst(name: string): this {
    const key = headerKey(name);
    const at = this.#fields.findIndex((f) => headerKey(f.name) === key);
    if (at >= 0) this.#fields.splice(at, 1);
    return this;
  }

  get size(): number {
    return this.#fields.length;
  }

  [Symbol.iterator](): Iterator<SipHeaderField> {
    return this.#fields[Symbol.iterator]();
  }

  clone(): SipHeaders {
    return new SipHeaders(this.#fields);
  }
}
