// Emits generated/sdp/<unit>.ts from the IR's attribute table: one typed build/parse pair per
// RFC 5547 attribute plus build/parseFileAttributes for a whole file m-line. Value formatting and
// parsing is delegated to the runtime's codecs, so this emitter needs no knowledge of value types.
import { VariableDeclarationKind } from 'ts-morph';
import type { Project, SourceFile } from 'ts-morph';
import type { AttributeIR } from '../ir/types.ts';
import { distinctSources, generatedHeader } from './generated-header.ts';
import { formatSourceFile } from './format-source.ts';
import { commentText, literal, pascalCase } from './names.ts';

export interface SdpUnit {
  unit: string;
  attributes: AttributeIR[];
}

const errorCode = literal('ERR_SDP_FILE_ATTRIBUTE');

function docs(attribute: AttributeIR, extra: string, example = false) {
  const shown = example ? `\n\nExample: \`${commentText(attribute.example)}\`` : '';
  return [
    {
      description: `${commentText(attribute.summary)}${extra}${shown}`,
      tags: [{ tagName: 'see', text: attribute.reference }],
    },
  ];
}

function codecType(codec: string): string {
  return `CodecValue<${literal(codec)}>`;
}

function codecRef(codec: string): string {
  return `fileAttributeCodecs[${literal(codec)}]`;
}

function failWith(message: string): string {
  return `fail(new CpmError(${errorCode}, ${literal(message)}))`;
}

/**
 * The typed pair every valued attribute gets: `build<Type>(value)` writes the a= line and
 * `parse<Type>(attribute)` reads it back, so both directions share one name and one value type.
 */
function addBuildParsePair(
  file: SourceFile,
  attribute: AttributeIR,
  type: string,
  build: { statements: string; docs: string },
  parse: { statements: string; docs: string },
): void {
  file.addFunction({
    isExported: true,
    name: `build${type}`,
    parameters: [{ name: 'value', type }],
    returnType: 'SdpAttribute',
    statements: build.statements,
    docs: docs(attribute, build.docs),
  });
  file.addFunction({
    isExported: true,
    name: `parse${type}`,
    parameters: [{ name: 'attribute', type: 'SdpAttribute' }],
    returnType: `Result<${type}>`,
    statements: parse.statements,
    docs: docs(attribute, parse.docs),
  });
}

function emitSelector(file: SourceFile, attribute: AttributeIR): void {
  const type = pascalCase(attribute.property);
  file.addInterface({
    isExported: true,
    name: type,
    docs: docs(attribute, '', true),
    properties: attribute.parts.map((part) => ({
      name: part.property,
      type: codecType(part.codec),
      hasQuestionToken: !part.required,
      docs: [`The \`${part.key}:\` part (${part.codec}).`],
    })),
  });
  const build = ['const parts: [string, string][] = [];'];
  for (const part of attribute.parts) {
    const push = `parts.push([${literal(part.key)}, ${codecRef(part.codec)}.format(value.${part.property})]);`;
    build.push(part.required ? push : `if (value.${part.property} !== undefined) ${push}`);
  }
  build.push(`return { name: ${literal(attribute.name)}, value: formatSelectorParts(parts) };`);
  const parse = [
    `if (attribute.value === null) return ${failWith(`a=${attribute.name} needs a value`)};`,
    'const raw = parseSelectorParts(attribute.value);',
    'if (!raw.ok) return raw;',
  ];
  const required = attribute.parts.filter((part) => part.required);
  const optional = attribute.parts.filter((part) => !part.required);
  for (const part of required) {
    const v = `${part.property}Part`;
    parse.push(
      `const ${v}Text = raw.value.get(${literal(part.key)});`,
      `if (${v}Text === undefined) return ${failWith(`a=${attribute.name} lacks its ${part.key} part`)};`,
      `const ${v} = ${codecRef(part.codec)}.parse(${v}Text);`,
      `if (!${v}.ok) return ${v};`,
    );
  }
  parse.push(`const value: ${type} = { ${required.map((part) => `${part.property}: ${part.property}Part.value`).join(', ')} };`);
  for (const part of optional) {
    const v = `${part.property}Part`;
    parse.push(
      `const ${v}Text = raw.value.get(${literal(part.key)});`,
      `if (${v}Text !== undefined) {`,
      `const ${v} = ${codecRef(part.codec)}.parse(${v}Text);`,
      `if (!${v}.ok) return ${v};`,
      `value.${part.property} = ${v}.value;`,
      '}',
    );
  }
  parse.push('return ok(value);');
  addBuildParsePair(
    file,
    attribute,
    type,
    { statements: build.join('\n'), docs: ' Writes the parts in the order the RFC lists them.' },
    { statements: parse.join('\n'), docs: ' Unknown parts are tolerated; a missing required part is an error.' },
  );
}

