// Checks the spec's SDP attributes against the runtime's attribute table, so that what the spec
// defines is what the runtime writes and reads: an attribute the runtime does not know, an
// attribute the runtime produces or needs that the spec lacks (it would vanish from the wire), and
// any shape, property, codec, part or `required` that differs are located errors.
import type { SourceLocation } from '../ir/types.ts';
import type { AttributeNode } from '../parse/ast.ts';
import { suggest } from '../parse/suggest.ts';
import type { Session } from '../session.ts';
import { runtimeAttributes, type RuntimeAttribute } from './runtime-codecs.ts';
import type { SpecModel } from './spec-model.ts';

const tableFile = 'runtime/sdp/file-attribute-table.ts';
const table: ReadonlyMap<string, RuntimeAttribute> = new Map(Object.entries(runtimeAttributes));
const camelCase = (name: string): string => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** What the runtime does with an attribute, for messages. */
function usage(entry: RuntimeAttribute): string {
  if (entry.produces && entry.needs) return 'writes and reads';
  return entry.produces ? 'writes' : 'reads';
}

function compare(node: AttributeNode, entry: RuntimeAttribute, session: Session): void {
  const name = node.name.value;
  const at = (message: string, location: SourceLocation): void =>
    session.error('attribute-mismatch', `a=${name}: ${message}`, location, [{ message: `the runtime's table is ${tableFile}`, location: null }]);
  const shape = node.shape === 'value' ? 'value' : node.shape;
  if (shape !== entry.kind) {
    at(`the spec makes it a ${node.shape} attribute, the runtime a ${entry.kind}`, node.name.location);
    return;
  }
  const property = node.fields.find((f) => f.kind === 'property');
  const specProperty = property?.kind === 'property' ? property.value : camelCase(name);
  if (specProperty !== entry.property) at(`property '${specProperty}' is '${entry.property}' in the runtime`, property?.location ?? node.name.location);
  const required = node.fields.find((f) => f.kind === 'required');
  if ((required !== undefined) !== entry.required) {
    at(entry.required ? 'the runtime requires it on every file m-line; add `required`' : 'the runtime treats it as optional; remove `required`', required?.location ?? node.name.location);
  }
  if (entry.kind === 'value') {
    if (node.codec !== null && node.codec.value !== entry.codec) at(`codec '${node.codec.value}' is '${entry.codec}' in the runtime`, node.codec.location);
  } else if (entry.kind === 'flag') {
    const spec = node.alternatives.map((a) => a.value);
    if (spec.join(' ') !== entry.alternatives.join(' ')) at(`alternatives ${spec.join(' | ')} are ${entry.alternatives.join(' | ')} in the runtime`, node.alternatives[0]?.location ?? node.name.location);
  } else {
    const runtimeParts = new Map(Object.values(entry.parts).map((p) => [p.key, p]));
    const specKeys = new Set<string>();
    for (const field of node.fields) {
      if (field.kind !== 'part') continue;
      specKeys.add(field.key.value);
      const part = runtimeParts.get(field.key.value);
      if (part === undefined) {
        const hint = suggest(field.key.value, runtimeParts.keys());
        at(`unknown part '${field.key.value}'${hint === null ? `; the runtime's parts are ${[...runtimeParts.keys()].join(', ')}` : `; did you mean '${hint}'?`}`, field.key.location);
        continue;
      }
      if (field.codec.value !== part.codec) at(`part '${part.key}' has codec '${field.codec.value}', the runtime's is '${part.codec}'`, field.codec.location);
      if (field.required !== part.required) at(`part '${part.key}' is ${part.required ? 'required' : 'optional'} in the runtime`, field.location);
    }
    for (const key of runtimeParts.keys()) if (!specKeys.has(key)) at(`the runtime has a part '${key}' the spec does not define`, node.name.location);
  }
}

/** Problems in the definitions themselves, reported by report-attribute-definitions: compare only well-formed ones. */
const definitionErrors = new Set(['unknown-codec', 'empty-selector', 'unexpected-part', 'duplicate-field']);

export function reportRuntimeAttributes(model: SpecModel, session: Session): void {
  if (session.diagnostics.some((d) => d.severity === 'error' && definitionErrors.has(d.code))) return;
  const defined = new Set(model.attributes.map((a) => a.name.value));
  // Runtime attributes an unknown spec name looks like: reported once, at that name.
  const explained = new Set<string>();
  for (const node of model.attributes) {
    const entry = table.get(node.name.value);
    if (entry !== undefined) {
      compare(node, entry, session);
      continue;
    }
    const hint = suggest(node.name.value, [...table.keys()].filter((n) => !defined.has(n)));
    const hintEntry = hint === null ? undefined : table.get(hint);
    if (hint !== null) explained.add(hint);
    const dropped = hintEntry !== undefined && (hintEntry.produces || hintEntry.needs) ? ` (the runtime ${usage(hintEntry)} a=${hint}, which the spec would no longer define)` : '';
    session.error('unknown-attribute', `unknown SDP attribute '${node.name.value}'${hint === null ? '' : `; did you mean '${hint}'?`}${dropped}`, node.name.location, [
      { message: `the runtime knows: ${[...table.keys()].join(', ')} (${tableFile})`, location: null },
    ]);
  }
  // A spec with no attribute definitions at all (a rules-only spec, as in unit tests) generates no
  // SDP module to drop anything from; otherwise a missing one is reported at the first definition.
  const anchor = model.attributes[0]?.location;
  if (anchor === undefined) return;
  for (const [name, entry] of table) {
    if (defined.has(name) || explained.has(name) || !(entry.produces || entry.needs)) continue;
    session.error('missing-attribute', `the runtime ${usage(entry)} a=${name}, but the spec defines no attribute '${name}': it would be dropped from every offer`, anchor, [
      { message: `see ${tableFile}`, location: null },
    ]);
  }
}
