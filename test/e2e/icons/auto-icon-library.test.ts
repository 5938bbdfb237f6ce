// Automatic RFC 5547 §6 file icons between two library clients: image files sent without an icon get
// a thumbnail made with sharp (the optional peer), the receiver's 'icon' event hands it over, and the
// file itself always arrives byte-identical, whether the thumbnail worked (real images, made here with
// sharp), could not be made (corrupt image, decompression bomb) or sharp is missing (loader seam).
import { deflateSync } from 'node:zlib';
import { crc32 } from 'node:zlib';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type ClientExtraOptions } from '../../../src/client.ts';
import type { ClientOptions, CpmClient, IncomingTransferEvents, LogEvent } from '../../../src/client-types.ts';
import type { ImageLibraryLoader } from '../../../src/icons/image-library.ts';
import { sha1Of, tempDir, writeTestFile } from '../transfer-harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function dir(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}
async function client(name: string, extra: Partial<ClientOptions & ClientExtraOptions> = {}): Promise<CpmClient> {
  const c = await createClient({ localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, ...extra });
  cleanups.push(() => c.close());
  return c;
}

/** A receiver collecting icon events, and a function sending files to it. */
async function pair(senderExtra: Partial<ClientOptions & ClientExtraOptions> = {}) {
  const inbox = await dir('auto-icon-in');
  const bob = await client('bob');
  const icons: Array<IncomingTransferEvents['icon']> = [];
  bob.on('icon', (i) => icons.push(i));
  bob.receive({ dir: inbox });
  const notices: LogEvent[] = [];
  const alice = await client('alice', { onNotice: (e) => notices.push(e), ...senderExtra });
  const send = (files: Parameters<CpmClient['send']>[1]) =>
    alice.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${bob.sipAddress.port};transport=tcp` }, files).done;
  return { inbox, icons, notices, send };
}

/** A noisy photo-like JPEG, 1600x1200 stored, tagged EXIF Orientation 6 (shown rotated: 1200x1600). */
async function rotatedPhoto(): Promise<Buffer> {
  const raw = Buffer.alloc(1600 * 1200 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
  return sharp(raw, { raw: { width: 1600, height: 1200, channels: 3 } }).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer();
}

/** A PNG whose header claims 30000x30000 pixels (900 MP) in a few hundred bytes: a decompression bomb. */
function bombPng(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(30_000, 0);
  ihdr.writeUInt32BE(30_000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(30_001 * 4))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('automatic file icons (sharp)', () => {
  it('a JPEG photo gets an upright JPEG thumbnail of at most 128 px; a PNG with alpha a PNG one; the files arrive intact', async () => {
    const out = await dir('auto-icon-out');
    await writeFile(join(out, 'photo.jpg'), await rotatedPhoto());
    const logo = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 90, b: 200, alpha: 0.5 } } }).png().toBuffer();
    await writeFile(join(out, 'logo.png'), logo);
    await writeTestFile(join(out, 'data.bin'), 4000);
    const { inbox, icons, notices, send } = await pair();
    const summary = await send([join(out, 'photo.jpg'), join(out, 'logo.png'), join(out, 'data.bin')]);
    expect(summary.ok).toBe(true);
    for (const name of ['photo.jpg', 'logo.png', 'data.bin']) expect(await sha1Of(join(inbox, name)), name).toBe(await sha1Of(join(out, name)));
    expect(icons.map((i) => [i.name, i.type]).sort()).toEqual([['logo.png', 'image/png'], ['photo.jpg', 'image/jpeg']]);
    const photo = icons.find((i) => i.name === 'photo.jpg');
    const photoMeta = await sharp(photo?.bytes).metadata();
    // Orientation 6 honoured: the 1600x1200 landscape pixels are shown as a portrait 96x128 picture,
    // and the thumbnail carries no EXIF orientation of its own (nor other metadata).
    expect([photoMeta.width, photoMeta.height]).toEqual([96, 128]);
    expect(photoMeta.orientation).toBeUndefined();
    expect(photo?.bytes.length).toBeLessThanOrEqual(32 * 1024);
    const logoMeta = await sharp(icons.find((i) => i.name === 'logo.png')?.bytes).metadata();
    expect([logoMeta.width, logoMeta.height, logoMeta.hasAlpha]).toEqual([128, 85, true]);
    expect(notices.filter((n) => n['event'] === 'auto-icon').map((n) => String(n['path']).split('/').pop()).sort()).toEqual(['logo.png', 'photo.jpg']);
  });

  it('a corrupt image and a decompression bomb get no icon, and both files still arrive', async () => {
    const out = await dir('auto-icon-bad');
    const photo = await rotatedPhoto();
    await writeFile(join(out, 'cut.jpg'), photo.subarray(0, Math.floor(photo.length / 3)));
    await writeFile(join(out, 'bomb.png'), bombPng());
    await writeFile(join(out, 'text.gif'), 'GIF89a but not really');
    const { inbox, icons, notices, send } = await pair();
    const summary = await send([join(out, 'cut.jpg'), join(out, 'bomb.png'), join(out, 'text.gif')]);
    expect(summary.ok).toBe(true);
    for (const name of ['cut.jpg', 'bomb.png', 'text.gif']) expect(await sha1Of(join(inbox, name)), name).toBe(await sha1Of(join(out, name)));
    expect(icons).toEqual([]);
    const skipped = new Map(notices.filter((n) => n['event'] === 'auto-icon-skipped').map((n) => [String(n['path']).split('/').pop(), String(n['message'])]));
    expect([...skipped.keys()].sort()).toEqual(['bomb.png', 'cut.jpg', 'text.gif']);
    expect(skipped.get('bomb.png')).toMatch(/30000x30000 pixels|pixel limit/);
  });

  it('without sharp (loader seam) images go without icons and one note says why; the loader runs once', async () => {
    const out = await dir('auto-icon-absent');
    const logo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#0a0' } }).png().toBuffer();
    await writeFile(join(out, 'a.png'), logo);
    await writeFile(join(out, 'b.png'), logo);
    let loads = 0;
    const missing: ImageLibraryLoader = async () => { loads++; return { ok: false, reason: 'sharp is not installed (npm install sharp)' }; };
    const { inbox, icons, notices, send } = await pair({ loadImageLibrary: missing });
    const summary = await send([join(out, 'a.png'), join(out, 'b.png')]);
    expect(summary.ok).toBe(true);
    expect(await sha1Of(join(inbox, 'b.png'))).toBe(await sha1Of(join(out, 'b.png')));
    expect(icons).toEqual([]);
    expect(loads).toBe(1);
    expect(notices.filter((n) => n['event'] === 'auto-icon-unavailable').map((n) => n['message'])).toEqual(['no automatic file icons: sharp is not installed (npm install sharp)']);
  });

  it('autoIcons: false, a file\'s icon: false, an explicit icon and a non-image file never load the image library', async () => {
    const out = await dir('auto-icon-off');
    const logo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#a00' } }).png().toBuffer();
    await writeFile(join(out, 'a.png'), logo);
    await writeTestFile(join(out, 'plain.txt'), 100);
    await writeTestFile(join(out, 'given.jpg'), 100);
    let loads = 0;
    const counting: ImageLibraryLoader = async () => { loads++; return { ok: false, reason: 'counted' }; };
    const off = await pair({ loadImageLibrary: counting, autoIcons: false });
    expect((await off.send([join(out, 'a.png')])).ok).toBe(true);
    const perFile = await pair({ loadImageLibrary: counting });
    expect((await perFile.send([{ path: join(out, 'a.png'), icon: false }, join(out, 'plain.txt'), { path: join(out, 'given.jpg'), icon: { type: 'image/png', bytes: logo } }])).ok).toBe(true);
    expect(loads).toBe(0);
    expect(off.icons).toEqual([]);
    expect(perFile.icons.map((i) => [i.name, i.bytes.equals(logo)])).toEqual([['given.jpg', true]]);
  });
});
