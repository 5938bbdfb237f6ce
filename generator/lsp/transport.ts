// How an editor connects to `cpm-ft spec lsp`: the transport flags vscode-languageserver servers
// take (`--stdio`, `--node-ipc`, `--socket=N`, `--pipe=NAME`, plus `--clientProcessId=N`), parsed
// from the subcommand's own arguments rather than process.argv so the CLI's parser and tests agree.
import {
  IPCMessageReader,
  IPCMessageWriter,
  createServerPipeTransport,
  createServerSocketTransport,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';

export type LspTransport =
  | { kind: 'stdio' }
  | { kind: 'node-ipc' }
  | { kind: 'socket'; port: number }
  | { kind: 'pipe'; name: string };

export interface LspLaunch {
  transport: LspTransport;
  /** The editor's process, validated here; vscode-languageserver's watchdog exits when it is gone. */
  clientProcessId: number | null;
}

export class LspArgumentError extends Error {
  readonly code = 'ERR_LSP_ARGUMENT';
}

/** Reads `--name=value` or `--name value`; returns the value and how many arguments it used. */
function valueOf(args: readonly string[], i: number, name: string): { value: string; used: number } | null {
  const arg = args[i]!;
  if (arg.startsWith(`${name}=`)) return { value: arg.slice(name.length + 1), used: 1 };
  if (arg === name) {
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) throw new LspArgumentError(`${name} needs a value`);
    return { value: next, used: 2 };
  }
  return null;
}

function portOf(text: string): number {
  const port = Number(text);
  if (!/^[0-9]+$/.test(text) || port < 1 || port > 65535) throw new LspArgumentError(`--socket needs a port number 1-65535, got '${text}'`);
  return port;
}

/** The launch the arguments ask for; no transport flag means stdio. */
export function parseLspArgs(args: readonly string[]): LspLaunch {
  let transport: LspTransport | null = null;
  let clientProcessId: number | null = null;
  const set = (t: LspTransport): void => {
    if (transport !== null) throw new LspArgumentError(`choose one transport (--stdio, --node-ipc, --socket=N or --pipe=NAME), not ${transport.kind} and ${t.kind}`);
    transport = t;
  };
  for (let i = 0; i < args.length; ) {
    const arg = args[i]!;
    if (arg === '--stdio') { set({ kind: 'stdio' }); i++; continue; }
    if (arg === '--node-ipc') { set({ kind: 'node-ipc' }); i++; continue; }
    const socket = valueOf(args, i, '--socket');
    if (socket !== null) { set({ kind: 'socket', port: portOf(socket.value) }); i += socket.used; continue; }
    const pipe = valueOf(args, i, '--pipe');
    if (pipe !== null) { set({ kind: 'pipe', name: pipe.value }); i += pipe.used; continue; }
    const pid = valueOf(args, i, '--clientProcessId');
    if (pid !== null) {
      if (!/^[0-9]+$/.test(pid.value)) throw new LspArgumentError(`--clientProcessId needs a process id, got '${pid.value}'`);
      clientProcessId = Number(pid.value);
      i += pid.used;
      continue;
    }
    throw new LspArgumentError(`unknown argument '${arg}' (spec lsp takes --stdio, --node-ipc, --socket=N, --pipe=NAME, --clientProcessId=N)`);
  }
  return { transport: transport ?? { kind: 'stdio' }, clientProcessId };
}

/** The message reader and writer of a transport. node-ipc needs a process started with an IPC channel. */
export function openTransport(transport: LspTransport): { reader: MessageReader; writer: MessageWriter } | { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } {
  switch (transport.kind) {
    case 'stdio':
      return { input: process.stdin, output: process.stdout };
    case 'node-ipc':
      if (process.send === undefined) throw new LspArgumentError('--node-ipc: this process has no IPC channel (start it with fork or stdio "ipc")');
      return { reader: new IPCMessageReader(process), writer: new IPCMessageWriter(process) };
    case 'socket': {
      const [reader, writer] = createServerSocketTransport(transport.port);
      return { reader, writer };
    }
    case 'pipe': {
      const [reader, writer] = createServerPipeTransport(transport.name);
      return { reader, writer };
    }
  }
}
