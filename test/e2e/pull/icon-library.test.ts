// RFC 5547 §6 file icons between two library clients on loopback: the sender's INVITE carries the
// icon part, the receiver's 'icon' event hands over the same bytes and type, and the file itself
// arrives byte-identical. A file without an icon gets none; a bad icon fails only its file.
import { afterEach, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '../../../src/client.ts';
import type { CpmClient, IncomingTransferEvents, LogEvent } from '../../../src/client-types.ts';
import { sha1Of, tempDir, writeTestFile } from '../transfer-harness.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function dir(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}
async function client(name: string, logs: LogEvent[] = []): Promise<CpmClient> {
  const c = await createClient({ localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, log: (e) => logs.push(e) });
  cleanups.push(() => c.close());
  return c;
}

describe('RFC 5547 file-icon between two clients', () => {
  it('the icon arrives with its file; a file without one has none; the INVITE is multipart/mixed', async () => {
    const out = await dir('icon-out');
    const inbox = await dir('icon-in');
    await writeTestFile(join(out, 'photo.jpg'), 120_000);
    await writeTestFile(join(out, 'notes.bin'), 5_000);
    await writeFile(join(out, 'thumb.png'), PNG);
    const senderLogs: LogEvent[] = [];
    const bob = await client('bob');
    const icons: Array<IncomingTransferEvents['icon']> = [];
    bob.on('icon', (i) => icons.push(i));
    bob.receive({ dir: inbox });
    const alice = await client('alice', senderLogs);
    const summary = await alice.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${bob.sipAddress.port};transport=tcp` },
      [{ path: join(out, 'photo.jpg'), icon: join(out, 'thumb.png') }, join(out, 'notes.bin')]).done;
    expect(summary.ok).toBe(true);
    expect(await sha1Of(join(inbox, 'photo.jpg'))).toBe(await sha1Of(join(out, 'photo.jpg')));
    expect(icons).toHaveLength(1);
    expect(icons[0]).toMatchObject({ name: 'photo.jpg', type: 'image/png', from: 'sip:alice@127.0.0.1' });
    expect(icons[0]?.bytes.equals(PNG)).toBe(true);
    const invite = senderLogs.find((e) => e.kind === 'sip' && e.direction === 'sent' && e['method'] === 'INVITE' && e['status'] === undefined);
    expect(invite?.['contentType']).toMatch(/^multipart\/mixed;boundary=/);
  });

  it('an icon that is not an image fails that file only, with ERR_FILE_ICON in its message', async () => {
    const out = await dir('icon-bad');
    const inbox = await dir('icon-bad-in');
    await writeTestFile(join(out, 'a.bin'), 1000);
    await writeTestFile(join(out, 'b.bin'), 1000);
    await writeFile(join(out, 'fake.png'), '<svg/>');
    const bob = await client('bob');
    bob.receive({ dir: inbox });
    const alice = await client('alice');
    const summary = await alice.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${bob.sipAddress.port};transport=tcp` },
      [{ path: join(out, 'a.bin'), icon: join(out, 'fake.png') }, join(out, 'b.bin')]).done;
    expect(summary.files.map((f) => [f.name, f.ok])).toEqual(expect.arrayContaining([['b.bin', true]]));
    const a = summary.files.find((f) => f.path.endsWith('a.bin'));
    expect(a?.ok).toBe(false);
    expect(a?.failure?.message).toMatch(/not image\/png, image\/jpeg/);
  });
});
