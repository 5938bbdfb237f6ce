// Drives `cpm-ft spec lsp` as an editor does, over a real JSON-RPC client (vscode-jsonrpc): spawn
// the server, initialize, open documents, and read what it publishes or answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { cliEntry } from '../helpers/cli-entry.ts';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface LspDiagnostic { range: Range; message: string; code: string; severity: number }
export interface PublishedDiagnostics { uri: string; diagnostics: LspDiagnostic[] }
export interface CompletionItem { label: string; detail?: string; insertText?: string; kind?: number }

/** 0-based position of the first `needle` in `text` (plus `offset` characters). */
export function positionOf(text: string, needle: string, offset = 0): Position {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, index + offset).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

export class LspSession {
  readonly published: PublishedDiagnostics[] = [];
  private versions = new Map<string, number>();

  constructor(readonly connection: MessageConnection, readonly root: string, private readonly child: ChildProcess | null) {
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => { this.published.push(p); });
    connection.listen();
  }

  uri(path: string): string {
    return pathToFileURL(join(this.root, path)).href;
  }

  async initialize(): Promise<{ capabilities: Record<string, unknown> }> {
    const init = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', { processId: process.pid, rootUri: pathToFileURL(this.root).href, capabilities: {} });
    await this.connection.sendNotification('initialized', {});
    return init;
  }

  async open(path: string, text: string): Promise<string> {
    const uri = this.uri(path);
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cpm-rules', version: 1, text } });
    return uri;
  }

  async change(path: string, text: string): Promise<void> {
    const uri = this.uri(path);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** The latest diagnostics published for `path` that satisfy `predicate` (waits up to 10 s). */
  async diagnostics(path: string, predicate: (d: LspDiagnostic[]) => boolean): Promise<LspDiagnostic[]> {
    const uri = this.uri(path);
    for (let i = 0; i < 200; i++) {
      const hit = [...this.published].reverse().find((p) => p.uri === uri);
      if (hit !== undefined && predicate(hit.diagnostics)) return hit.diagnostics;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no matching diagnostics for ${path}: ${JSON.stringify(this.published.filter((p) => p.uri === uri).at(-1))}`);
  }

  hover(path: string, position: Position): Promise<{ contents: { value: string } } | null> {
    return this.connection.sendRequest('textDocument/hover', { textDocument: { uri: this.uri(path) }, position });
  }

  completion(path: string, position: Position): Promise<CompletionItem[]> {
    return this.connection.sendRequest('textDocument/completion', { textDocument: { uri: this.uri(path) }, position });
  }

  definition(path: string, position: Position): Promise<{ uri: string; range: Range } | null> {
    return this.connection.sendRequest('textDocument/definition', { textDocument: { uri: this.uri(path) }, position });
  }

  /** shutdown + exit, then waits for the server process to end (killing it after 5 s). */
  async close(): Promise<number | null> {
    await this.connection.sendRequest('shutdown').catch(() => undefined);
    await this.connection.sendNotification('exit').catch(() => undefined);
    this.connection.dispose();
    const child = this.child;
    if (child === null) return null;
    return new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null); }, 5000);
      child.once('exit', (code) => { clearTimeout(timer); resolve(code); });
    });
  }
}

/** Starts `cpm-ft spec lsp ...args` (cli-entry.ts) in `root` over stdio. */
export function startStdioServer(root: string, args: string[] = ['--stdio']): LspSession {
  const child = spawn(process.execPath, [cliEntry().bin, 'spec', 'lsp', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  return new LspSession(createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)), root, child);
}
