// RFC 5547 pull between two library clients on loopback: one serves a folder, the other asks for a
// file by its selector. Byte-identical arrival, port-0 "not found", and every refusal the server
// makes (size, type and hash mismatch, traversal, hidden and symlinked names).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '../../../src/client.ts';
import type { CpmClient, LogEvent, PullSelector, ServeRequestEvent } from '../../../src/client-types.ts';
import { hashFile } from '../../../runtime/index.ts';
import { sha1Of, tempDir, writeTestFile } from '../transfer-harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function dir(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

async function client(name: string, transport: 'udp' | 'tcp', logs: LogEvent[] = []): Promise<CpmClient> {
  const c = await createClient({ localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport }, log: (e) => logs.push(e) });
  cleanups.push(() => c.close());
  return c;
}

interface World { readonly served: string; readonly inbox: string; readonly puller: CpmClient; readonly target: string; readonly requests: ServeRequestEvent[]; readonly logs: LogEvent[] }

async function world(transport: 'udp' | 'tcp' = 'tcp'): Promise<World> {
  const served = await dir('served');
  const inbox = await dir('pulled');
  const logs: LogEvent[] = [];
  const server = await client('bob', transport, logs);
  const requests: ServeRequestEvent[] = [];
  server.serve({ dir: served, onRequest: (r) => requests.push(r) });
  const puller = await client('alice', transport);
  const { port } = server.sipAddress;
  return { served, inbox, puller, target: `sip:bob@127.0.0.1:${port}${transport === 'tcp' ? ';transport=tcp' : ''}`, requests, logs };
}

describe.each(['udp', 'tcp'] as const)('RFC 5547 pull over %s', (transport) => {
  it('pulls a file by name, size and SHA-1: byte-identical, published under its name', async () => {
    const w = await world(transport);
    await writeTestFile(join(w.served, 'report.bin'), 300_000);
    const hash = await hashFile(join(w.served, 'report.bin'));
    const result = await w.puller.pull({ from: w.target, dir: w.inbox, selector: { name: 'report.bin', size: 300_000, hash } });
    expect(result).toMatchObject({ ok: true, size: 300_000, hash: hash.digest });
    expect(await readdir(w.inbox)).toEqual(['report.bin']);
    expect(await sha1Of(join(w.inbox, 'report.bin'))).toBe(await sha1Of(join(w.served, 'report.bin')));
    expect(w.requests).toEqual([expect.objectContaining({ served: true, path: expect.stringMatching(/report\.bin$/) })]);
  });
});

describe('RFC 5547 pull: what the server refuses', () => {
  const notFound = async (w: World, selector: PullSelector): Promise<string> => {
    const result = await w.puller.pull({ from: w.target, dir: w.inbox, selector, timeoutMs: 10_000 });
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error('unreachable');
    expect(result.reason).toBe('not-found');
    expect(result.message).toMatch(/^not found: no file matching /);
    // Nothing is left in the puller's folder, not even a temporary part.
    expect(await readdir(w.inbox)).toEqual([]);
    return w.requests.at(-1)?.reason ?? '';
  };

  it('unknown name, wrong size, wrong type and wrong hash are each port 0 with the reason logged', async () => {
    const w = await world();
    await writeFile(join(w.served, 'a.txt'), 'hello pull\n');
    const good = await hashFile(join(w.served, 'a.txt'));
    const other = { algorithm: 'sha-1', digest: good.digest.replace(/^../, good.digest.startsWith('00') ? '01' : '00') };
    expect(await notFound(w, { name: 'missing.txt' })).toMatch(/no file "missing\.txt"/);
    expect(await notFound(w, { name: 'a.txt', size: 999 })).toMatch(/has 11 bytes, the selector asks for 999/);
    expect(await notFound(w, { name: 'a.txt', type: 'image/png' })).toMatch(/is text\/plain, the selector asks for image\/png/);
    expect(await notFound(w, { name: 'a.txt', hash: other })).toMatch(/another SHA-1/);
    // The same file with every part right is served.
    const ok = await w.puller.pull({ from: w.target, dir: w.inbox, selector: { name: 'a.txt', size: 11, type: 'text/plain', hash: good } });
    expect(ok.ok).toBe(true);
  });

  it('traversal, absolute, NUL, hidden and symlinked names are refused and nothing outside the folder is served', async () => {
    const w = await world();
    const outside = await dir('outside');
    await writeFile(join(outside, 'secret.txt'), 'secret');
    await mkdir(join(w.served, 'sub'));
    await writeFile(join(w.served, 'sub', 'inner.txt'), 'inner');
    await writeFile(join(w.served, '.hidden'), 'hidden');
    await symlink(join(outside, 'secret.txt'), join(w.served, 'link.txt'));
    for (const name of ['../secret.txt', `${outside}/secret.txt`, 'sub/inner.txt', 'sub\\inner.txt', 'a\u0000b', '..', '.hidden']) {
      expect(await notFound(w, { name })).toMatch(/refused name|hidden/);
    }
    expect(await notFound(w, { name: 'link.txt' })).toMatch(/symbolic link/);
    expect(await notFound(w, { name: 'sub' })).toMatch(/not a regular file/);
  });
});
