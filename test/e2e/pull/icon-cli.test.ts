// RFC 5547 §6 file icons between two cpm-ft processes: `send --icon` and `receive --icons DIR`.
// The icon saved by the receiver is byte-identical to the one sent, named after the file, inside DIR.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killTrackedChildren, stopChild } from '../../helpers/child-process-registry.ts';
import { cliExitCode, runCli, type CliRun } from '../../helpers/cli-process.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const root = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-icon-'));
afterEach(killTrackedChildren);
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cli = (args: string[]): CliRun => runCli(args, { cwd: root, env: { XDG_STATE_HOME: join(root, 'xdg') } });
const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

describe('cpm-ft send --icon to cpm-ft receive --icons', () => {
  it('the file and its icon arrive byte-identical; a bad --icon is a usage error', async () => {
    const inbox = join(root, 'inbox');
    const icons = join(root, 'icons');
    mkdirSync(join(root, 'out'));
    const photo = randomBytes(300_000);
    writeFileSync(join(root, 'out', 'photo.jpg'), photo);
    writeFileSync(join(root, 'out', 'thumb.png'), PNG);
    writeFileSync(join(root, 'out', 'fake.png'), 'not an image');
    const receiver = cli(['receive', '--sip', '127.0.0.1:0', '--dir', inbox, '--icons', icons, '--transport', 'tcp', '--once']);
    const deadline = Date.now() + 20_000;
    let port = 0;
    while (port === 0) {
      const m = /listening on sip:127\.0\.0\.1:(\d+);transport=tcp/.exec(receiver.out());
      if (m !== null) port = Number(m[1]);
      else if (Date.now() > deadline) throw new Error(`receiver did not start: ${receiver.err()}`);
      else await new Promise((r) => setTimeout(r, 20));
    }
    const to = `sip:bob@127.0.0.1:${port};transport=tcp`;
    const bad = cli(['send', '--from', 'sip:alice@127.0.0.1', '--to', to, '--transport', 'tcp', '--icon', 'out/fake.png', 'out/photo.jpg']);
    expect(await cliExitCode(bad, 20_000)).toBe(2);
    expect(bad.err()).toMatch(/bad --icon for 'out\/photo\.jpg': the icon is not image\/png/);
    const send = cli(['send', '--from', 'sip:alice@127.0.0.1', '--to', to, '--transport', 'tcp', '--icon', 'out/thumb.png', 'out/photo.jpg']);
    expect(await cliExitCode(send, 40_000), send.err()).toBe(0);
    expect(await cliExitCode(receiver, 20_000), receiver.err()).toBe(0);
    await stopChild(receiver.child, 'SIGTERM');
    expect(sha1(readFileSync(join(inbox, 'photo.jpg')))).toBe(sha1(photo));
    expect(readdirSync(icons)).toEqual(['photo.jpg.icon.png']);
    expect(readFileSync(join(icons, 'photo.jpg.icon.png')).equals(PNG)).toBe(true);
    expect(receiver.out()).toMatch(/^icon image\/png 70 bytes for "photo\.jpg" -> .*photo\.jpg\.icon\.png$/m);
  });
});