function emitValue(file: SourceFile, attribute: AttributeIR): void {
  const type = pascalCase(attribute.property);
  const codec = attribute.codec ?? 'token';
  file.addTypeAlias({ isExported: true, name: type, type: codecType(codec), docs: docs(attribute, '', true) });
  addBuildParsePair(
    file,
    attribute,
    type,
    { statements: `return { name: ${literal(attribute.name)}, value: ${codecRef(codec)}.format(value) };`, docs: '' },
    {
      statements: [
        `if (attribute.value === null) return ${failWith(`a=${attribute.name} needs a value`)};`,
        `return ${codecRef(codec)}.parse(attribute.value);`,
      ].join('\n'),
      docs: '',
    },
  );
}

function emitFlag(file: SourceFile, attribute: AttributeIR): void {
  const type = pascalCase(attribute.property);
  if (attribute.alternatives.length > 0) {
    const values = `${attribute.property}Values`;
    file.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: values, initializer: `[${attribute.alternatives.map(literal).join(', ')}] as const` }],
      docs: docs(attribute, ' The attribute names allowed in this slot.'),
    });
    file.addTypeAlias({ isExported: true, name: type, type: `(typeof ${values})[number]`, docs: docs(attribute, '', true) });
    // The value is the attribute name itself: which of the alternatives stands in the slot.
    addBuildParsePair(
      file,
      attribute,
      type,
      { statements: 'return { name: value, value: null };', docs: '' },
      {
        statements: [
          `const found = ${values}.find((name) => name === attribute.name);`,
          `if (found === undefined || attribute.value !== null) return ${failWith(`expected one of a=${attribute.alternatives.join(', a=')}`)};`,
          'return ok(found);',
        ].join('\n'),
        docs: '',
      },
    );
    return;
  }
  file.addFunction({
    isExported: true,
    name: `build${type}`,
    returnType: 'SdpAttribute',
    statements: `return { name: ${literal(attribute.name)}, value: null };`,
    docs: docs(attribute, ''),
  });
  file.addFunction({
    isExported: true,
    name: `parse${type}`,
    parameters: [{ name: 'attribute', type: 'SdpAttribute' }],
    returnType: 'Result<true>',
    statements: [
      `if (attribute.name !== ${literal(attribute.name)} || attribute.value !== null) return ${failWith(`expected a=${attribute.name} without a value`)};`,
      'return ok(true);',
    ].join('\n'),
    docs: docs(attribute, ''),
  });
}

/** The TypeScript type of one attribute inside FileAttributes. */
function propertyType(attribute: AttributeIR): string {
  return attribute.kind === 'flag' && attribute.alternatives.length === 0 ? 'boolean' : pascalCase(attribute.property);
}

function lineMatcher(attribute: AttributeIR): string {
  return attribute.kind === 'flag' && attribute.alternatives.length > 0
    ? `(candidate) => ${attribute.property}Values.some((name) => name === candidate.name)`
    : `(candidate) => candidate.name === ${literal(attribute.name)}`;
}

