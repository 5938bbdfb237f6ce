// A small, deliberately limited reader for RFC 4826 resource-lists documents as carried in an
// RFC 5366 INVITE. It is not a general XML parser: it reads elements, attributes, comments,
// processing instructions and CDATA, resolves namespace prefixes, and refuses everything that
// makes XML dangerous to read from the network (DTDs, entity declarations, unknown entity
// references), with hard bounds on size, nesting and entry count.

import { CpmError, fail, ok, type Result } from '../errors.ts';
import { RESOURCE_LISTS_NS } from './build-resource-lists.ts';
import { groupErrorCodes } from './group-error-codes.ts';

export interface ParseResourceListsOptions {
  /** Largest document accepted, in UTF-8 bytes. Default 64 KiB. */
  readonly maxBytes?: number;
  /** Deepest element nesting accepted. Default 16. */
  readonly maxDepth?: number;
  /** Most entries accepted before giving up. Default 1000. */
  readonly maxEntries?: number;
}

interface OpenElement {
  readonly qname: string;
  readonly ns: string;
  readonly local: string;
  readonly prefixes: ReadonlyMap<string, string>;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const NAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?$/;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const located = (code: string, message: string, offset: number): CpmError =>
  new CpmError(code, message, { location: { source: 'resource-lists', offset } });
const perr = (message: string, offset: number): CpmError => located(groupErrorCodes.listParse, message, offset);

/** XML 1.0 §2.2 Char: what a character reference may denote. */
const isXmlChar = (c: number): boolean =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/**
 * XML 1.0 §4.1 / §4.6: replaces the five predefined entities and character references. Any other
 * entity would need a DTD to mean something, and DTDs are exactly what we refuse.
 */
function decodeReferences(text: string, offset: number): Result<string> {
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
    if (semi < 0 || semi - amp > 12) return fail(perr('unterminated entity reference', offset + amp));
    const ref = text.slice(amp + 1, semi);
    const predefined = PREDEFINED[ref];
    if (predefined !== undefined) out += predefined;
    else if (/^#[0-9]{1,7}$/.test(ref) || /^#x[0-9A-Fa-f]{1,6}$/.test(ref)) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!isXmlChar(code)) return fail(perr(`character reference &${ref}; is not an XML character`, offset + amp));
      out += String.fromCodePoint(code);
    } else {
      return fail(located(groupErrorCodes.listEntity, `entity reference &${ref}; refused (only the predefined entities are allowed)`, offset + amp));
    }
    i = semi + 1;
  }
  return ok(out);
}

/** Splits `a="1" b='2'` (XML 1.0 §3.1 Attribute); everything in the tag must be consumed. */
function parseAttributes(text: string, offset: number): Result<[string, string][]> {
  const attrs: [string, string][] = [];
  const re = /\s*([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) return fail(perr('malformed attribute', offset + pos));
    // The regex's capture groups exist whenever it matched; the fallback keeps the types honest.
    const name = m[1] ?? '';
    const raw = m[2] ?? m[3] ?? '';
    if (!NAME.test(name)) return fail(perr(`invalid attribute name ${JSON.stringify(name)}`, offset + pos));
    if (raw.includes('<')) return fail(perr(`'<' in the value of attribute ${name}`, offset + pos));
    if (/\s/.test(text[pos] ?? ' ') === false && pos > 0) return fail(perr('attributes must be separated by white space', offset + pos));
    const value = decodeReferences(raw, offset + pos);
    if (!value.ok) return value;
    if (attrs.some(([n]) => n === name)) return fail(perr(`duplicate attribute ${name}`, offset + pos));
    attrs.push([name, value.value]);
    pos = re.lastIndex;
  }
  return ok(attrs);
}

function resolve(qname: string, prefixes: ReadonlyMap<string, string>, isAttribute: boolean, offset: number): Result<{ ns: string; local: string }> {
  const colon = qname.indexOf(':');
  if (colon < 0) return ok({ ns: isAttribute ? '' : (prefixes.get('') ?? ''), local: qname });
  const prefix = qname.slice(0, colon);
  const ns = prefix === 'xml' ? XML_NS : prefixes.get(prefix);
  if (ns === undefined) return fail(perr(`undeclared namespace prefix ${JSON.stringify(prefix)}`, offset));
  return ok({ ns, local: qname.slice(colon + 1) });
}

/**
 * Reads the member URIs out of an application/resource-lists+xml document (RFC 4826 §3.2): every
 * <entry uri="..."> inside any <list> (lists may nest), in document order. Elements from other
 * namespaces are skipped, as RFC 4826 allows extensions. <entry-ref> and <external> are refused
 * because they point at lists on an XCAP server this focus cannot fetch (RFC 5366 §5 lets the
 * server reject what it cannot expand).
 */
