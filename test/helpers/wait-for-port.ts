// Readiness without touching the peer: poll /proc/net/{tcp,udp} for a socket bound to the port
// (listening, for TCP). Connecting to probe would show up in the peer's logs and captures.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { CpmError } from '../../runtime/errors.ts';

export type PortTransport = 'tcp' | 'udp';

async function isBound(port: number, transport: PortTransport): Promise<boolean> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of [`/proc/net/${transport}`, `/proc/net/${transport}6`]) {
    let text: string;
    try { text = await readFile(table, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const state = cols[3];
      if (local === undefined || !local.endsWith(`:${hex}`)) continue;
      // TCP state 0A is LISTEN; UDP sockets show 07 (unconnected) once bound.
      if (transport === 'udp' || state === '0A') return true;
    }
  }
  return false;
}

export async function waitForPort(port: number, transport: PortTransport, timeoutMs = 5000, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isBound(port, transport)) return;
    if (!isAlive()) throw new CpmError('ERR_TEST_PEER_EXITED', `peer exited before binding ${transport}/${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new CpmError('ERR_TEST_PORT_TIMEOUT', `nothing bound to ${transport}/${port} after ${timeoutMs} ms`);
}

/**
 * An ephemeral loopback port that was free a moment ago (bind port 0, read it, close). External peers need
 * a number on their command line; the race with other tests is tiny and shows up as a bind error.
 */
export async function freePort(transport: PortTransport): Promise<number> {
  if (transport === 'tcp') {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new CpmError('ERR_TEST_PORT', 'no TCP port');
    return address.port;
  }
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** A port free on both UDP and TCP (SIP listeners usually take both). */
export async function freePortBoth(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await freePort('tcp');
    const socket = createSocket('udp4');
    const okUdp = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => { try { socket.close(() => resolve()); } catch { resolve(); } });
    if (okUdp) return port;
  }
  throw new CpmError('ERR_TEST_PORT', 'no port free on both UDP and TCP');
}
