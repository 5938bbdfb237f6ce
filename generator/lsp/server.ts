// `cpm-ft spec lsp`: a Language Server Protocol server over stdio for .rules and .cr files, built
// on vscode-languageserver. Diagnostics come from the compiler behind `spec check` (same messages,
// same locations), formatting from `spec fmt`; hover, definition and completion read the compiled IR
// and the runtime's vocabulary.
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CompletionItemKind,
  DiagnosticSeverity,
  TextDocuments,
  TextDocumentSyncKind,
  createConnection,
  type CompletionItem,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type Hover,
  type Location,
} from 'vscode-languageserver/node';
import { decisionPoints, procedureActions, procedureEvents, procedureGuards } from '../../runtime/index.ts';
import { formatSpecText } from '../format/format-spec.ts';
import type { SourceLocation } from '../ir/types.ts';
import { runtimeCodecs } from '../passes/runtime-codecs.ts';
import { compileWorkspace, pathOfUri, uriOfPath, type WorkspaceState } from './spec-workspace.ts';
import { openTransport, type LspLaunch } from './transport.ts';
import { rangeAt, wordAt } from './word-at.ts';

const keywords = ['document', 'clause', 'external', 'attribute', 'rule', 'cr', 'title', 'amends', 'after', 'add', 'modify', 'remove', 'on', 'when', 'if', 'decision', 'none', 'otherwise', 'do', 'see', 'summary', 'covers', 'text', 'and', 'or', 'not', 'fired', 'selector', 'value', 'flag', 'part', 'property', 'required', 'example', 'SHALL', 'SHALL NOT', 'SHOULD', 'SHOULD NOT', 'MAY'];

function vocabulary(): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const [name, doc] of Object.entries(procedureEvents)) items.push({ label: name, kind: CompletionItemKind.Event, detail: 'event', documentation: doc });
  for (const [name, doc] of Object.entries(procedureGuards)) items.push({ label: name, kind: CompletionItemKind.Variable, detail: 'guard', documentation: doc });
  for (const [name, action] of Object.entries(procedureActions)) items.push({ label: name, kind: CompletionItemKind.Function, detail: 'action', documentation: action.summary });
  for (const [name, point] of Object.entries(decisionPoints)) items.push({ label: name, kind: CompletionItemKind.EnumMember, detail: 'decision point', documentation: point.summary });
  for (const name of runtimeCodecs) items.push({ label: name, kind: CompletionItemKind.TypeParameter, detail: 'attribute codec' });
  for (const name of keywords) items.push({ label: name, kind: CompletionItemKind.Keyword, detail: 'keyword' });
  return items;
}

function vocabularyDoc(name: string): string | null {
  const events: Record<string, string> = procedureEvents;
  const guards: Record<string, string> = procedureGuards;
  const points: Record<string, { summary: string }> = decisionPoints;
  const actions: Record<string, { summary: string }> = procedureActions;
  if (events[name] !== undefined) return `**event** \`${name}\`: ${events[name]}`;
  if (guards[name] !== undefined) return `**guard** \`${name}\`: ${guards[name]}`;
  if (points[name] !== undefined) return `**decision point** \`${name}\`: ${points[name].summary}`;
  if (actions[name] !== undefined) return `**action** \`${name}\`: ${actions[name].summary}`;
  return null;
}

