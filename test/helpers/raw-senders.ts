// Tiny loopback senders/receivers for tooling tests: they put hand-written bytes on the wire without any
// cpm-ft code, so the capture helpers can be proven independently of the runtime under construction.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, connect, type Server, type Socket } from 'node:net';

/** A UDP socket bound to 127.0.0.1 on an ephemeral port. */
export async function bindUdp(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => { socket.off('error', reject); resolve(); });
  });
  return socket;
}

export function sendUdp(socket: UdpSocket, port: number, payload: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => socket.send(payload, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
}

export function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

/** A TCP server on an ephemeral loopback port that hands each connection to `onConnection`. */
export async function listenTcp(onConnection: (socket: Socket) => void = (s) => s.resume()): Promise<Server> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  return server;
}

export function tcpPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server not listening on TCP');
  return address.port;
}

export function connectTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => { socket.off('error', reject); resolve(socket); });
    socket.once('error', reject);
  });
}

/** Writes one buffer (so it leaves as one segment on loopback) and waits until it is flushed. */
export function writeTcp(socket: Socket, payload: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => socket.write(payload, (error) => (error ? reject(error) : resolve())));
}

/** Reads from `socket` until `done(text)` holds; rejects after `timeoutMs`. */
export function readUntil(socket: Socket, done: (text: string) => boolean, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => { socket.off('data', onData); reject(new Error(`timeout; got: ${JSON.stringify(text)}`)); }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (done(text)) { clearTimeout(timer); socket.off('data', onData); resolve(text); }
    };
    socket.on('data', onData);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function endTcp(socket: Socket): Promise<void> {
  if (socket.destroyed) return;
  await new Promise<void>((resolve) => { socket.once('close', () => resolve()); socket.end(); setTimeout(() => socket.destroy(), 500).unref(); });
}
