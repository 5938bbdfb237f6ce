import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeCheckGenerated } from '../../../generator/emit/type-check-generated.ts';
import { generate } from '../../../generator/generate.ts';
import { sampleIr } from './fixtures/sample-ir.ts';
import { makeRuntimeRoot, repoRoot } from './helpers/runtime-root.ts';

let root: string;
beforeAll(() => {
  root = makeRuntimeRoot();
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('generated code type-checks against the runtime API', () => {
  it('handlers and the handler index compile against runtime/index.ts as it is', () => {
    const files = new Map([...generate(sampleIr())].filter(([path]) => path.startsWith('generated/handlers/')));
    expect(typeCheckGenerated(files, repoRoot)).toEqual([]);
  });

  it('SDP builders compile against the runtime codecs', () => {
    expect(typeCheckGenerated(generate(sampleIr()), root)).toEqual([]);
  });

  it('names the file, line and cause when generated code does not compile', () => {
    const ir = sampleIr();
    const rule = ir.rules.find((r) => r.id === '9.6.2-1');
    rule?.actions.push({ name: 'send-fax', args: [], source: { file: 'spec/x.rules', line: 1, column: 1 } });
    const problems = typeCheckGenerated(generate(ir), root);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.file).toBe('generated/handlers/file-transfer.ts');
    expect(problems[0]?.line).toBeGreaterThan(1);
    expect(problems.map((p) => p.message).join('\n')).toContain('send-fax');
  });

  it('rejects an unknown codec in an SDP attribute', () => {
    const ir = sampleIr();
    const attribute = ir.attributes.find((a) => a.name === 'file-range');
    if (attribute !== undefined) attribute.codec = 'roman-numeral';
    const problems = typeCheckGenerated(generate(ir), root);
    expect(problems.some((p) => p.file === 'generated/sdp/sdp-attributes.ts' && p.message.includes('roman-numeral'))).toBe(true);
  });
});
