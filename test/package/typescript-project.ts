// A strict TypeScript user project of the package test: a typed use of the library and both subpath
// exports that must compile clean, and a misuse that must not. It lives next to node_modules/cpm-ft
// (installed from the tarball), so the compiler sees exactly the shipped .d.ts files, under the
// settings that catch sloppy declarations: strict, exactOptionalPropertyTypes, skipLibCheck false.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TypeScriptProblem {
  /** Path relative to the project dir (node_modules/... for a problem inside a declaration file). */
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

const goodUse = `import { createClient, fileTransferProcedures, type ClientOptions, type CpmClient, type LogEvent, type OfferedFile, type TransferSummary } from 'cpm-ft';
import { CpmError, type Destination } from 'cpm-ft/runtime';
import { createScriptedPeer, type ConformanceScenario } from 'cpm-ft/runtime/testing';

const events: LogEvent[] = [];
const options: ClientOptions = {
  localUri: 'sip:alice@127.0.0.1',
  sip: { host: '127.0.0.1', port: 0, transport: 'tcp' },
  chunkSize: 64 * 1024,
  limits: { maxSessions: 8 },
  log: (event) => { events.push(event); },
};

export async function sendOne(path: string, to: Destination): Promise<TransferSummary> {
  const client: CpmClient = await createClient(options);
  try {
    const transfer = client.send(to, [path]);
    transfer.on('progress', ({ file, sent, total }) => { events.push({ kind: 'file', file, share: sent / total }); });
    const summary = await transfer.done;
    for (const file of summary.files) if (!file.ok) console.error(file.name, file.failure?.message ?? 'failed');
    return summary;
  } finally {
    await client.close();
  }
}

export function receiveSmall(client: CpmClient, dir: string): void {
  client.receive({ dir, maxSize: 1024, accept: (offer: OfferedFile) => (offer.size ?? 0) <= 1024 });
  client.on('file-received', ({ path, hash, size }) => { console.log(path, hash, size.toFixed(0)); });
}

export const procedures = fileTransferProcedures;
export const isCpmError = (error: unknown): error is CpmError => error instanceof CpmError;
export type Scenario = ConformanceScenario;
export const scriptedPeer: typeof createScriptedPeer = createScriptedPeer;
export const oneRecipient: Destination = { kind: 'one-recipient', uri: 'sip:bob@127.0.0.1:5070;transport=tcp' };
`;

// Line 6: a transport the API does not have. Line 8: an explicit undefined for an optional field,
// which only exactOptionalPropertyTypes rejects (proof the setting is in force).
const misuse = `import { createClient } from 'cpm-ft';

export async function misuse(): Promise<void> {
  const client = await createClient({
    localUri: 'sip:alice@127.0.0.1',
    sip: { host: '127.0.0.1', port: 0, transport: 'sctp' },
  });
  client.receive({ dir: 'inbox', maxSize: undefined });
}
`;

export interface TypeScriptProjectOptions {
  readonly dir: string;
  readonly resolution: 'NodeNext' | 'Bundler';
  /** Path of the repository's own typescript/bin/tsc. */
  readonly typescript: string;
  readonly run: (args: readonly string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Writes the project into `dir`, compiles it and returns every problem tsc reported. */
export async function typeScriptProject(options: TypeScriptProjectOptions): Promise<TypeScriptProblem[]> {
  const module = options.resolution === 'NodeNext' ? 'NodeNext' : 'Preserve';
  const compilerOptions = {
    target: 'ES2022', lib: ['ES2023'], module, moduleResolution: options.resolution, types: ['node'],
    strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true,
  };
  writeFileSync(join(options.dir, 'package.json'), JSON.stringify({ name: 'types-user', private: true, type: 'module' }));
  writeFileSync(join(options.dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['use.ts', 'misuse.ts'] }, null, 2));
  writeFileSync(join(options.dir, 'use.ts'), goodUse);
  writeFileSync(join(options.dir, 'misuse.ts'), misuse);
  const result = await options.run([options.typescript, '-p', 'tsconfig.json', '--pretty', 'false']);
  const problems: TypeScriptProblem[] = [];
  for (const match of result.stdout.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)) {
    problems.push({ file: match[1] ?? '', line: Number(match[2]), code: match[3] ?? '', message: match[4] ?? '' });
  }
  // A failure tsc reports some other way (bad config, crash) must not pass as "no problems".
  if (result.code !== 0 && problems.length === 0) throw new Error(`tsc exited ${result.code} without a problem list\n${result.stdout}${result.stderr}`);
  return problems;
}
