// A small, deliberately limited XML reader for documents received from the network
// (resource-lists in an RFC 5366 INVITE, conference-info in an RFC 4575 NOTIFY). It is not a
// general XML parser: it reads elements, attributes, text, comments, processing instructions and
// CDATA into a tree, resolves namespace prefixes, and refuses everything that makes XML dangerous
// to read from the network (DTDs, entity declarations, unknown entity references), with hard
// bounds on size, nesting and element count. Each caller picks the error codes and the location
// source its errors carry, so the codes stay those of the document type being read.

import { CpmError, fail, ok, type Result } from '../errors.ts';

export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  /** Attributes without a prefix, by local name (namespaced attributes are kept as `{ns}local`). */
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  /** Character data and CDATA, decoded; at most TEXT_LIMIT characters are kept. */
  text: string;
  /** Offset of the element's '<' in the decoded text, for located errors raised by the caller. */
  readonly offset: number;
}

export interface XmlReadLimits {
  /** Largest document accepted, in UTF-8 bytes. */
  readonly maxBytes: number;
  /** Deepest element nesting accepted. */
  readonly maxDepth: number;
  /** Most elements accepted in the whole document. */
  readonly maxElements: number;
}

/** The codes and the location source of the errors readXmlTree reports. */
export interface XmlReadErrors {
  /** `location.source` of every error, e.g. 'resource-lists'. */
  readonly source: string;
  /** Not well-formed. */
  readonly parse: string;
  /** A DTD, a markup declaration or an unknown entity reference. */
  readonly entity: string;
  /** Larger (bytes, depth, elements) than the limits. */
  readonly tooLarge: string;
}

/** Text kept per element: the documents we read carry short values, and memory stays bounded. */
const TEXT_LIMIT = 4096;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const NAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?$/;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML 1.0 §2.2 Char: what a character reference may denote. */
const isXmlChar = (c: number): boolean =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

interface Open {
  readonly qname: string;
  readonly prefixes: ReadonlyMap<string, string>;
  readonly element: XmlElement;
}

/** One read: the error factory bound to the caller's codes, so helpers need not pass them on. */
class TreeReader {
  constructor(private readonly errors: XmlReadErrors) {}

  err(code: string, message: string, offset: number): CpmError {
    return new CpmError(code, message, { location: { source: this.errors.source, offset } });
  }

  perr(message: string, offset: number): CpmError {
    return this.err(this.errors.parse, message, offset);
  }

  /**
   * XML 1.0 §4.1 / §4.6: replaces the five predefined entities and character references. Any
   * other entity would need a DTD to mean something, and DTDs are exactly what we refuse.
   */
  decodeReferences(text: string, offset: number): Result<string> {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const amp = text.indexOf('&', i);
      if (amp < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, amp);
      const semi = text.indexOf(';', amp);
      if (semi < 0 || semi - amp > 12) return fail(this.perr('unterminated entity reference', offset + amp));
      const ref = text.slice(amp + 1, semi);
      const predefined = PREDEFINED[ref];
      if (predefined !== undefined) out += predefined;
      else if (/^#[0-9]{1,7}$/.test(ref) || /^#x[0-9A-Fa-f]{1,6}$/.test(ref)) {
        const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
        if (!isXmlChar(code)) return fail(this.perr(`character reference &${ref}; is not an XML character`, offset + amp));
        out += String.fromCodePoint(code);
      } else {
        return fail(this.err(this.errors.entity, `entity reference &${ref}; refused (only the predefined entities are allowed)`, offset + amp));
      }
      i = semi + 1;
    }
    return ok(out);
  }

  /** XML 1.0 §3.1: the attribute list of a start tag, each preceded by white space; all of it must be consumed. */
  parseAttributes(text: string, offset: number): Result<[string, string][]> {
    const attrs: [string, string][] = [];
    const re = /(\s+)([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
    let pos = 0;
    while (pos < text.length) {
      if (/^\s*$/.test(text.slice(pos))) break;
      re.lastIndex = pos;
      const m = re.exec(text);
      if (m === null) return fail(this.perr('malformed attribute', offset + pos));
      // The capture groups exist whenever the regex matched; the fallbacks keep the types honest.
      const name = m[2] ?? '';
      const raw = m[3] ?? m[4] ?? '';
      if (!NAME.test(name)) return fail(this.perr(`invalid attribute name ${JSON.stringify(name)}`, offset + pos));
      if (raw.includes('<')) return fail(this.perr(`'<' in the value of attribute ${name}`, offset + pos));
      const value = this.decodeReferences(raw, offset + pos);
      if (!value.ok) return value;
      if (attrs.some(([n]) => n === name)) return fail(this.perr(`duplicate attribute ${name}`, offset + pos));
      attrs.push([name, value.value]);
      pos = re.lastIndex;
    }
    return ok(attrs);
  }

  /** Namespaces in XML §6: an unprefixed element takes the default namespace, an unprefixed attribute none. */
  resolveName(qname: string, prefixes: ReadonlyMap<string, string>, isAttribute: boolean, offset: number): Result<{ ns: string; local: string }> {
    const colon = qname.indexOf(':');
    if (colon < 0) return ok({ ns: isAttribute ? '' : (prefixes.get('') ?? ''), local: qname });
    const prefix = qname.slice(0, colon);
    const ns = prefix === 'xml' ? XML_NS : prefixes.get(prefix);
    if (ns === undefined) return fail(this.perr(`undeclared namespace prefix ${JSON.stringify(prefix)}`, offset));
    return ok({ ns, local: qname.slice(colon + 1) });
  }

  /** Reads the start tag `<qname ...inner>` at `lt` into an element whose namespaces are resolved. */
  startTag(qname: string, inner: string, lt: number, parent: Open | undefined): Result<Open> {
    const attrs = this.parseAttributes(inner.slice(qname.length), lt + 1 + qname.length);
    if (!attrs.ok) return attrs;
    // Namespaces in XML §6: declarations on this element apply to it and its descendants.
    const prefixes = new Map(parent?.prefixes ?? []);
    for (const [name, value] of attrs.value) {
      if (name === 'xmlns') prefixes.set('', value);
      else if (name.startsWith('xmlns:')) prefixes.set(name.slice(6), value);
    }
    const resolved = this.resolveName(qname, prefixes, false, lt);
    if (!resolved.ok) return resolved;
    const attrMap = new Map<string, string>();
    for (const [name, value] of attrs.value) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const a = this.resolveName(name, prefixes, true, lt);
      if (!a.ok) return a;
      attrMap.set(a.value.ns === '' ? a.value.local : `{${a.value.ns}}${a.value.local}`, value);
    }
    return ok({ qname, prefixes, element: { ...resolved.value, attrs: attrMap, children: [], text: '', offset: lt } });
  }
}

