// Checks SDP attribute definitions: codecs must be ones the runtime provides, selector attributes
// need parts, and the single-valued fields (summary, example, see, property) are written once.
import type { AttributeFieldNode, NameNode } from '../parse/ast.ts';
import { suggest } from '../parse/suggest.ts';
import type { Session } from '../session.ts';
import { runtimeCodecs } from './runtime-codecs.ts';
import type { SpecModel } from './spec-model.ts';

export function reportAttributeDefinitions(model: SpecModel, session: Session): void {
  const checkCodec = (codec: NameNode): void => {
    if ((runtimeCodecs as readonly string[]).includes(codec.value)) return;
    const hint = suggest(codec.value, runtimeCodecs);
    session.error('unknown-codec', `unknown codec '${codec.value}'${hint === null ? '' : `; did you mean '${hint}'?`}`, codec.location, [
      { message: `the runtime provides: ${runtimeCodecs.join(', ')}`, location: null },
    ]);
  };
  for (const attribute of model.attributes) {
    if (attribute.codec !== null) checkCodec(attribute.codec);
    const parts = attribute.fields.filter((f) => f.kind === 'part');
    for (const part of parts) checkCodec(part.codec);
    if (attribute.shape === 'selector' && parts.length === 0)
      session.error('empty-selector', `selector attribute '${attribute.name.value}' has no parts`, attribute.name.location);
    if (attribute.shape !== 'selector' && parts.length > 0)
      session.error('unexpected-part', `only selector attributes have parts; '${attribute.name.value}' is a ${attribute.shape}`, parts[0]!.location);
    const seen = new Map<AttributeFieldNode['kind'], AttributeFieldNode>();
    for (const field of attribute.fields) {
      if (field.kind === 'part') continue;
      const first = seen.get(field.kind);
      if (first === undefined) seen.set(field.kind, field);
      else session.error('duplicate-field', `'${field.kind}' may appear only once in an attribute`, field.location, [{ message: 'first written here', location: first.location }]);
    }
    for (const kind of ['see', 'summary', 'example'] as const)
      if (!seen.has(kind)) session.error('missing-field', `attribute '${attribute.name.value}' needs '${kind}'`, attribute.name.location);
  }
}
