// cpm-ft command dispatcher. Each command lives in its own module under ./commands and is loaded
// only when used, so `cpm-ft spec check` never pays for the SIP stack and vice versa.
// Exit codes: 0 success, 1 failure of the operation, 2 usage error.

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export type CommandRunner = (args: string[], io: CliIo) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<{ run: CommandRunner }> }> = {
  spec: { summary: 'spec check [FILES] | spec diff — validate the rule spec, show what each CR changed', load: () => import('./commands/spec.ts') },
  generate: { summary: 'generate [--check] [--verbose] — emit generated/ from spec/', load: () => import('./commands/generate.ts') },
  trace: { summary: 'trace --format json|md|html [--out FILE] [--strict] — clause → rule → code → test', load: () => import('./commands/trace.ts') },
  send: { summary: 'send --from URI --to URI [options] FILE... — send files', load: () => import('./commands/send.ts') },
  receive: { summary: 'receive --sip HOST:PORT --dir DIR [options] — receive files', load: () => import('./commands/receive.ts') },
  pull: { summary: 'pull --from URI --selector SELECTOR --dir DIR — fetch one file by its RFC 5547 selector', load: () => import('./commands/pull.ts') },
  serve: { summary: 'serve --sip HOST:PORT --dir DIR — answer RFC 5547 pulls from a folder', load: () => import('./commands/serve.ts') },
  demo: { summary: 'demo — loopback transfer with an embedded receiver', load: () => import('./commands/demo.ts') },
  focus: { summary: 'focus --sip HOST:PORT --groups FILE — minimal group focus', load: () => import('./commands/focus.ts') },
  bench: { summary: 'bench [--size BYTES] [--json] — throughput, memory and rate figures', load: () => import('./commands/bench.ts') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `usage: cpm-ft <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    io.stderr.write(`cpm-ft: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  let module: { run: CommandRunner };
  try {
    module = await command.load();
  } catch (error) {
    io.stderr.write(`cpm-ft: command '${name}' is not available: ${(error as Error).message}\n`);
    return 1;
  }
  return module.run(rest, io);
}