const appendText = (open: Open | undefined, text: string): void => {
  if (open !== undefined && open.element.text.length < TEXT_LIMIT) open.element.text += text;
};

/**
 * Reads one XML document into an element tree (Namespaces in XML §6 resolved), within `limits`.
 * A UTF-8 BOM is skipped. Every failure is a CpmError with one of `errors`' codes and a location
 * (`errors.source`, offset into the text); nothing is thrown.
 */
export function readXmlTree(input: string | Buffer, limits: XmlReadLimits, errors: XmlReadErrors): Result<XmlElement> {
  const reader = new TreeReader(errors);
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (bytes > limits.maxBytes) return fail(reader.err(errors.tooLarge, `document of ${bytes} bytes exceeds the ${limits.maxBytes}-byte limit`, 0));
  let text = typeof input === 'string' ? input : input.toString('utf8');
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const stack: Open[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunkEnd = lt < 0 ? text.length : lt;
    if (chunkEnd > i) {
      const chars = text.slice(i, chunkEnd);
      // XML 1.0 §2.1 Misc: outside the root element only white space may appear.
      if (stack.length === 0 && !/^\s*$/.test(chars)) return fail(reader.perr('text outside the root element', i));
      const decoded = reader.decodeReferences(chars, i);
      if (!decoded.ok) return decoded;
      appendText(stack[stack.length - 1], decoded.value);
    }
    if (lt < 0) break;
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) return fail(reader.perr('unterminated processing instruction', lt));
      i = end + 2;
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) return fail(reader.perr('unterminated comment', lt));
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      if (stack.length === 0) return fail(reader.perr('CDATA outside the root element', lt));
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) return fail(reader.perr('unterminated CDATA section', lt));
      appendText(stack[stack.length - 1], text.slice(lt + 9, end));
      i = end + 3;
    } else if (text.startsWith('<!', lt)) {
      // XML 1.0 §2.8 doctypedecl (and any markup declaration): internal subsets and external DTDs
      // are how entity-expansion and external-entity attacks get in; no document we read needs one.
      return fail(reader.err(errors.entity, 'DOCTYPE and markup declarations are refused', lt));
    } else if (text.startsWith('</', lt)) {
      const end = text.indexOf('>', lt);
      if (end < 0) return fail(reader.perr('unterminated end tag', lt));
      const qname = text.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (open === undefined || open.qname !== qname) {
        return fail(reader.perr(`end tag </${qname}> does not match ${open === undefined ? 'any open element' : `<${open.qname}>`}`, lt));
      }
      i = end + 1;
    } else {
      const end = findTagEnd(text, lt);
      if (end < 0) return fail(reader.perr('unterminated start tag', lt));
      const selfClosing = text[end - 1] === '/';
      const inner = text.slice(lt + 1, selfClosing ? end - 1 : end);
      const qname = /^[^\s/>]+/.exec(inner)?.[0] ?? '';
      if (!NAME.test(qname)) return fail(reader.perr(`invalid element name ${JSON.stringify(qname)}`, lt));
      if (stack.length === 0 && root !== undefined) return fail(reader.perr('more than one root element', lt));
      if (stack.length >= limits.maxDepth) return fail(reader.err(errors.tooLarge, `elements nested deeper than ${limits.maxDepth}`, lt));
      if (++count > limits.maxElements) return fail(reader.err(errors.tooLarge, `more than ${limits.maxElements} elements`, lt));
      const parent = stack[stack.length - 1];
      const open = reader.startTag(qname, inner, lt, parent);
      if (!open.ok) return open;
      if (parent === undefined) root = open.value.element;
      else parent.element.children.push(open.value.element);
      if (!selfClosing) stack.push(open.value);
      i = end + 1;
    }
  }
  if (stack.length > 0) return fail(reader.perr(`element <${stack[stack.length - 1]?.qname ?? ''}> is never closed`, text.length));
  if (root === undefined) return fail(reader.perr('no root element', 0));
  return ok(root);
}

/** The '>' closing a start tag, skipping quoted attribute values (which may contain '>'). */
function findTagEnd(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return i;
    else if (ch === '<') return -1;
  }
  return -1;
}
