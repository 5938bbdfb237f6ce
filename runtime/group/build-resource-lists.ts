// RFC 4826 §3 resource-lists document holding one flat <list> of <entry uri="..."/> elements, the
// shape RFC 5366 §4 asks for in a conference-creating INVITE.

export interface BuildResourceListsOptions {
  /**
   * RFC 5364 copyControl value put on every entry. RFC 5366 §4 lets the sender mark how each
   * recipient is addressed; CPM group sessions use "to". Default: "to"; null leaves it out.
   */
  readonly copyControl?: 'to' | 'cc' | 'bcc' | null;
}

const RESOURCE_LISTS_NS = 'urn:ietf:params:xml:ns:resource-lists';
const COPY_CONTROL_NS = 'urn:ietf:params:xml:ns:copycontrol';

/**
 * Escapes text for a double-quoted XML attribute. Characters XML 1.0 cannot carry at all (C0
 * controls other than TAB/LF/CR) cannot legally be in a URI either, so they are percent-encoded,
 * which is the URI's own escape; TAB/LF/CR become character references so a parser does not
 * normalise them to spaces.
 */
export function escapeXmlAttribute(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&apos;';
    else if (ch === '\t' || ch === '\n' || ch === '\r') out += `&#x${code.toString(16).toUpperCase()};`;
    else if (code < 0x20 || code === 0x7f || code === 0xfffe || code === 0xffff) out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** Builds the application/resource-lists+xml body listing `uris` in order. */
export function buildResourceLists(uris: readonly string[], options: BuildResourceListsOptions = {}): string {
  const copyControl = options.copyControl === undefined ? 'to' : options.copyControl;
  const cpAttr = copyControl === null ? '' : ` cp:copyControl="${copyControl}"`;
  const cpNs = copyControl === null ? '' : ` xmlns:cp="${COPY_CONTROL_NS}"`;
  const entries = uris.map((uri) => `    <entry uri="${escapeXmlAttribute(uri)}"${cpAttr}/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<resource-lists xmlns="${RESOURCE_LISTS_NS}"${cpNs}>`,
    '  <list>',
    ...entries,
    '  </list>',
    '</resource-lists>',
    '',
  ].join('\n');
}

export { RESOURCE_LISTS_NS, COPY_CONTROL_NS };