export function parseResourceLists(input: string | Buffer, options: ParseResourceListsOptions = {}): Result<string[]> {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const maxDepth = options.maxDepth ?? 16;
  const maxEntries = options.maxEntries ?? 1000;
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (bytes > maxBytes) return fail(located(groupErrorCodes.listTooLarge, `resource list of ${bytes} bytes exceeds the ${maxBytes}-byte limit`, 0));
  let text = typeof input === 'string' ? input : input.toString('utf8');
  if (text.startsWith('\uFEFF')) text = text.slice(1);

  const stack: OpenElement[] = [];
  const uris: string[] = [];
  let sawRoot = false;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunkEnd = lt < 0 ? text.length : lt;
    if (chunkEnd > i) {
      const chars = text.slice(i, chunkEnd);
      // Character data: only references matter (to refuse unknown entities); outside the root
      // element only white space is allowed (XML 1.0 §2.1 Misc).
      if (stack.length === 0 && !/^\s*$/.test(chars)) return fail(perr('text outside the root element', i));
      const decoded = decodeReferences(chars, i);
      if (!decoded.ok) return decoded;
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
      if (stack.length === 0) return fail(perr('CDATA outside the root element', lt));
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) return fail(perr('unterminated CDATA section', lt));
      i = end + 3;
    } else if (text.startsWith('<!', lt)) {
      // XML 1.0 §2.8 doctypedecl (and any markup declaration): internal subsets and external
      // DTDs are how entity-expansion and external-entity attacks get in. None is needed here.
      return fail(located(groupErrorCodes.listEntity, 'DOCTYPE and markup declarations are refused', lt));
    } else if (text.startsWith('</', lt)) {
      const end = text.indexOf('>', lt);
      if (end < 0) return fail(perr('unterminated end tag', lt));
      const qname = text.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (open === undefined || open.qname !== qname) {
        return fail(perr(`end tag </${qname}> does not match ${open === undefined ? 'any open element' : `<${open.qname}>`}`, lt));
      }
      i = end + 1;
    } else {
      const end = findTagEnd(text, lt);
      if (end < 0) return fail(perr('unterminated start tag', lt));
      const selfClosing = text[end - 1] === '/';
      const inner = text.slice(lt + 1, selfClosing ? end - 1 : end);
      const nameMatch = /^[^\s/>]+/.exec(inner);
      const qname = nameMatch?.[0] ?? '';
      if (!NAME.test(qname)) return fail(perr(`invalid element name ${JSON.stringify(qname)}`, lt));
      if (stack.length === 0 && sawRoot) return fail(perr('more than one root element', lt));
      if (stack.length >= maxDepth) return fail(located(groupErrorCodes.listTooLarge, `elements nested deeper than ${maxDepth}`, lt));
      const attrs = parseAttributes(inner.slice(qname.length), lt + 1 + qname.length);
      if (!attrs.ok) return attrs;

      // Namespaces in XML §6: declarations on this element apply to it and its descendants.
      const parent = stack[stack.length - 1];
      const prefixes = new Map(parent?.prefixes ?? []);
      for (const [name, value] of attrs.value) {
        if (name === 'xmlns') prefixes.set('', value);
        else if (name.startsWith('xmlns:')) prefixes.set(name.slice(6), value);
      }
      const resolved = resolve(qname, prefixes, false, lt);
      if (!resolved.ok) return resolved;
      const element: OpenElement = { qname, prefixes, ...resolved.value };
      const inRl = element.ns === RESOURCE_LISTS_NS || element.ns === '';

      if (stack.length === 0) {
        sawRoot = true;
        // Tolerate a document without a namespace declaration, but not one in another namespace.
        if (!inRl || element.local !== 'resource-lists') {
          return fail(perr(`root element is {${element.ns}}${element.local}, expected resource-lists`, lt));
        }
      } else if (inRl && parent !== undefined && (parent.ns === RESOURCE_LISTS_NS || parent.ns === '')) {
        if (element.local === 'entry-ref' || element.local === 'external') {
          return fail(located(groupErrorCodes.listUnsupported, `<${element.local}> points at a list this focus cannot resolve`, lt));
        }
        if (element.local === 'entry' && parent.local === 'list') {
          let uri: string | undefined;
          for (const [name, value] of attrs.value) {
            const attr = resolve(name, prefixes, true, lt);
            if (!attr.ok) return attr;
            if (attr.value.ns === '' && attr.value.local === 'uri') uri = value;
          }
          if (uri === undefined) return fail(perr('<entry> without a uri attribute', lt));
          if (uris.length >= maxEntries) return fail(located(groupErrorCodes.listTooLarge, `more than ${maxEntries} entries`, lt));
          uris.push(uri.trim());
        }
      }
      if (!selfClosing) stack.push(element);
      i = end + 1;
    }
  }
  if (stack.length > 0) return fail(perr(`element <${stack[stack.length - 1]?.qname ?? ''}> is never closed`, text.length));
  if (!sawRoot) return fail(perr('no root element', 0));
  return ok(uris);
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
