// ClientOptions.limits reaches the parsers: the SIP transport refuses a message beyond
// sipMaxMessageBytes (513) and sipMaxHeaders, the MSRP endpoint a header line beyond
// msrpMaxHeaderLine (400 and the connection closed); bad values are refused at createClient.

import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, inspectClient } from '../../src/client.ts';
import type { ClientLimits, CpmClient, LogEvent } from '../../src/client-types.ts';
import { fileOffer, newSid, rawOfferer } from './raw-offerer.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function receiver(limits?: ClientLimits): Promise<{ client: CpmClient; logs: LogEvent[] }> {
  const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-plimits-'));
  const logs: LogEvent[] = [];
  const client = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, log: (e) => logs.push(e), ...(limits ? { limits } : {}) });
  client.receive({ dir: inbox });
  cleanup.push(async () => { await client.close(); await rm(inbox, { recursive: true, force: true }); });
  return { client, logs };
}

/** An offer padded with harmless extra attributes up to about `bytes`. */
function paddedOffer(bytes: number): string {
  const base = fileOffer({ path: `msrp://127.0.0.1:9/${newSid()};tcp`, setup: 'active', name: 'p.bin', data: randomBytes(16) });
  const pad: string[] = [];
  while (base.length + pad.join('\r\n').length < bytes) pad.push(`a=x-pad:${'p'.repeat(60)}`);
  return `${base}${pad.join('\r\n')}\r\n`;
}

/** Sends one raw MSRP request to the endpoint; resolves with what came back before the close. */
function rawMsrp(port: number, request: string): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request));
    let text = '';
    const timer = setTimeout(() => { socket.destroy(); resolve({ text, closed: false }); }, 300);
    socket.on('data', (d: Buffer) => { text += d.toString('latin1'); });
    socket.on('error', reject);
    socket.on('close', () => { clearTimeout(timer); resolve({ text, closed: true }); });
  });
}

describe('parser limits from ClientOptions.limits', () => {
  it('a SIP INVITE larger than sipMaxMessageBytes gets 513; the default limit takes it', async () => {
    const small = await receiver({ sipMaxMessageBytes: 1500 });
    const roomy = await receiver();
    const alice = await rawOfferer('sip:alice@127.0.0.1');
    cleanup.push(() => alice.close());
    const offer = paddedOffer(2500);
    const refused = await alice.invite(`sip:bob@127.0.0.1:${small.client.sipAddress.port}`, offer);
    expect(refused.response.status).toBe(513);
    const taken = await alice.invite(`sip:bob@127.0.0.1:${roomy.client.sipAddress.port}`, offer);
    expect(taken.response.status).toBe(200);
  });

  it('a SIP message with more header fields than sipMaxHeaders is refused', async () => {
    const bob = await receiver({ sipMaxHeaders: 8 });
    const alice = await rawOfferer('sip:alice@127.0.0.1');
    cleanup.push(() => alice.close());
    const result = await alice.invite(`sip:bob@127.0.0.1:${bob.client.sipAddress.port}`, paddedOffer(0));
    expect(result.response.status).toBeGreaterThanOrEqual(400);
    const diagnostics = bob.logs.filter((e) => e.kind === 'sip' && e['event'] === 'diagnostic');
    expect(diagnostics.some((e) => e['code'] === 'ERR_SIP_TOO_MANY_HEADERS')).toBe(true);
  });

  it('an MSRP header line beyond msrpMaxHeaderLine gets 400 and the connection is closed', async () => {
    const strict = await receiver({ msrpMaxHeaderLine: 200, msrpMaxHeaders: 16 });
    const lax = await receiver();
    const tid = 'limits1';
    const request = [
      `MSRP ${tid} SEND`,
      `To-Path: msrp://127.0.0.1:9/${newSid()};tcp`,
      `From-Path: msrp://127.0.0.1:9/${newSid()};tcp`,
      `Message-ID: ${'m'.repeat(300)}`,
      'Byte-Range: 1-1/1',
      'Content-Type: text/plain',
      '', 'x',
      `-------${tid}$`, '',
    ].join('\r\n');
    const strictPort = inspectClient(strict.client)?.endpoint.port ?? 0;
    const laxPort = inspectClient(lax.client)?.endpoint.port ?? 0;
    const refused = await rawMsrp(strictPort, request);
    expect(refused.text).toMatch(new RegExp(`^MSRP ${tid} 400`));
    expect(refused.closed).toBe(true);
    // Within the default limits the same request parses and is refused only for its unknown session.
    const parsed = await rawMsrp(laxPort, request);
    expect(parsed.text).toMatch(new RegExp(`^MSRP ${tid} 481`));
  });

  it('a limit that is not a positive integer is refused when the client is created', async () => {
    await expect(createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, limits: { maxSessions: 0 } }))
      .rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    await expect(createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, limits: { sipMaxHeaders: 1.5 } }))
      .rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });
});
