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
  // headerKey() of each field, kept beside it: lookups compare keys instead of re-deriving them.
  #keys: string[];

  constructor(fields: Iterable<SipHeaderField> = []) {
    this.#fields = [];
    this.#keys = [];
    for (const f of fields) {
      this.#fields.push({ name: canonicalHeaderName(f.name), value: f.value });
      this.#keys.push(headerKey(f.name));
    }
  }

  #indexOf(key: string): number {
    return this.#keys.indexOf(key);
  }

  /** The first value of a header, or undefined. */
  get(name: string): string | undefined {
    const at = this.#indexOf(headerKey(name));
    return at < 0 ? undefined : this.#fields[at]!.value;
  }

  /** Every value of a header, in order. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (let i = 0; i < this.#keys.length; i++) if (this.#keys[i] === key) out.push(this.#fields[i]!.value);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Appends a value after the existing ones. */
  append(name: string, value: string): this {
    this.#fields.push({ name: canonicalHeaderName(name), value });
    this.#keys.push(headerKey(name));
    return this;
  }

  #insert(at: number, name: string, value: string): void {
    this.#fields.splice(at, 0, { name: canonicalHeaderName(name), value });
    this.#keys.splice(at, 0, headerKey(name));
  }

  /** Inserts a value before the existing ones of that header (a new top Via or Route). */
  prepend(name: string, value: string): this {
    const at = this.#indexOf(headerKey(name));
    if (at < 0) this.append(name, value);
    else this.#insert(at, name, value);
    return this;
  }

  /** Replaces every value of a header by one value, keeping the position of the first. */
  set(name: string, value: string): this {
    const at = this.#indexOf(headerKey(name));
    this.delete(name);
    if (at < 0) this.append(name, value);
    else this.#insert(at, name, value);
    return this;
  }

  /** Replaces the first value of a header only (for rewriting the top Via). */
  setFirst(name: string, value: string): this {
    const key = headerKey(name);
    const at = this.#indexOf(key);
    if (at < 0) this.append(name, value);
    else { this.#fields[at] = { name: canonicalHeaderName(name), value }; this.#keys[at] = key; }
    return this;
  }

  delete(name: string): this {
    const key = headerKey(name);
    const fields: SipHeaderField[] = [];
    const keys: string[] = [];
    for (let i = 0; i < this.#keys.length; i++) {
      if (this.#keys[i] === key) continue;
      fields.push(this.#fields[i]!);
      keys.push(this.#keys[i]!);
    }
    this.#fields = fields;
    this.#keys = keys;
    return this;
  }

  /** Removes the first value of a header only. */
  deleteFirst(name: string): this {
    const at = this.#indexOf(headerKey(name));
    if (at >= 0) { this.#fields.splice(at, 1); this.#keys.splice(at, 1); }
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
