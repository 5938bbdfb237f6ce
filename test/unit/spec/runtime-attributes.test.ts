// spec/sdp-attributes.rules against the runtime's attribute table (runtime/sdp/file-attribute-table.ts):
// a renamed, removed or changed attribute is a located `spec check` error, never a silent drop.
// Runs on scratch copies of the frozen seed spec, edited as a spec editor would.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../../generator/load-spec.ts';
import { fileAttributeTable } from '../../../runtime/index.ts';
import { run } from '../../../src/cli/commands/spec.ts';
import { seedSpecRoot } from '../../helpers/seed-spec.ts';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A scratch root with the seed spec whose sdp-attributes.rules went through `edit`. */
function editedSpec(edit: (text: string) => string): string {
  const root = seedSpecRoot('cpm-ft-sdp-table-');
  roots.push(root);
  const file = join(root, 'spec/sdp-attributes.rules');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return root;
}

async function specCheck(root: string): Promise<{ code: number; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const err: string[] = [];
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await run(['check'], { stdout, stderr, cwd: root, env: {} });
  return { code, stderr: err.join('') };
}

const lineOf = (root: string, needle: string): number =>
  readFileSync(join(root, 'spec/sdp-attributes.rules'), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('SDP attributes: spec against the runtime table', () => {
  it('the seed spec defines exactly the attributes of the runtime table, which all compile', async () => {
    const { ir, diagnostics } = await loadSpec(editedSpec((t) => t));
    expect(diagnostics).toEqual([]);
    expect(ir?.attributes.map((a) => a.name).sort()).toEqual(Object.keys(fileAttributeTable).sort());
  });

  it('renaming file-date fails spec check at the renamed name, with "did you mean file-date?"', async () => {
    const root = editedSpec((t) => t.replace('attribute file-date selector', 'attribute file-dat selector'));
    const r = await specCheck(root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`spec/sdp-attributes.rules:${lineOf(root, 'attribute file-dat ')}:11: error[unknown-attribute]: unknown SDP attribute 'file-dat'; did you mean 'file-date'?`);
    expect(r.stderr).toContain('the runtime writes a=file-date');
    expect(r.stderr).toMatch(/spec check failed: 1 error\n$/);
  });

  it('removing file-date is a missing-attribute error: the runtime writes it', async () => {
    const root = editedSpec((t) => t.replace(/attribute file-date selector \{[\s\S]*?\n\}\n/, ''));
    const { ir, diagnostics } = await loadSpec(root);
    expect(ir).toBeNull();
    expect(diagnostics.map((d) => [d.code, d.location?.file])).toEqual([['missing-attribute', 'spec/sdp-attributes.rules']]);
    expect(diagnostics[0]?.message).toContain("defines no attribute 'file-date'");
  });

  it('an attribute the runtime only knows (file-icon) may be left out; one it does not know is an error with a suggestion', async () => {
    const without = await loadSpec(editedSpec((t) => t.replace(/attribute file-icon value cid-url \{[\s\S]*?\n\}\n/, '')));
    expect(without.diagnostics).toEqual([]);
    const root = editedSpec((t) => `${t}\nattribute file-colour value token {\n  see RFC5547\n  summary "s"\n  example "a=file-colour:red"\n}\n`);
    const { diagnostics } = await loadSpec(root);
    expect(diagnostics.map((d) => [d.code, d.location?.line, d.location?.column])).toEqual([['unknown-attribute', lineOf(root, 'attribute file-colour'), 11]]);
    expect(diagnostics[0]?.notes[0]?.message).toContain('the runtime knows: file-selector, file-transfer-id');
  });

  it('a changed codec, part, property or required flag is located at what changed', async () => {
    const root = editedSpec((t) =>
      t
        .replace('attribute file-range value byte-range', 'attribute file-range value token')
        .replace('part modification date-time', 'part modified date-time')
        .replace('attribute file-transfer-id value token {\n  required', 'attribute file-transfer-id value token {\n  property transferId\n  required'),
    );
    const { diagnostics } = await loadSpec(root);
    const got = diagnostics.map((d) => `${d.code} ${d.location?.line}:${d.location?.column} ${d.message}`);
    expect(got).toEqual([
      `attribute-mismatch ${lineOf(root, 'property transferId')}:3 a=file-transfer-id: property 'transferId' is 'fileTransferId' in the runtime`,
      `attribute-mismatch ${lineOf(root, 'attribute file-date')}:11 a=file-date: the runtime has a part 'modification' the spec does not define`,
      `attribute-mismatch ${lineOf(root, 'part modified')}:8 a=file-date: unknown part 'modified'; the runtime's parts are creation, modification, read`,
      `attribute-mismatch ${lineOf(root, 'attribute file-range')}:28 a=file-range: codec 'token' is 'byte-range' in the runtime`,
    ]);
  });
});