export function startLanguageServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let root = process.cwd();
  let state: WorkspaceState = { ir: null, diagnostics: [], sources: new Map(), crText: null };
  let published = new Set<string>();

  const location = (source: SourceLocation): Location => ({ uri: uriOfPath(root, source.file), range: rangeAt(state.sources.get(source.file), source.line, source.column) });

  async function refresh(): Promise<void> {
    const open = new Map(documents.all().map((d) => [pathOfUri(root, d.uri), d.getText()]));
    state = await compileWorkspace(root, open);
    const byUri = new Map<string, LspDiagnostic[]>();
    for (const d of state.diagnostics) {
      if (d.location === null) continue;
      const uri = uriOfPath(root, d.location.file);
      const list = byUri.get(uri) ?? [];
      list.push({
        range: rangeAt(state.sources.get(d.location.file), d.location.line, d.location.column),
        severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        code: d.code,
        source: 'cpm-ft',
        message: [d.message, ...d.notes.map((n) => n.message)].join('\n'),
        relatedInformation: d.notes.filter((n) => n.location !== null).map((n) => ({ location: location(n.location!), message: n.message })),
      });
      byUri.set(uri, list);
    }
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

  const wordOf = (uri: string, line: number, character: number) => {
    const doc = documents.get(uri);
    return doc === undefined ? null : wordAt(doc.getText(), line, character);
  };

  connection.onHover(async (params): Promise<Hover | null> => {
    await pending;
    const word = wordOf(params.textDocument.uri, params.position.line, params.position.character);
    if (word === null) return null;
    const range = { start: { line: word.line, character: word.start }, end: { line: word.line, character: word.end } };
    const ir = state.ir;
    const rule = ir?.rules.find((r) => r.id === word.text);
    if (rule !== undefined && ir !== null) {
      const clause = ir.clauses.find((c) => c.id === rule.clause);
      const statements = (rule.covers ?? []).map((c) => {
        const key = c.step === null ? rule.clause : `${rule.clause}-${c.step}`;
        const sentence = state.crText?.statements.find((s) => (s.step === null ? s.clause : `${s.clause}-${s.step}`) === key && s.text.includes(c.quote.replace(/\s+/g, ' ')))?.text;
        return `> ${key}: ${sentence ?? `“${c.quote}”`}`;
      });
      const lines = [`**${rule.id}** ${rule.modality} — ${rule.clause} ${clause?.title ?? ''}`.trimEnd(), '', rule.summary, ...(statements.length > 0 ? ['', 'CR statement:', ...statements] : [])];
      return { contents: { kind: 'markdown', value: lines.join('\n') }, range };
    }
    const clause = ir?.clauses.find((c) => c.id === word.text);
    if (clause !== undefined) return { contents: { kind: 'markdown', value: `**clause ${clause.id}** ${clause.title}${clause.external ? ' (external)' : ''}` }, range };
    const document = ir?.documents.find((d) => d.id === word.text);
    if (document !== undefined) return { contents: { kind: 'markdown', value: `**${document.id}** ${document.title}` }, range };
    const attribute = ir?.attributes.find((a) => a.name === word.text);
    if (attribute !== undefined) return { contents: { kind: 'markdown', value: `**a=${attribute.name}** (${attribute.kind}) ${attribute.summary}` }, range };
    const doc = vocabularyDoc(word.text);
    return doc === null ? null : { contents: { kind: 'markdown', value: doc }, range };
  });

  connection.onDefinition(async (params): Promise<Location | null> => {
    await pending;
    const word = wordOf(params.textDocument.uri, params.position.line, params.position.character);
    const ir = state.ir;
    if (word === null || ir === null) return null;
    // '7.6.2' is both a clause and that clause's one rule: the words before it say which is meant.
    const before = (documents.get(params.textDocument.uri)?.getText().split(/\r?\n/)[word.line] ?? '').slice(0, word.start);
    const ruleContext = /(?:fired\(\s*|otherwise\s+|modify\s+|remove\s+|rule\s+)$/.test(before);
    const rule = ir.rules.find((r) => r.id === word.text)?.source;
    const other =
      ir.clauses.find((c) => c.id === word.text)?.source ??
      ir.documents.find((d) => d.id === word.text)?.source ??
      ir.attributes.find((a) => a.name === word.text)?.source;
    const target = ruleContext ? (rule ?? other) : (other ?? rule);
    return target === undefined ? null : location(target);
  });

  const items = vocabulary();
  connection.onCompletion(() => items);

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

/** Runs the server over the launch's transport until the client disconnects, exits or its process is gone. */
export function runLanguageServer(launch: LspLaunch): Promise<void> {
  return new Promise((resolve) => {
    const opened = openTransport(launch.transport);
    const connection = 'reader' in opened ? createConnection(opened.reader, opened.writer) : createConnection(opened.input, opened.output);
    connection.onExit(() => resolve());
    if ('reader' in opened) opened.reader.onClose(() => resolve());
    else opened.input.on('end', () => resolve());
    if (launch.clientProcessId !== null) {
      const pid = launch.clientProcessId;
      const timer = setInterval(() => {
        try {
          process.kill(pid, 0);
        } catch {
          clearInterval(timer);
          resolve();
        }
      }, 3000);
      timer.unref();
    }
    startLanguageServer(connection);
  });
}
