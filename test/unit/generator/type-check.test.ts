import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from 'ts-morph';
import { createTypeCheckProject, typeCheckGenerated as checkIn } from '../../../generator/emit/type-check-generated.ts';
import { generate } from '../../../generator/generate.ts';
import { sampleIr } from './fixtures/sample-ir.ts';
import { makeRuntimeRoot, repoRoot } from './helpers/runtime-root.ts';

// One ts-morph project per root for the whole file: every check below reads the same runtime sources,
// so they are parsed once; each check's generated files are its own (typeCheckGenerated removes them).
const projects = new Map<string, Project>();
function typeCheckGenerated(files: ReadonlyMap<string, string>, at: string): ReturnType<typeof checkIn> {
  let project = projects.get(at);
  if (project === undefined) projects.set(at, (project = createTypeCheckProject(at)));
  return checkIn(files, at, project);
}

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

describe('generated SDP module against the runtime attribute table', () => {
  // generate() is given IRs spec check would reject, to show tsc is a second, independent guard.
  const sdpProblems = (edit: (ir: ReturnType<typeof sampleIr>) => void) => {
    const ir = sampleIr();
    edit(ir);
    return typeCheckGenerated(generate(ir), repoRoot).filter((p) => p.file === 'generated/sdp/sdp-attributes.ts');
  };

  it('compiles when the spec matches the table', () => {
    expect(sdpProblems(() => {})).toEqual([]);
  });

  it('fails tsc when an attribute the runtime writes is renamed or missing', () => {
    const renamed = sdpProblems((ir) => {
      const date = ir.attributes.find((a) => a.name === 'file-date');
      if (date !== undefined) Object.assign(date, { name: 'file-dat', property: 'fileDat' });
    });
    expect(renamed.map((p) => p.message).join('\n')).toContain('missingFromSpec: "fileDate"');
    const removed = sdpProblems((ir) => {
      ir.attributes = ir.attributes.filter((a) => a.name !== 'file-date');
    });
    expect(removed.length).toBeGreaterThan(0);
  });

  it('fails tsc when a part changes codec or required', () => {
    expect(sdpProblems((ir) => {
      const part = ir.attributes.find((a) => a.name === 'file-date')?.parts[0];
      if (part !== undefined) part.codec = 'token';
    }).length).toBeGreaterThan(0);
    expect(sdpProblems((ir) => {
      const part = ir.attributes.find((a) => a.name === 'file-selector')?.parts.find((p) => p.key === 'hash');
      if (part !== undefined) part.required = true;
    }).length).toBeGreaterThan(0);
  });
});