function emitWhole(file: SourceFile, attributes: AttributeIR[]): void {
  file.addInterface({
    isExported: true,
    name: 'FileAttributes',
    docs: [{ description: 'Every file attribute of one file m-line (RFC 5547 §6).', tags: [{ tagName: 'see', text: 'RFC5547' }] }],
    properties: attributes.map((attribute) => ({
      name: attribute.property,
      type: propertyType(attribute),
      hasQuestionToken: !attribute.required,
      docs: [`\`a=${attribute.name}\`: ${commentText(attribute.summary)}`],
    })),
  });
  // The runtime's contract: tsc fails on this line when the spec and runtime/sdp/file-attribute-table.ts
  // disagree (spec check reports the same problem, located, before generation).
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'fileAttributesMatchRuntime', type: 'MatchesFileAttributeTable<FileAttributes>', initializer: 'true' }],
    docs: ['`tsc` fails here when FileAttributes and the runtime\'s attribute table (FileAttributesValue) disagree.'],
  });
  const build = ['const attributes: SdpAttribute[] = [];'];
  for (const attribute of attributes) {
    const type = pascalCase(attribute.property);
    const isBoolean = attribute.kind === 'flag' && attribute.alternatives.length === 0;
    const push = isBoolean ? `attributes.push(build${type}());` : `attributes.push(build${type}(a.${attribute.property}));`;
    if (attribute.required && !isBoolean) build.push(push);
    else build.push(`if (a.${attribute.property} ${isBoolean ? '=== true' : '!== undefined'}) ${push}`);
  }
  build.push('return attributes;');
  file.addFunction({
    isExported: true,
    name: 'buildFileAttributes',
    parameters: [{ name: 'a', type: 'FileAttributes' }],
    returnType: 'SdpAttribute[]',
    statements: build.join('\n'),
    docs: [{ description: 'The a= lines of one file m-line, in the order of the attribute table.', tags: [{ tagName: 'see', text: 'RFC5547' }] }],
  });
  const parse: string[] = [];
  const required = attributes.filter((attribute) => attribute.required);
  const optional = attributes.filter((attribute) => !attribute.required);
  for (const attribute of required) {
    const type = pascalCase(attribute.property);
    const v = attribute.property;
    parse.push(
      `const ${v}Line = attrs.find(${lineMatcher(attribute)});`,
      `if (${v}Line === undefined) return ${failWith(`the file m-line lacks a=${attribute.name}`)};`,
      `const ${v} = parse${type}(${v}Line);`,
      `if (!${v}.ok) return ${v};`,
    );
  }
  parse.push(`const value: FileAttributes = { ${required.map((attribute) => `${attribute.property}: ${attribute.property}.value`).join(', ')} };`);
  for (const attribute of optional) {
    const type = pascalCase(attribute.property);
    const v = attribute.property;
    parse.push(
      `const ${v}Line = attrs.find(${lineMatcher(attribute)});`,
      `if (${v}Line !== undefined) {`,
      `const ${v} = parse${type}(${v}Line);`,
      `if (!${v}.ok) return ${v};`,
      `value.${v} = ${v}.value;`,
      '}',
    );
  }
  parse.push('return ok(value);');
  file.addFunction({
    isExported: true,
    name: 'parseFileAttributes',
    parameters: [{ name: 'attrs', type: 'readonly SdpAttribute[]' }],
    returnType: 'Result<FileAttributes>',
    statements: parse.join('\n'),
    docs: [
      {
        description: 'Reads the file attributes of one m-line; attributes that are not in the table are ignored.',
        tags: [{ tagName: 'see', text: 'RFC5547' }],
      },
    ],
  });
}

export function emitSdp(project: Project, unit: SdpUnit): string {
  const file = project.createSourceFile(`/generated/sdp/${unit.unit}.ts`, '', { overwrite: true });
  const values: string[] = ['CpmError', 'fail', 'ok'];
  if (unit.attributes.some((a) => a.kind !== 'flag')) values.push('fileAttributeCodecs');
  if (unit.attributes.some((a) => a.kind === 'selector')) values.push('formatSelectorParts', 'parseSelectorParts');
  const types = ['MatchesFileAttributeTable', 'Result', 'SdpAttribute'];
  if (unit.attributes.some((a) => a.kind !== 'flag')) types.unshift('CodecValue');
  file.addImportDeclaration({ namedImports: values.sort(), moduleSpecifier: '../../runtime/index.ts' });
  file.addImportDeclaration({ isTypeOnly: true, namedImports: types.sort(), moduleSpecifier: '../../runtime/index.ts' });
  for (const attribute of unit.attributes) {
    if (attribute.kind === 'selector') emitSelector(file, attribute);
    else if (attribute.kind === 'value') emitValue(file, attribute);
    else emitFlag(file, attribute);
  }
  emitWhole(file, unit.attributes);
  return `${generatedHeader(distinctSources(unit.attributes.map((a) => a.source.file)))}\n${formatSourceFile(file)}`;
}
