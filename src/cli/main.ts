// cpm-ft command dispatcher. Each command lives in its own module under ./commands and is loaded
// only when used, so `cpm-ft spec check` never pays for the SIP stack and vice versa.
// Exit codes: 0 success, 1 failure of the operation, 2 usage error.
import { readPackageInfo } from './package-info.ts';
import { IMAGE_LIBRARY_PACKAGE } from '../icons/image-library.ts';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export type CommandRunner = (args: string[], io: CliIo) => Promise<number>;

/**
 * `toolchain`: the command runs the spec toolchain (peggy, ajv, handlebars, ts-morph), which the
 * package declares as optional peer dependencies (trace reads generated/trace.json with shipped code
 * only); `repository`: it needs files only a clone has (bench/ is not shipped).
 */
interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<{ run: CommandRunner }>;
  readonly needs?: 'toolchain' | 'repository';
}

const commands: Record<string, CommandEntry> = {
  spec: { summary: 'spec check [FILES] | spec diff — validate the rule spec, show what each CR changed', load: () => import('./commands/spec.ts'), needs: 'toolchain' },
  generate: { summary: 'generate [--check] [--verbose] — emit generated/ from spec/', load: () => import('./commands/generate.ts'), needs: 'toolchain' },
  trace: { summary: 'trace --format json|md|html [--out FILE] [--strict] — clause → rule → code → test', load: () => import('./commands/trace.ts') },
  send: { summary: 'send --from URI --to URI [options] FILE... — send files', load: () => import('./commands/send.ts') },
  receive: { summary: 'receive --sip HOST:PORT --dir DIR [options] — receive files', load: () => import('./commands/receive.ts') },
  pull: { summary: 'pull --from URI --selector SELECTOR --dir DIR — fetch one file by its RFC 5547 selector', load: () => import('./commands/pull.ts') },
  serve: { summary: 'serve --sip HOST:PORT --dir DIR — answer RFC 5547 pulls from a folder', load: () => import('./commands/serve.ts') },
  demo: { summary: 'demo — loopback transfer with an embedded receiver', load: () => import('./commands/demo.ts') },
  focus: { summary: 'focus --sip HOST:PORT --groups FILE — minimal group focus', load: () => import('./commands/focus.ts') },
  deploy: { summary: 'deploy [--focus N] [--receivers M] — Kamailio dispatcher in front of focus and receiver processes on loopback', load: () => import('./commands/deploy.ts'), needs: 'repository' },
  bench: { summary: 'bench [--size BYTES] [--json] — throughput, memory and rate figures', load: () => import('./commands/bench.ts'), needs: 'repository' },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `usage: cpm-ft <command> [options]\n       cpm-ft --version\n\ncommands:\n${lines.join('\n')}\n`;
}

/**
 * The toolchain peers that cannot be resolved from where the CLI is installed. sharp is an optional
 * peer too, but of `send` (automatic icons), never needed by the spec commands.
 */
function missingToolchain(peers: Readonly<Record<string, string>>): string[] {
  return Object.entries(peers).filter(([name]) => name !== IMAGE_LIBRARY_PACKAGE).filter(([name]) => {
    try {
      import.meta.resolve(name);
      return false;
    } catch {
      return true;
    }
  }).map(([name, range]) => `${name}@${range}`);
}

/** One line saying why a command could not load, and what to do about it. */
function loadFailure(name: string, command: CommandEntry, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const notFound = (error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND';
  if (notFound && command.needs === 'toolchain') {
    const missing = missingToolchain(readPackageInfo().peerDependencies);
    if (missing.length > 0) return `cpm-ft ${name}: needs the spec toolchain, which is not installed; run: npm install --save-dev ${missing.join(' ')}\n`;
  }
  if (notFound && command.needs === 'repository') return `cpm-ft ${name}: runs only in a clone of the cpm-ft repository (its files are not in the package): ${message}\n`;
  return `cpm-ft: command '${name}' is not available: ${message}\n`;
}

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${readPackageInfo().version}\n`);
    return 0;
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
    io.stderr.write(loadFailure(name, command, error));
    return 1;
  }
  return module.run(rest, io);
}
