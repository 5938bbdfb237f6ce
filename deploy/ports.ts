// Loopback ports for the local deployment: a free one to hand to a process on its command line, and a
// wait until a process listens on one (read from /proc/net, so the check never connects and never
// shows up as a stray connection in the instance's log).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { CpmError } from '../runtime/errors.ts';

/** A TCP port on 127.0.0.1 that was free a moment ago (the race with other programs is tiny). */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new CpmError('ERR_DEPLOY_PORT', 'no free TCP port on 127.0.0.1');
  return address.port;
}

async function tcpListening(port: number): Promise<boolean> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // Column 1 is local address:port, column 3 the state (0A = LISTEN).
      if (cols[1]?.endsWith(hex) === true && cols[3] === '0A') return true;
    }
  }
  return false;
}

/** Resolves once something listens on TCP `port`; fails when `alive()` turns false or time runs out. */
export async function waitForTcpListen(port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await tcpListening(port)) return;
    if (!alive()) throw new CpmError('ERR_DEPLOY_EXITED', `the process exited before listening on TCP port ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new CpmError('ERR_DEPLOY_TIMEOUT', `nothing listens on TCP port ${port} after ${timeoutMs} ms`);
}
