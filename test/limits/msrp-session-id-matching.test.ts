// RFC 6714 (CEMA) style MSRP session matching (ClientOptions.msrpMatchSessionIdOnly): a peer whose
// From-Path differs from its SDP a=path in host and port (an SBC rewrote the path) is refused by
// strict RFC 4975 §7.3 matching (403) and accepted by session-id matching, the file arriving.

import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import { answeredPath, fileOffer, newSid, rawOfferer } from './raw-offerer.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Reads from the socket until a complete MSRP response for `tid` arrived; returns its status. */
function responseStatus(socket: Socket, tid: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (data: Buffer): void => {
      text += data.toString('latin1');
      const match = new RegExp(`MSRP ${tid} (\\d{3})[^\\r]*\\r\\n[\\s\\S]*?-------${tid}\\$\\r\\n`).exec(text);
      if (match?.[1] !== undefined) { socket.off('data', onData); resolve(Number(match[1])); }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`connection closed before the response to ${tid}: ${text}`)));
  });
}

async function transferThroughRewritingSbc(matchSessionIdOnly: boolean): Promise<{ status: number; inbox: string; data: Buffer }> {
  const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-cema-'));
  cleanup.push(() => rm(inbox, { recursive: true, force: true }));
  const bob = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, msrpMatchSessionIdOnly: matchSessionIdOnly });
  cleanup.push(() => bob.close());
  // Passive: the offerer (behind the SBC) opens the MSRP connection.
  bob.receive({ dir: inbox, setup: 'passive' } as Parameters<typeof bob.receive>[0]);
  const alice = await rawOfferer('sip:alice@127.0.0.1');
  cleanup.push(() => alice.close());

  const sid = newSid();
  const data = randomBytes(3000);
  // The a=path the receiver sees (as the SBC wrote it into the SDP)...
  const sdpPath = `msrp://127.0.0.1:9/${sid};tcp`;
  // ...and the From-Path the MSRP requests arrive with: same session id, other host and port.
  const fromPath = `msrp://sbc-media.example.invalid:40000/${sid};tcp`;
  const result = await alice.invite(`sip:bob@127.0.0.1:${bob.sipAddress.port}`, fileOffer({ path: sdpPath, setup: 'actpass', name: 'cema.bin', data }));
  if (result.kind !== 'accepted') throw new Error(`INVITE answered ${result.response.status}`);
  const toPath = answeredPath(result.response.body);
  const target = new URL(toPath.replace(/^msrp:/, 'http:'));

  const socket = connect({ host: target.hostname, port: Number(target.port) });
  cleanup.push(async () => { socket.destroy(); });
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const tid = randomBytes(8).toString('hex');
  const head = [
    `MSRP ${tid} SEND`,
    `To-Path: ${toPath}`,
    `From-Path: ${fromPath}`,
    `Message-ID: ${randomBytes(8).toString('hex')}`,
    `Byte-Range: 1-${data.length}/${data.length}`,
    'Content-Type: application/octet-stream',
    '', '',
  ].join('\r\n');
  const status = responseStatus(socket, tid);
  socket.write(Buffer.concat([Buffer.from(head, 'latin1'), data, Buffer.from(`\r\n-------${tid}$\r\n`, 'latin1')]));
  return { status: await status, inbox, data };
}

describe('MSRP session matching when an SBC rewrites a=path', () => {
  it('strict matching (the default) refuses a From-Path that differs from the SDP a=path with 403', async () => {
    const { status, inbox } = await transferThroughRewritingSbc(false);
    expect(status).toBe(403);
    expect((await readdir(inbox)).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('session-id matching (msrpMatchSessionIdOnly) accepts it and the file arrives intact', async () => {
    const { status, inbox, data } = await transferThroughRewritingSbc(true);
    expect(status).toBe(200);
    // The receiver answers the last chunk only once the file is published (hash checked).
    expect(await readFile(join(inbox, 'cema.bin'))).toEqual(data);
  });
});
