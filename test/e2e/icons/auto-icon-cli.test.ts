// Automatic file icons between two cpm-ft processes: `send photo.jpg` (a real JPEG made here with
// sharp) without --icon reaches `receive --icons DIR` with a thumbnail the receiver saves; with
// --no-icon nothing is sent or saved. The photo itself arrives byte-identical both times.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killTrackedChildren, stopChild } from '../../helpers/child-process-registry.ts';
import { cliExitCode, runCli, type CliRun } from '../../helpers/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-auto-icon-'));
afterEach(killTrackedChildren);
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cli = (args: string[]): CliRun => runCli(args, { cwd: root, env: { XDG_STATE_HOME: join(root, 'xdg') } });
const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

async function receiver(inbox: string, icons: string): Promise<{ run: CliRun; to: string }> {
  const run = cli(['receive', '--sip', '127.0.0.1:0', '--dir', inbox, '--icons', icons, '--transport', 'tcp', '--once']);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const m = /listening on sip:127\.0\.0\.1:(\d+);transport=tcp/.exec(run.out());
    if (m !== null) return { run, to: `sip:bob@127.0.0.1:${m[1]};transport=tcp` };
    if (Date.now() > deadline) throw new Error(`receiver did not start: ${run.err()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('cpm-ft send: automatic thumbnails for images', () => {
  it('a JPEG gets a thumbnail the receiver saves; --no-icon sends none', async () => {
    mkdirSync(join(root, 'out'));
    const photo = await sharp({ create: { width: 900, height: 600, channels: 3, background: { r: 200, g: 120, b: 30 } } }).jpeg().toBuffer();
    writeFileSync(join(root, 'out', 'holiday.jpg'), photo);

    const first = await receiver(join(root, 'inbox1'), join(root, 'icons1'));
    const send = cli(['send', '--from', 'sip:alice@127.0.0.1', '--to', first.to, '--transport', 'tcp', 'out/holiday.jpg']);
    expect(await cliExitCode(send, 40_000), send.err()).toBe(0);
    expect(await cliExitCode(first.run, 20_000), first.run.err()).toBe(0);
    await stopChild(first.run.child, 'SIGTERM');
    expect(sha1(readFileSync(join(root, 'inbox1', 'holiday.jpg')))).toBe(sha1(photo));
    expect(readdirSync(join(root, 'icons1'))).toEqual(['holiday.jpg.icon.jpg']);
    const meta = await sharp(readFileSync(join(root, 'icons1', 'holiday.jpg.icon.jpg'))).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 128, 85]);
    expect(first.run.out()).toMatch(/^icon image\/jpeg \d+ bytes for "holiday\.jpg" -> .*holiday\.jpg\.icon\.jpg$/m);

    const second = await receiver(join(root, 'inbox2'), join(root, 'icons2'));
    const plain = cli(['send', '--from', 'sip:alice@127.0.0.1', '--to', second.to, '--transport', 'tcp', '--no-icon', 'out/holiday.jpg']);
    expect(await cliExitCode(plain, 40_000), plain.err()).toBe(0);
    expect(await cliExitCode(second.run, 20_000), second.run.err()).toBe(0);
    await stopChild(second.run.child, 'SIGTERM');
    expect(sha1(readFileSync(join(root, 'inbox2', 'holiday.jpg')))).toBe(sha1(photo));
    expect(readdirSync(join(root, 'icons2'))).toEqual([]);
  });
});
