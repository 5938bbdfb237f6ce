// `cpm-ft spec lsp` driven as an editor drives it: spawn the server, initialize, open a CR with a
// typo, and read publishDiagnostics, hover, definition, completion and formatting over JSON-RPC
// (spec-lsp-broken.test.ts: the same while the spec is being edited).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { run } from '../../src/cli/commands/spec.ts';
import { runCommand, scratchSpec } from './workbench-helpers.ts';
import { cliEntry } from '../helpers/cli-entry.ts';

interface Position { line: number; character: number }
interface Range { start: Position; end: Position }
interface PublishedDiagnostics { uri: string; diagnostics: { range: Range; message: string; code: string; severity: number }[] }

const scratch = scratchSpec('lsp');
const crPath = join(scratch.root, 'spec/cr/cpm-cr-ft-release.cr');
const crUri = pathToFileURL(crPath).href;
const original = readFileSync(crPath, 'utf8');
const typo = original.replace('do send-bye', 'do send-by');
let child: ChildProcess;
let connection: MessageConnection;
const published: PublishedDiagnostics[] = [];

/** 0-based position of the first `needle` in `text` (plus `offset` characters). */
function positionOf(text: string, needle: string, offset = 0): Position {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, index + offset).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

async function diagnosticsFor(uri: string, predicate: (d: PublishedDiagnostics) => boolean): Promise<PublishedDiagnostics> {
  for (let i = 0; i < 200; i++) {
    const hit = [...published].reverse().find((p) => p.uri === uri);
    if (hit !== undefined && predicate(hit)) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no matching diagnostics for ${uri}: ${JSON.stringify(published.filter((p) => p.uri === uri).at(-1))}`);
}

beforeAll(async () => {
  child = spawn(process.execPath, [cliEntry().bin, 'spec', 'lsp'], { cwd: scratch.root, stdio: ['pipe', 'pipe', 'inherit'] });
  connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => { published.push(p); });
  connection.listen();
  const init = await connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', { processId: process.pid, rootUri: pathToFileURL(scratch.root).href, capabilities: {} });
  expect(init.capabilities).toMatchObject({ hoverProvider: true, definitionProvider: true, documentFormattingProvider: true });
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: crUri, languageId: 'cpm-rules', version: 1, text: typo } });
});

afterAll(async () => {
  if (connection !== undefined) {
    await connection.sendRequest('shutdown').catch(() => undefined);
    await connection.sendNotification('exit').catch(() => undefined);
    connection.dispose();
  }
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 5000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
  });
  scratch.remove();
});

describe('spec lsp', () => {
  it('publishes the typo with the message and range spec check gives', async () => {
    const got = await diagnosticsFor(crUri, (p) => p.diagnostics.length > 0);
    const at = positionOf(typo, 'do send-by', 3);
    const unknown = got.diagnostics.find((d) => d.code === 'unknown-action');
    expect(unknown?.range).toEqual({ start: at, end: { line: at.line, character: at.character + 'send-by'.length } });
    // The same message as the command line, at the same line and column.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(crPath, typo);
    const cli = await runCommand(run, ['check'], scratch.root);
    writeFileSync(crPath, original);
    expect(cli.stderr).toContain(`spec/cr/cpm-cr-ft-release.cr:${at.line + 1}:${at.character + 1}: error[unknown-action]: ${unknown!.message.split('\n')[0]}`);
  });

  it('clears the diagnostics when the typo is fixed', async () => {
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri: crUri, version: 2 }, contentChanges: [{ text: original }] });
    const got = await diagnosticsFor(crUri, (p) => p.diagnostics.length === 0);
    expect(got.diagnostics).toEqual([]);
  });

  it('hovers a fired(...) rule reference with its modality, summary, clause title and covered statement', async () => {
    const hover = await connection.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: crUri }, position: positionOf(original, 'fired(7.6.1-4.b)', 8) });
    expect(hover.contents.value).toContain('**7.6.1-4.b** SHALL — 7.6.1 File transfer session initiation');
    expect(hover.contents.value).toContain('re-INVITE');
    expect(hover.contents.value).toContain('7.6.1-4.b: “SHALL send a re-INVITE”');
  });

  it('goes to the definition of fired(...), otherwise, a clause and a document', async () => {
    const def = (needle: string, offset: number) => connection.sendRequest<{ uri: string; range: Range } | null>('textDocument/definition', { textDocument: { uri: crUri }, position: positionOf(original, needle, offset) });
    const fired = await def('fired(7.6.1-4.b)', 8);
    expect(fired).toEqual({ uri: crUri, range: { start: positionOf(original, '7.6.1-4.b SHALL'), end: { ...positionOf(original, '7.6.1-4.b SHALL'), character: positionOf(original, '7.6.1-4.b SHALL').character + '7.6.1-4.b'.length } } });
    expect((await def('otherwise 7.6.1-4.b', 12))?.range.start).toEqual(positionOf(original, '7.6.1-4.b SHALL'));
    const clause = await def('follow-clause 7.6.2', 15);
    expect(clause?.uri).toBe(pathToFileURL(join(scratch.root, 'spec/file-transfer.rules')).href);
    const document = await def('see RFC4975', 5);
    expect(document?.uri).toBe(pathToFileURL(join(scratch.root, 'spec/documents.rules')).href);
    expect(document?.range.start.line).toBe(readFileSync(join(scratch.root, 'spec/documents.rules'), 'utf8').split('\n').findIndex((l) => l.includes('RFC4975')));
  });

  it('completes by context at the start of a file (declarations) and formats through spec fmt', async () => {
    const items = await connection.sendRequest<{ label: string; detail: string }[]>('textDocument/completion', { textDocument: { uri: crUri }, position: { line: 0, character: 0 } });
    expect(items.map((i) => i.label)).toEqual(['document', 'clause', 'external clause', 'attribute', 'rule', 'cr']);
    const mangled = original.replace('  title "', '      title   "');
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri: crUri, version: 3 }, contentChanges: [{ text: mangled }] });
    const edits = await connection.sendRequest<{ newText: string }[]>('textDocument/formatting', { textDocument: { uri: crUri }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0]!.newText).toBe(original);
  });
});
