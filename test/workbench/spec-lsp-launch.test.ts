// `cpm-ft spec lsp` started the ways editors start language servers: exactly as editor/vscode's
// extension builds its ServerOptions (vscode-languageclient appends `--stdio` to a stdio Executable's
// args), and over --socket=N and --node-ipc; --clientProcessId ends it with the editor; unknown or
// malformed flags are usage errors.
import { spawn } from 'node:child_process';
import Module, { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, SocketMessageReader, SocketMessageWriter, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { run } from '../../src/cli/commands/spec.ts';
import { LspSession, positionOf } from './lsp-harness.ts';
import { repoRoot, runCommand, scratchSpec } from './workbench-helpers.ts';
import { cliEntry } from '../helpers/cli-entry.ts';

interface Executable { command: string; args: string[]; transport: number; options: { cwd?: string } }
const transportKind = { stdio: 0, ipc: 1, pipe: 2, socket: 3 } as const;

/** Runs the extension's activate() against stand-ins for the VS Code API and the client library and returns the server it asks for. */
function extensionServerOptions(workspaceFolder: string): Executable {
  let captured: Executable | null = null;
  const stubs: Record<string, unknown> = {
    vscode: { workspace: { workspaceFolders: [{ uri: { fsPath: workspaceFolder } }], getConfiguration: () => ({ get: () => undefined }) } },
    'vscode-languageclient/node': {
      TransportKind: transportKind,
      LanguageClient: class {
        constructor(_id: string, _name: string, server: Executable) { captured = server; }
        start(): Promise<void> { return Promise.resolve(); }
        stop(): Promise<void> { return Promise.resolve(); }
      },
    },
  };
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = (request: string, ...rest: unknown[]) => (request in stubs ? stubs[request] : original(request, ...rest));
  try {
    const extension = createRequire(import.meta.url)(join(repoRoot, 'editor/vscode/extension.js')) as { activate: (context: { subscriptions: unknown[] }) => Promise<void> };
    void extension.activate({ subscriptions: [] });
  } finally {
    loader._load = original;
  }
  if (captured === null) throw new Error('the extension created no LanguageClient');
  return captured;
}

/** What vscode-languageclient's node client adds to an Executable's args for its transport. */
function clientArgs(server: Executable): string[] {
  if (server.transport === transportKind.stdio) return [...server.args, '--stdio'];
  throw new Error(`the extension asks for transport ${server.transport}; this test covers stdio`);
}

const cleanups: (() => void)[] = [];
afterAll(() => { for (const c of cleanups) c(); });

describe('spec lsp launch', () => {
  it('starts from the extension\'s own ServerOptions (stdio) and serves the workspace folder', async () => {
    const server = extensionServerOptions(repoRoot);
    expect(server.transport).toBe(transportKind.stdio);
    expect(server.options.cwd).toBe(repoRoot);
    const child = spawn(server.command, clientArgs(server), { cwd: server.options.cwd, stdio: ['pipe', 'pipe', 'inherit'] });
    const session = new LspSession(createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)), repoRoot, child);
    const init = await session.initialize();
    expect(init.capabilities).toMatchObject({ hoverProvider: true });
    const path = 'spec/cr/cpm-cr-ft-release.cr';
    const text = readFileSync(join(repoRoot, path), 'utf8');
    await session.open(path, text.replace('do send-bye', 'do send-by'));
    const diagnostics = await session.diagnostics(path, (d) => d.length > 0);
    expect(diagnostics.map((d) => d.code)).toContain('unknown-action');
    expect(await session.close()).toBe(0);
  });

  it('connects to the editor\'s port with --socket=N', async () => {
    const scratch = scratchSpec('lsp-socket');
    cleanups.push(scratch.remove);
    const listener = createServer();
    const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    const child = spawn(process.execPath, [cliEntry().bin, 'spec', 'lsp', `--socket=${port}`], { cwd: scratch.root, stdio: ['ignore', 'inherit', 'inherit'] });
    const socket = await accepted;
    const session = new LspSession(createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket)), scratch.root, child);
    await session.initialize();
    const path = 'spec/cr/cpm-cr-ft-release.cr';
    const text = readFileSync(join(scratch.root, path), 'utf8');
    await session.open(path, text);
    const hover = await session.hover(path, positionOf(text, 'do send-bye', 4));
    expect(hover?.contents.value).toContain('**action** `send-bye`');
    expect(await session.close()).toBe(0);
    listener.close();
  });

  it('talks over the parent\'s IPC channel with --node-ipc', async () => {
    const scratch = scratchSpec('lsp-ipc');
    cleanups.push(scratch.remove);
    const child = spawn(process.execPath, [cliEntry().bin, 'spec', 'lsp', '--node-ipc'], { cwd: scratch.root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const session = new LspSession(createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)), scratch.root, child);
    await session.initialize();
    const path = 'spec/cr/cpm-cr-ft-release.cr';
    const text = readFileSync(join(scratch.root, path), 'utf8');
    await session.open(path, text.replace('do send-bye', 'do send-by'));
    expect((await session.diagnostics(path, (d) => d.length > 0)).map((d) => d.code)).toContain('unknown-action');
    expect(await session.close()).toBe(0);
  });

  it('exits when the editor process named by --clientProcessId is gone', async () => {
    const editor = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
    const server = spawn(process.execPath, [cliEntry().bin, 'spec', 'lsp', '--stdio', `--clientProcessId=${editor.pid}`], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    // Still serving while the editor lives.
    const session = new LspSession(createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!)), repoRoot, null);
    await session.initialize();
    expect(server.exitCode).toBeNull();
    editor.kill('SIGKILL');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20000));
    expect(await Promise.race([exited, timeout])).toBe(1);
    session.connection.dispose();
  }, 60000);

  it('refuses unknown and malformed flags with a usage error', async () => {
    for (const [args, message] of [
      [['--bogus'], "unknown argument '--bogus'"],
      [['--socket=abc'], "--socket needs a port number 1-65535, got 'abc'"],
      [['--stdio', '--node-ipc'], 'choose one transport'],
      [['--clientProcessId'], '--clientProcessId needs a value'],
    ] as const) {
      const outcome = await runCommand(run, ['lsp', ...args], repoRoot);
      expect(outcome.code, args.join(' ')).toBe(2);
      expect(outcome.stderr).toContain(message);
    }
  });
});
