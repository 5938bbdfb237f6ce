// Reads the member URIs of an RFC 4826 resource-lists document as carried in an RFC 5366 INVITE,
// on top of the bounded, DTD-refusing readXmlTree (which also enforces size, nesting and element
// bounds); this file adds what is specific to resource-lists: the root, the entries and their count.

import { CpmError, fail, ok, type Result } from '../errors.ts';
import { RESOURCE_LISTS_NS } from './build-resource-lists.ts';
import { groupErrorCodes } from './group-error-codes.ts';
import { readXmlTree, type XmlElement, type XmlReadErrors } from './read-xml-tree.ts';

export interface ParseResourceListsOptions {
  /** Largest document accepted, in UTF-8 bytes. Default 64 KiB. */
  readonly maxBytes?: number;
  /** Deepest element nesting accepted. Default 16. */
  readonly maxDepth?: number;
  /** Most entries accepted before giving up. Default 1000. */
  readonly maxEntries?: number;
  /** Most elements of any kind accepted. Default 20 000 (more than 64 KiB can hold). */
  readonly maxElements?: number;
}

const SOURCE = 'resource-lists';
const XML_ERRORS: XmlReadErrors = {
  source: SOURCE,
  parse: groupErrorCodes.listParse,
  entity: groupErrorCodes.listEntity,
  tooLarge: groupErrorCodes.listTooLarge,
};

const located = (code: string, message: string, offset: number): CpmError => new CpmError(code, message, { location: { source: SOURCE, offset } });

/** RFC 4826 elements; a document without a namespace declaration is tolerated as resource-lists. */
const inResourceLists = (el: XmlElement): boolean => el.ns === RESOURCE_LISTS_NS || el.ns === '';

/**
 * RFC 4826 §3.2: walks `parent`'s children in document order, collecting <entry uri> of every
 * <list> into `uris`. Elements from other namespaces are extensions RFC 4826 allows: they are
 * not members, but resource-lists elements nested inside them are still looked at.
 */
function collectEntries(parent: XmlElement, uris: string[], maxEntries: number): Result<void> {
  for (const el of parent.children) {
    if (inResourceLists(el) && inResourceLists(parent)) {
      // <entry-ref> and <external> point at lists on an XCAP server this focus cannot fetch;
      // RFC 5366 §5 lets the server reject what it cannot expand.
      if (el.local === 'entry-ref' || el.local === 'external') {
        return fail(located(groupErrorCodes.listUnsupported, `<${el.local}> points at a list this focus cannot resolve`, el.offset));
      }
      if (el.local === 'entry' && parent.local === 'list') {
        const uri = el.attrs.get('uri');
        if (uri === undefined) return fail(located(groupErrorCodes.listParse, '<entry> without a uri attribute', el.offset));
        if (uris.length >= maxEntries) return fail(located(groupErrorCodes.listTooLarge, `more than ${maxEntries} entries`, el.offset));
        uris.push(uri.trim());
      }
    }
    const nested = collectEntries(el, uris, maxEntries);
    if (!nested.ok) return nested;
  }
  return ok(undefined);
}

/**
 * Reads the member URIs out of an application/resource-lists+xml document (RFC 4826 §3.2): every
 * <entry uri="..."> inside any <list> (lists may nest), in document order. Elements from other
 * namespaces are skipped; <entry-ref> and <external> are refused (see collectEntries).
 */
export function parseResourceLists(input: string | Buffer, options: ParseResourceListsOptions = {}): Result<string[]> {
  const tree = readXmlTree(
    input,
    { maxBytes: options.maxBytes ?? 64 * 1024, maxDepth: options.maxDepth ?? 16, maxElements: options.maxElements ?? 20_000 },
    XML_ERRORS,
  );
  if (!tree.ok) return tree;
  const root = tree.value;
  if (!inResourceLists(root) || root.local !== 'resource-lists') {
    return fail(located(groupErrorCodes.listParse, `root element is {${root.ns}}${root.local}, expected resource-lists`, root.offset));
  }
  const uris: string[] = [];
  const collected = collectEntries(root, uris, options.maxEntries ?? 1000);
  if (!collected.ok) return collected;
  return ok(uris);
}
