// The language server while the spec is being edited: diagnostics for buffers ORDER does not list,
// every syntax error of a file, hover that keeps working on the last good parse (and on modality
// keywords), completion by context, and definitions of rule ids after fired(, otherwise, modify, remove.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventRoles, actionRoles, guardRoles, followableClauses } from '../../runtime/index.ts';
import { positionOf, startStdioServer, type CompletionItem, type LspSession } from './lsp-harness.ts';
import { repoRoot } from './workbench-helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-lsp-broken-'));
cpSync(join(repoRoot, 'spec'), join(root, 'spec'), { recursive: true });
const releasePath = 'spec/cr/cpm-cr-ft-release.cr';
const release = readFileSync(join(root, releasePath), 'utf8');
let lsp: LspSession;

const namesOf = (table: Record<string, string>, role: string): string[] => Object.keys(table).filter((k) => table[k] === role).sort();
const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label).sort();
/** The text with `line` inserted after the first line containing `after`, and the position at the end of it. */
function insertAfter(text: string, after: string, line: string): { text: string; at: { line: number; character: number } } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(after));
  lines.splice(i + 1, 0, line);
  return { text: lines.join('\n'), at: { line: i + 1, character: line.length } };
}

beforeAll(async () => {
  lsp = startStdioServer(root);
  await lsp.initialize();
  await lsp.open(releasePath, release);
});

afterAll(async () => {
  await lsp.close();
  rmSync(root, { recursive: true, force: true });
});

