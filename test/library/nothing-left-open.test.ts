// A createClient that fails leaves nothing open: a child process calls it with bad options, or with
// a port another socket holds (the SIP transport is bound first, then the MSRP listener fails), and
// must then exit on its own, without process.exit. It prints the error's code and message.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killTrackedChildren, trackChild, waitForExit } from '../helpers/child-process-registry.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-left-open-'));
const library = pathToFileURL(join(import.meta.dirname, '../../src/index.ts')).href;
afterEach(killTrackedChildren);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `createClient(OPTIONS)` in a fresh node (sources through tsx); resolves with what it printed. */
async function createClientInChild(options: unknown): Promise<{ exited: boolean; printed: { code?: string; message?: string } }> {
  const script = join(root, `child-${Math.random().toString(16).slice(2)}.mjs`);
  writeFileSync(script, [
    `import { createClient } from ${JSON.stringify(library)};`,
    `try { const c = await createClient(${JSON.stringify(options)}); console.log(JSON.stringify({ started: true })); await c.close(); }`,
    'catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }',
  ].join('\n'));
  const child = trackChild(spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  let timer: NodeJS.Timeout | undefined;
  const exited = await Promise.race([
    waitForExit(child).then(() => true),
    new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), 20_000); }),
  ]);
  clearTimeout(timer);
  const line = out.trim().split('\n').pop() ?? '{}';
  return { exited, printed: JSON.parse(line === '' ? '{}' : line) as { code?: string; message?: string } };
}

const listen = (server: Server): Promise<number> => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
const bindUdp = (socket: Socket): Promise<number> => new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));

describe('a failed createClient lets the process exit', () => {
  it("sip: { transport: 'TCP' } in plain JavaScript: ERR_INVALID_OPTION, and the process exits", async () => {
    const run = await createClientInChild({ localUri: 'sip:a@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'TCP' } });
    expect(run.exited).toBe(true);
    expect(run.printed.code).toBe('ERR_INVALID_OPTION');
    expect(run.printed.message).toMatch(/sip\.transport must be one of 'udp', 'tcp', 'tls'; got "TCP"/);
  });

  it('no sip option at all: ERR_INVALID_OPTION, and the process exits', async () => {
    const run = await createClientInChild({ localUri: 'sip:a@127.0.0.1' });
    expect(run.exited).toBe(true);
    expect(run.printed.code).toBe('ERR_INVALID_OPTION');
    expect(run.printed.message).toMatch(/option sip must be/);
  });

  it('the MSRP port is taken after the SIP socket was bound: ERR_ADDRESS_IN_USE, the SIP socket is closed again', async () => {
    const holder = createServer();
    const port = await listen(holder);
    try {
      const run = await createClientInChild({ localUri: 'sip:a@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, msrp: { port } });
      expect(run.exited).toBe(true);
      expect(run.printed.code).toBe('ERR_ADDRESS_IN_USE');
      expect(run.printed.message).toBe(`MSRP cannot listen on 127.0.0.1:${port}: the port is already in use by another program (choose another port, or 0 for any free one)`);
    } finally {
      holder.close();
    }
  });

  it('the SIP port is taken: ERR_ADDRESS_IN_USE naming the transport and address (UDP and TCP)', async () => {
    const udp = createSocket('udp4');
    const tcp = createServer();
    const [udpPort, tcpPort] = [await bindUdp(udp), await listen(tcp)];
    try {
      const overUdp = await createClientInChild({ localUri: 'sip:a@127.0.0.1', sip: { host: '127.0.0.1', port: udpPort, transport: 'udp' } });
      expect(overUdp.exited).toBe(true);
      expect(overUdp.printed).toMatchObject({ code: 'ERR_ADDRESS_IN_USE', message: expect.stringMatching(new RegExp(`^SIP over UDP cannot listen on 127\\.0\\.0\\.1:${udpPort}: the port is already in use`)) });
      const overTcp = await createClientInChild({ localUri: 'sip:a@127.0.0.1', sip: { host: '127.0.0.1', port: tcpPort, transport: 'tcp' } });
      expect(overTcp.exited).toBe(true);
      expect(overTcp.printed).toMatchObject({ code: 'ERR_ADDRESS_IN_USE', message: expect.stringMatching(new RegExp(`^SIP over TCP cannot listen on 127\\.0\\.0\\.1:${tcpPort}`)) });
    } finally {
      udp.close();
      tcp.close();
    }
  });
});
