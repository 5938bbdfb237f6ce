// A minimal reader for tshark's PDML (-T pdml). PDML is chosen over -T json because it keeps the
// order of repeated fields (several SIP messages in one segment, a= lines belonging to the m= line
// above them); tshark's JSON collapses or duplicates those keys.

export interface PdmlNode {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: PdmlNode[];
}

const TOKEN = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+="[^"]*")*)\s*(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->/g;
const ATTR = /([\w.:-]+)="([^"]*)"/g;

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|quot|amp|lt|gt|apos);/g, (_, entity: string) => {
    switch (entity) {
      case 'quot': return '"';
      case 'amp': return '&';
      case 'lt': return '<';
      case 'gt': return '>';
      case 'apos': return "'";
      default:
        return String.fromCodePoint(entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    }
  });
}

/** Parses a whole PDML document; returns the <packet> elements in order. */
export function parsePdml(xml: string): PdmlNode[] {
  const root: PdmlNode = { tag: '#root', attrs: {}, children: [] };
  const stack: PdmlNode[] = [root];
  for (const match of xml.matchAll(TOKEN)) {
    const [, closing, tag, rawAttrs, selfClosing] = match;
    if (tag === undefined) continue; // declaration or comment
    if (closing === '/') {
      if (stack.length > 1 && stack[stack.length - 1]?.tag === tag) stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const [, name, value] of (rawAttrs ?? '').matchAll(ATTR)) {
      if (name !== undefined && value !== undefined) attrs[name] = decodeEntities(value);
    }
    const node: PdmlNode = { tag, attrs, children: [] };
    stack[stack.length - 1]?.children.push(node);
    if (selfClosing !== '/') stack.push(node);
  }
  const pdml = root.children.find((n) => n.tag === 'pdml');
  return (pdml ?? root).children.filter((n) => n.tag === 'packet');
}

/** Depth-first walk, yielding each node with the name of its nearest enclosing <proto>. */
export function* walk(node: PdmlNode, proto = ''): Generator<{ node: PdmlNode; proto: string }> {
  for (const child of node.children) {
    yield { node: child, proto };
    yield* walk(child, child.tag === 'proto' ? (child.attrs['name'] ?? proto) : proto);
  }
}

/** First descendant field/proto with this name. */
export function find(node: PdmlNode, name: string): PdmlNode | undefined {
  for (const { node: n } of walk(node)) if (n.attrs['name'] === name) return n;
  return undefined;
}

/** `show` of the first descendant with this name. */
export function show(node: PdmlNode, name: string): string | undefined {
  return find(node, name)?.attrs['show'];
}
