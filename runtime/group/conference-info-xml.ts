// A bounded XML element-tree reader for conference-info documents received in NOTIFY bodies. It
// follows parse-resource-lists' rules (no DTDs, no entity declarations, only the five predefined
// entities and character references, hard limits on size, depth and element count) but keeps the
// tree, since RFC 4575 data sits in nested elements and their text.

import { CpmError, fail, ok, type Result } from '../errors.ts';

export const conferenceInfoErrorCodes = {
  /** Not well-formed, or not a conference-info document. */
  parse: 'ERR_CONFERENCE_INFO_PARSE',
  /** A DTD, a markup declaration or an unknown entity reference. */
  entity: 'ERR_CONFERENCE_INFO_ENTITY',
  /** Larger (bytes, depth, elements) than we read. */
  tooLarge: 'ERR_CONFERENCE_INFO_TOO_LARGE',
} as const;

export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  /** Attributes without a prefix, by local name (namespaced attributes are kept as `{ns}local`). */
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  text: string;
}

export interface XmlReadLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxElements: number;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const NAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?$/;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const err = (code: string, message: string, offset: number): CpmError =>
  new CpmError(code, message, { location: { source: 'conference-info', offset } });
const perr = (message: string, offset: number): CpmError => err(conferenceInfoErrorCodes.parse, message, offset);

/** XML 1.0 §2.2 Char. */
const isXmlChar = (c: number): boolean =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/** XML 1.0 §4.1 / §4.6: predefined entities and character references; anything else needs a DTD. */
function decodeReferences(text: string, offset: number): Result<string> {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const amp = text.indexOf('&', i);
    if (amp < 0) { out += text.slice(i); break; }
    out += text.slice(i, amp);
    const semi = text.indexOf(';', amp);
    if (semi < 0 || semi - amp > 12) return fail(perr('unterminated entity reference', offset + amp));
    const ref = text.slice(amp + 1, semi);
    const predefined = PREDEFINED[ref];
    if (predefined !== undefined) out += predefined;
    else if (/^#[0-9]{1,7}$/.test(ref) || /^#x[0-9A-Fa-f]{1,6}$/.test(ref)) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!isXmlChar(code)) return fail(perr(`character reference &${ref}; is not an XML character`, offset + amp));
      out += String.fromCodePoint(code);
    } else return fail(err(conferenceInfoErrorCodes.entity, `entity reference &${ref}; refused (only the predefined entities are allowed)`, offset + amp));
    i = semi + 1;
  }
  return ok(out);
}

/** XML 1.0 §3.1 Attribute list of a start tag. */
function parseAttributes(text: string, offset: number): Result<[string, string][]> {
  const attrs: [string, string][] = [];
  const re = /(\s+)([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) return fail(perr('malformed attribute', offset + pos));
    const name = m[2] ?? '';
    const raw = m[3] ?? m[4] ?? '';
    if (!NAME.test(name)) return fail(perr(`invalid attribute name ${JSON.stringify(name)}`, offset + pos));
    if (raw.includes('<')) return fail(perr(`'<' in the value of attribute ${name}`, offset + pos));
    const value = decodeReferences(raw, offset + pos);
    if (!value.ok) return value;
    if (attrs.some(([n]) => n === name)) return fail(perr(`duplicate attribute ${name}`, offset + pos));
    attrs.push([name, value.value]);
    pos = re.lastIndex;
  }
  return ok(attrs);
}

/** The '>' closing a start tag, skipping quoted values. */
function findTagEnd(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) { if (ch === quote) quote = undefined; }
    else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return i;
    else if (ch === '<') return -1;
  }
  return -1;
}

interface Open {
  readonly qname: string;
  readonly prefixes: ReadonlyMap<string, string>;
  readonly element: XmlElement;
}

