// Where the cursor is in a spec file, as the completion needs it: inside which block (a rule, a
// CR's modify, a CR, an attribute, or at top level), that rule's id and the events its `on`
// lines name, read from the text itself so it works while the file does not parse.
import { blocksOf } from '../parse/recover-syntax-errors.ts';

export type BlockKind = 'rule' | 'modify' | 'cr' | 'attribute' | 'top';

export interface BlockContext {
  kind: BlockKind;
  /** The rule the block defines or modifies. */
  ruleId: string | null;
  /** Events named by `on` lines of the block, in order. */
  events: string[];
}

export function blockContextAt(text: string, offset: number): BlockContext {
  const { blocks } = blocksOf(text);
  const inner = blocks.filter((b) => b.open < offset && offset <= b.close).sort((a, b) => b.open - a.open)[0];
  if (inner === undefined) return { kind: 'top', ruleId: null, events: [] };
  const header = text.slice(inner.headerStart, inner.open);
  const body = text.slice(inner.open + 1, inner.close);
  const events = [...body.matchAll(/^\s*on\s+([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!);
  const rule = /^(?:add\s+)?rule\s+(\S+)/.exec(header);
  if (rule !== null) return { kind: 'rule', ruleId: rule[1]!, events };
  const modify = /^modify\s+(\S+)/.exec(header);
  if (modify !== null) return { kind: 'modify', ruleId: modify[1]!, events };
  if (/^cr\s/.test(header)) return { kind: 'cr', ruleId: null, events: [] };
  return { kind: 'attribute', ruleId: null, events: [] };
}
