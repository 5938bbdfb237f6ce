// hashCacheDir between two real clients: the sender offers the SHA-1 an earlier process stored
// without hashing the file; a forged entry only makes the receiver refuse the file (its own hash
// differs), after which the entry is gone, the next send hashes, succeeds and stores the true one.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stat } from 'node:fs/promises';
import { FileHashStore } from '../../runtime/index.ts';
import { createClient, type CpmClient } from '../../src/index.ts';

let root: string;
const clients: CpmClient[] = [];
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'cpm-ft-hash-cache-')); });
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  rmSync(root, { recursive: true, force: true });
});

async function client(name: string, hashCacheDir?: string): Promise<CpmClient> {
  const c = await createClient({
    localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, autoIcons: false,
    ...(hashCacheDir !== undefined ? { hashCacheDir } : {}),
  });
  clients.push(c);
  return c;
}
const to = (c: CpmClient) => ({ kind: 'one-recipient' as const, uri: `sip:bob@127.0.0.1:${c.sipAddress.port};transport=tcp` });

describe('hashCacheDir', () => {
  it('a forged entry fails one send with the receiver\'s refusal, is dropped, and the next send succeeds', async () => {
    const cache = join(root, 'cache');
    const inbox = join(root, 'in');
    mkdirSync(inbox);
    const path = join(root, 'big.bin');
    writeFileSync(path, randomBytes(1536 * 1024));
    // Older than the racy window, so its hash is stored.
    const past = new Date(Date.now() - 60_000);
    utimesSync(path, past, past);

    const bob = await client('bob');
    bob.receive({ dir: inbox });
    // What an earlier process would have stored, but with a wrong digest of the right form.
    const forged = Array.from({ length: 20 }, () => '00').join(':');
    await new FileHashStore(cache).remember(await stat(path, { bigint: true }), 'sha-1', { algorithm: 'sha-1', digest: forged }, Date.now());
    const entries = (): string[] => readdirSync(cache).filter((n) => n.endsWith('.json'));
    expect(entries()).toHaveLength(1);

    const alice = await client('alice', cache);
    const refused = await alice.send(to(bob), [path]).done;
    expect(refused.ok).toBe(false);
    expect(refused.files[0]?.failure?.status).toBe(400);
    expect(refused.files[0]?.hash).toBe(forged);
    await expect.poll(entries).toEqual([]);

    // Hashed this time, delivered, and the true digest stored for the next process.
    const again = await alice.send(to(bob), [path]).done;
    expect(again.ok).toBe(true);
    expect(again.files[0]?.hash).not.toBe(forged);
    const [entry] = entries();
    expect(JSON.parse(readFileSync(join(cache, entry as string), 'utf8')).digest).toBe(again.files[0]?.hash);
    expect(readdirSync(inbox).filter((n) => n.startsWith('big'))).toHaveLength(1);
  }, 30_000);
});
