// The client loads sharp only when an image is about to be offered without an icon of its own: a
// child process (TypeScript through tsx, from the repository) runs the client with a module resolve hook that records every bare specifier it
// resolves, sends a text file (sharp must not be resolved), then a PNG (now it must be).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'cpm-ft-sharp-on-use-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hooks = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:')) appendFileSync(log, specifier + '\\n');
  return next(specifier, context);
}
`;

const script = (log: string): string => `
import { register } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
register(${JSON.stringify(pathToFileURL(join(work, 'hooks.mjs')).href)}, { data: { log: ${JSON.stringify(log)} } });
const { createClient } = await import(${JSON.stringify(pathToFileURL(join(root, 'src/client.ts')).href)});
const dir = ${JSON.stringify(work)};
mkdirSync(dir + '/inbox', { recursive: true });
writeFileSync(dir + '/notes.txt', 'hello');
// 1x1 PNG
writeFileSync(dir + '/dot.png', Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));
const bob = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' } });
bob.receive({ dir: dir + '/inbox' });
const alice = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' } });
const to = { kind: 'one-recipient', uri: 'sip:bob@127.0.0.1:' + bob.sipAddress.port + ';transport=tcp' };
const first = await alice.send(to, [dir + '/notes.txt']).done;
const afterText = readFileSync(${JSON.stringify(log)}, 'utf8').split('\\n').includes('sharp');
const second = await alice.send(to, [dir + '/dot.png']).done;
const afterImage = readFileSync(${JSON.stringify(log)}, 'utf8').split('\\n').includes('sharp');
await alice.close(); await bob.close();
console.log(JSON.stringify({ first: first.ok, second: second.ok, afterText, afterImage }));
`;

describe('sharp is loaded on use only', () => {
  it('sending a text file does not resolve sharp; sending a PNG does', async () => {
    const log = join(work, 'resolved.log');
    writeFileSync(log, '');
    writeFileSync(join(work, 'hooks.mjs'), hooks);
    writeFileSync(join(work, 'probe.mjs'), script(log));
    const child = spawn(process.execPath, ['--import', 'tsx', join(work, 'probe.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code, err).toBe(0);
    expect(JSON.parse(out.trim().split('\n').at(-1) ?? '{}')).toEqual({ first: true, second: true, afterText: false, afterImage: true });
    // The hook really saw bare imports (sanity: the probe is not vacuous).
    expect(readFileSync(log, 'utf8').length).toBeGreaterThan(0);
  }, 60_000);
});
