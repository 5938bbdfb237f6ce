// VS Code client for cpm-ft's rule spec: starts `cpm-ft spec lsp` (setting cpmFt.command, run in the
// workspace folder) and hands it every .rules and .cr file. All the language smarts live in the server.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const [command, ...args] = vscode.workspace.getConfiguration('cpmFt').get('command') ?? ['node', 'bin/cpm-ft.js', 'spec', 'lsp'];
  const server = { command, args, transport: TransportKind.stdio, options: folder === undefined ? {} : { cwd: folder } };
  client = new LanguageClient('cpmFt', 'cpm-ft spec', server, {
    documentSelector: [{ scheme: 'file', language: 'cpm-rules' }],
  });
  context.subscriptions.push({ dispose: () => client?.stop() });
  return client.start();
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