/** Reads one XML document into an element tree (Namespaces in XML §6 resolved), within `limits`. */
export function readXmlTree(input: string | Buffer, limits: XmlReadLimits): Result<XmlElement> {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (bytes > limits.maxBytes) return fail(err(conferenceInfoErrorCodes.tooLarge, `document of ${bytes} bytes exceeds the ${limits.maxBytes}-byte limit`, 0));
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
      if (stack.length === 0 && !/^\s*$/.test(chars)) return fail(perr('text outside the root element', i));
      const decoded = decodeReferences(chars, i);
      if (!decoded.ok) return decoded;
      const top = stack[stack.length - 1];
      if (top !== undefined && top.element.text.length < 4096) top.element.text += decoded.value;
    }
    if (lt < 0) break;
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) return fail(perr('unterminated processing instruction', lt));
      i = end + 2;
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) return fail(perr('unterminated comment', lt));
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const top = stack[stack.length - 1];
      if (top === undefined) return fail(perr('CDATA outside the root element', lt));
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) return fail(perr('unterminated CDATA section', lt));
      if (top.element.text.length < 4096) top.element.text += text.slice(lt + 9, end);
      i = end + 3;
    } else if (text.startsWith('<!', lt)) {
      // XML 1.0 §2.8: a DOCTYPE (or any markup declaration) is how entity expansion and external
      // entities get in; a NOTIFY body never needs one.
      return fail(err(conferenceInfoErrorCodes.entity, 'DOCTYPE and markup declarations are refused', lt));
    } else if (text.startsWith('</', lt)) {
      const end = text.indexOf('>', lt);
      if (end < 0) return fail(perr('unterminated end tag', lt));
      const qname = text.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (open === undefined || open.qname !== qname) return fail(perr(`end tag </${qname}> does not match ${open === undefined ? 'any open element' : `<${open.qname}>`}`, lt));
      i = end + 1;
    } else {
      const end = findTagEnd(text, lt);
      if (end < 0) return fail(perr('unterminated start tag', lt));
      const selfClosing = text[end - 1] === '/';
      const inner = text.slice(lt + 1, selfClosing ? end - 1 : end);
      const qname = /^[^\s/>]+/.exec(inner)?.[0] ?? '';
      if (!NAME.test(qname)) return fail(perr(`invalid element name ${JSON.stringify(qname)}`, lt));
      if (stack.length === 0 && root !== undefined) return fail(perr('more than one root element', lt));
      if (stack.length >= limits.maxDepth) return fail(err(conferenceInfoErrorCodes.tooLarge, `elements nested deeper than ${limits.maxDepth}`, lt));
      if (++count > limits.maxElements) return fail(err(conferenceInfoErrorCodes.tooLarge, `more than ${limits.maxElements} elements`, lt));
      const attrs = parseAttributes(inner.slice(qname.length), lt + 1 + qname.length);
      if (!attrs.ok) return attrs;
      const parent = stack[stack.length - 1];
      const prefixes = new Map(parent?.prefixes ?? []);
      for (const [name, value] of attrs.value) {
        if (name === 'xmlns') prefixes.set('', value);
        else if (name.startsWith('xmlns:')) prefixes.set(name.slice(6), value);
      }
      const resolved = resolveName(qname, prefixes, false, lt);
      if (!resolved.ok) return resolved;
      const attrMap = new Map<string, string>();
      for (const [name, value] of attrs.value) {
        if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
        const a = resolveName(name, prefixes, true, lt);
        if (!a.ok) return a;
        attrMap.set(a.value.ns === '' ? a.value.local : `{${a.value.ns}}${a.value.local}`, value);
      }
      const element: XmlElement = { ...resolved.value, attrs: attrMap, children: [], text: '' };
      if (parent === undefined) root = element;
      else parent.element.children.push(element);
      if (!selfClosing) stack.push({ qname, prefixes, element });
      i = end + 1;
    }
  }
  if (stack.length > 0) return fail(perr(`element <${stack[stack.length - 1]?.qname ?? ''}> is never closed`, text.length));
  if (root === undefined) return fail(perr('no root element', 0));
  return ok(root);
}

function resolveName(qname: string, prefixes: ReadonlyMap<string, string>, isAttribute: boolean, offset: number): Result<{ ns: string; local: string }> {
  const colon = qname.indexOf(':');
  if (colon < 0) return ok({ ns: isAttribute ? '' : (prefixes.get('') ?? ''), local: qname });
  const prefix = qname.slice(0, colon);
  const ns = prefix === 'xml' ? XML_NS : prefixes.get(prefix);
  if (ns === undefined) return fail(perr(`undeclared namespace prefix ${JSON.stringify(prefix)}`, offset));
  return ok({ ns, local: qname.slice(colon + 1) });
}