describe('spec lsp on a spec being edited', () => {
  it('checks a CR that spec/cr/ORDER does not list as if appended, with a note to list it', async () => {
    const path = 'spec/cr/cpm-cr-ft-new-step.cr';
    const text = ['cr CPM-CR-FT-NEW-STEP R01 {', '  title "A new step"', '  amends 7.6.1', '  after CPM-CR-FT-RELEASE', '  add rule 7.6.1-7 SHALL {', '    on transfer-complete', '    do send-by', '    summary "x"', '  }', '}', ''].join('\n');
    await lsp.open(path, text);
    const got = await lsp.diagnostics(path, (d) => d.some((x) => x.code === 'unknown-action'));
    const unknown = got.find((d) => d.code === 'unknown-action')!;
    expect(unknown.range.start).toEqual(positionOf(text, 'send-by'));
    const note = got.find((d) => d.code === 'cr-not-listed');
    expect(note).toMatchObject({ severity: 3, range: { start: { line: 0, character: 0 } } });
    expect(note!.message).toContain("add the line 'cpm-cr-ft-new-step.cr' to ORDER");
    // Fixed, only the note stays.
    await lsp.change(path, text.replace('send-by', 'send-bye'));
    expect((await lsp.diagnostics(path, (d) => !d.some((x) => x.code === 'unknown-action'))).map((d) => d.code)).toEqual(['cr-not-listed']);
  });

  it('shows a covers-modality-mismatch warning at the modality an example CR changed', async () => {
    const path = 'spec/examples/cr-4a-shall.cr';
    const text = readFileSync(join(root, path), 'utf8');
    await lsp.open(path, text);
    const got = await lsp.diagnostics(path, (d) => d.length > 0);
    const at = positionOf(text, 'SHALL {');
    expect(got).toEqual([expect.objectContaining({ code: 'covers-modality-mismatch', severity: 2, range: { start: at, end: { line: at.line, character: at.character + 'SHALL'.length } } })]);
    expect(got.some((d) => d.code === 'cr-not-listed')).toBe(false);
    const hover = await lsp.hover(path, positionOf(text, 'modify 7.6.1-4.a', 9));
    expect(hover?.contents.value).toContain('⚠ covers-modality-mismatch: the sentence says MAY, the rule is SHALL');
  });

  it('reports every syntax error of the buffer, in words, and hovers on the last good parse meanwhile', async () => {
    const broken = release.replace('  title "', '  titel "').replace('rule 7.6.1-5 SHALL', 'rule 7.6.1-5 SHAL').replace('do send-bye', 'dp send-bye');
    await lsp.change(releasePath, broken);
    const got = await lsp.diagnostics(releasePath, (d) => d.filter((x) => x.code === 'syntax-error').length === 3);
    expect(got.map((d) => [d.code, d.range.start])).toEqual([
      ['syntax-error', positionOf(broken, 'titel')],
      ['syntax-error', positionOf(broken, 'SHAL {')],
      ['syntax-error', positionOf(broken, 'dp send-bye')],
    ]);
    expect(got[1]!.message).toContain('expected a modality (SHALL, SHALL NOT, SHOULD, SHOULD NOT, MAY)');
    const rule = await lsp.hover(releasePath, positionOf(broken, 'fired(7.6.1-4.b)', 8));
    expect(rule?.contents.value).toContain('**7.6.1-4.b** SHALL — 7.6.1 File transfer session initiation');
    const event = await lsp.hover(releasePath, positionOf(broken, 'on transfer-complete', 5));
    expect(event?.contents.value).toBe(`**event** \`transfer-complete\` (sender): ${(await import('../../runtime/index.ts')).procedureEvents['transfer-complete']}`);
    const modality = await lsp.hover(releasePath, positionOf(broken, 'SHALL {', 1));
    expect(modality?.contents.value).toMatch(/^\*\*SHALL\*\* \(modality\): Whenever the rule's situation holds/);
    const definition = await lsp.definition(releasePath, positionOf(broken, 'otherwise 7.6.1-4.b', 12));
    expect(definition?.range.start).toEqual(positionOf(broken, '7.6.1-4.b SHALL'));
    await lsp.change(releasePath, release);
    await lsp.diagnostics(releasePath, (d) => d.length === 0);
  });

  it('hovers SHALL NOT as one modality', async () => {
    const path = 'spec/examples/cr-4a-shall-not.cr';
    const text = readFileSync(join(root, path), 'utf8');
    await lsp.open(path, text);
    const hover = await lsp.hover(path, positionOf(text, 'SHALL NOT {', 7));
    expect(hover?.contents.value).toMatch(/^\*\*SHALL NOT\*\* \(modality\): .*prohibitions/);
  });

  it('completes by context: events, actions, guards with earlier rules, decision points, clauses', async () => {
    const complete = async (after: string, line: string, path = releasePath, base = release): Promise<CompletionItem[]> => {
      const edit = insertAfter(base, after, line);
      await lsp.change(path, edit.text);
      const items = await lsp.completion(path, edit.at);
      expect(new Set(labels(items)).size, `duplicates after '${line}'`).toBe(items.length);
      return items;
    };
    expect(labels(await complete('add rule 7.6.1-5 SHALL {', '    on '))).toEqual(namesOf(eventRoles, 'sender'));
    expect(labels(await complete('add rule 7.6.1-5 SHALL {', '    do '))).toEqual(namesOf(actionRoles, 'sender'));
    expect(labels(await complete('add rule 7.6.1-5 SHALL {', '    decision '))).toEqual(['check-pending-files', 'none']);
    expect(labels(await complete('add rule 7.6.1-5 SHALL {', '    do follow-clause '))).toEqual(Object.keys(followableClauses).sort());
    const guards = labels(await complete('add rule 7.6.1-4.c SHALL {', '    if '));
    expect(guards).toEqual([
      ...['7.6.1-1.one-to-one', '7.6.1-1.ad-hoc-group', '7.6.1-1.predefined-group', '7.6.1-2', '7.6.1-3', '7.6.1-4.a', '7.6.1-4.b', '7.6.1-4.b.i', '7.6.1-4.b.ii'].map((id) => `fired(${id})`),
      ...namesOf(guardRoles, 'sender'),
      'not',
    ].sort());
    const fired = await complete('add rule 7.6.1-4.b SHALL {', '    if fired(7.6');
    expect(labels(fired)).toEqual(['7.6.1-1.ad-hoc-group', '7.6.1-1.one-to-one', '7.6.1-1.predefined-group', '7.6.1-2', '7.6.1-3', '7.6.1-4.a']);
    expect(fired[0]!).toMatchObject({ textEdit: { range: { start: { character: '    if fired('.length }, end: { character: '    if fired(7.6'.length } } } });
    expect(labels(await complete('add rule 7.6.1-5 SHALL {', '    '))).toEqual(['covers', 'decision', 'do', 'if', 'on', 'otherwise', 'see', 'summary']);
    await lsp.change(releasePath, release);
    // A receiver rule gets the receiver's names.
    const answerer = readFileSync(join(root, 'spec/rfc5547-answerer.rules'), 'utf8');
    await lsp.open('spec/rfc5547-answerer.rules', answerer);
    expect(labels(await complete('rule RFC5547-8-1.push-accept MAY {', '  do ', 'spec/rfc5547-answerer.rules', answerer))).toEqual(namesOf(actionRoles, 'receiver'));
    expect(labels(await complete('rule RFC5547-8-1.push-accept MAY {', '  decision ', 'spec/rfc5547-answerer.rules', answerer))).toEqual(['accept-file', 'none']);
    await lsp.change('spec/rfc5547-answerer.rules', answerer);
  });

  it('goes from a CR\'s modify and remove to where the rule is defined', async () => {
    const path = 'spec/examples/cr-4a-shall.cr';
    const text = readFileSync(join(root, path), 'utf8');
    const edited = text.replace('  modify 7.6.1-4.a', '  remove 7.6.1-3\n  modify 7.6.1-4.a');
    await lsp.change(path, edited);
    const modify = await lsp.definition(path, positionOf(edited, 'modify 7.6.1-4.a', 9));
    expect(modify).toEqual({ uri: lsp.uri(releasePath), range: { start: positionOf(release, '7.6.1-4.a MAY'), end: { ...positionOf(release, '7.6.1-4.a MAY'), character: positionOf(release, '7.6.1-4.a MAY').character + '7.6.1-4.a'.length } } });
    const remove = await lsp.definition(path, positionOf(edited, 'remove 7.6.1-3', 9));
    expect(remove?.uri).toBe(lsp.uri(releasePath));
    expect(remove?.range.start).toEqual(positionOf(release, '7.6.1-3 SHALL'));
  });
});
