// `cpm-ft spec lsp`: a Language Server Protocol server for .rules and .cr files, built on
// vscode-languageserver. Diagnostics come from the compiler behind `spec check` (same messages,
// same locations, every syntax error of a file), for every open buffer, listed in spec/cr/ORDER or
// not; formatting from `spec fmt`. Hover and go-to-definition read the compiled IR, or the last
// one that compiled while the spec is broken; completion reads the cursor's context (completion.ts).
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  DiagnosticSeverity,
  TextDocuments,
  TextDocumentSyncKind,
  createConnection,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type Hover,
  type Location,
} from 'vscode-languageserver/node';
import { formatSpecText } from '../format/format-spec.ts';
import type { SourceLocation } from '../ir/types.ts';
import { completionsAt } from './completion.ts';
import { definitionAt } from './definition.ts';
import { hoverMarkdown } from './hover.ts';
import { compileWorkspace, pathOfUri, uriOfPath, type WorkspaceState } from './spec-workspace.ts';
import { openTransport, type LspLaunch } from './transport.ts';
import { rangeAt, wordAt } from './word-at.ts';

/** The note on an open CR that spec/cr/ORDER does not list, at its `cr` header. */
function unlistedNote(path: string, text: string): LspDiagnostic {
  const lines = text.split(/\r?\n/);
  const line = Math.max(0, lines.findIndex((l) => /^\s*cr\s/.test(l)));
  const name = path.slice('spec/cr/'.length);
  return {
    range: { start: { line, character: 0 }, end: { line, character: lines[line]?.length ?? 0 } },
    severity: DiagnosticSeverity.Information,
    code: 'cr-not-listed',
    source: 'cpm-ft',
    message: `${name} is not listed in spec/cr/ORDER: it is checked as if appended after the CRs there; add the line '${name}' to ORDER to apply it`,
  };
}

export function startLanguageServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let root = process.cwd();
  let state: WorkspaceState = { ir: null, diagnostics: [], sources: new Map(), crText: null, unlisted: [] };
  /** The last compile that produced an IR: what hover and definition read while the spec is broken. */
  let lastGood: WorkspaceState | null = null;
  let published = new Set<string>();

  const location = (source: SourceLocation, sources = state.sources): Location => ({ uri: uriOfPath(root, source.file), range: rangeAt(sources.get(source.file), source.line, source.column) });

  async function refresh(): Promise<void> {
    const open = new Map(documents.all().map((d) => [pathOfUri(root, d.uri), d.getText()]));
    state = await compileWorkspace(root, open);
    if (state.ir !== null) lastGood = state;
    else if (lastGood === null) {
      // Broken from the start: the files as saved may still compile.
      const saved = await compileWorkspace(root, new Map());
      if (saved.ir !== null) lastGood = saved;
    }
    const byUri = new Map<string, LspDiagnostic[]>();
    const push = (uri: string, d: LspDiagnostic): void => { byUri.set(uri, [...(byUri.get(uri) ?? []), d]); };
    for (const d of state.diagnostics) {
      if (d.location === null) continue;
      push(uriOfPath(root, d.location.file), {
        range: rangeAt(state.sources.get(d.location.file), d.location.line, d.location.column),
        severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        code: d.code,
        source: 'cpm-ft',
        message: [d.message, ...d.notes.map((n) => n.message)].join('\n'),
        relatedInformation: d.notes.filter((n) => n.location !== null).map((n) => ({ location: location(n.location!), message: n.message })),
      });
    }
    for (const path of state.unlisted) push(uriOfPath(root, path), unlistedNote(path, state.sources.get(path) ?? ''));
    // Clear files that had problems before and have none now; open files always get a (possibly empty) list.
    const uris = new Set([...published, ...byUri.keys(), ...documents.all().map((d) => d.uri)]);
    for (const uri of uris) await connection.sendDiagnostics({ uri, diagnostics: byUri.get(uri) ?? [] });
    published = new Set(byUri.keys());
  }

  let pending: Promise<void> = Promise.resolve();
  const schedule = (): void => {
    pending = pending.then(refresh).catch((error: unknown) => connection.console.error(`cpm-ft spec lsp: ${(error as Error).message}`));
  };

  connection.onInitialize((params) => {
    const rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (rootUri) root = fileURLToPath(rootUri);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        completionProvider: { triggerCharacters: [' ', '('] },
        documentFormattingProvider: true,
      },
      serverInfo: { name: 'cpm-ft spec lsp' },
    };
  });
  documents.onDidOpen(schedule);
  documents.onDidChangeContent(schedule);
  documents.onDidClose(schedule);

  connection.onHover(async (params): Promise<Hover | null> => {
    await pending;
    const text = documents.get(params.textDocument.uri)?.getText();
    const word = text === undefined ? null : wordAt(text, params.position.line, params.position.character);
    if (word === null || text === undefined) return null;
    const good = state.ir !== null ? state : lastGood;
    const value = hoverMarkdown(word, text.split(/\r?\n/)[word.line] ?? '', good?.ir ?? null, good?.crText ?? null);
    if (value === null) return null;
    return { contents: { kind: 'markdown', value }, range: { start: { line: word.line, character: word.start }, end: { line: word.line, character: word.end } } };
  });

  connection.onDefinition(async (params): Promise<Location | null> => {
    await pending;
    const text = documents.get(params.textDocument.uri)?.getText();
    if (text === undefined) return null;
    const good = state.ir !== null ? state : lastGood;
    // Rule ids are found in the texts as they are now (open buffers included), other names in the IR.
    const target = definitionAt(text, params.position.line, params.position.character, state.sources, good?.ir ?? null);
    return target === null ? null : location(target, state.sources.has(target.file) ? state.sources : (good?.sources ?? state.sources));
  });

  connection.onCompletion(async (params) => {
    await pending;
    const text = documents.get(params.textDocument.uri)?.getText() ?? '';
    return completionsAt(text, params.position.line, params.position.character, state.ir ?? lastGood?.ir ?? null);
  });

  connection.onDocumentFormatting((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (doc === undefined) return [];
    const result = formatSpecText(pathOfUri(root, doc.uri), doc.getText());
    if (!result.ok || !result.changed) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, newText: result.text }];
  });

  documents.listen(connection);
  connection.listen();
}

/**
 * Runs the server over the launch's transport until the client disconnects or exits. A dead editor
 * (`--clientProcessId`) is vscode-languageserver's watchdog's job: it reads the flag from process.argv.
 */
export function runLanguageServer(launch: LspLaunch): Promise<void> {
  return new Promise((resolve) => {
    const opened = openTransport(launch.transport);
    const connection = 'reader' in opened ? createConnection(opened.reader, opened.writer) : createConnection(opened.input, opened.output);
    connection.onExit(() => resolve());
    if ('reader' in opened) opened.reader.onClose(() => resolve());
    else opened.input.on('end', () => resolve());
    startLanguageServer(connection);
  });
}
