import { describe, expect, it } from 'vitest';
import type { Socket } from 'node:dgram';
import { startLossyUdpRelay, seededRandom } from '../../helpers/lossy-udp-relay.ts';
import { bindUdp, sendUdp, closeUdp } from '../../helpers/raw-senders.ts';
import { snapshotHandles, assertNoLeakedHandles } from '../../helpers/active-handles.ts';

function collect(socket: Socket, count: number, timeoutMs = 1000): Promise<string[]> {
  return new Promise((resolve) => {
    const got: string[] = [];
    const timer = setTimeout(() => { socket.off('message', on); resolve(got); }, timeoutMs);
    const on = (m: Buffer): void => {
      got.push(m.toString());
      if (got.length === count) { clearTimeout(timer); socket.off('message', on); resolve(got); }
    };
    socket.on('message', on);
  });
}

describe('lossy UDP relay', () => {
  it('drops the first N matching datagrams and forwards the rest both ways', async () => {
    const before = await snapshotHandles();
    const server = await bindUdp();
    const client = await bindUdp();
    // Echo server: replies go back through the relay's per-client socket.
    server.on('message', (m, from) => server.send(`echo:${m.toString()}`, from.port, '127.0.0.1'));
    const relay = await startLossyUdpRelay({
      serverPort: server.address().port,
      dropFirst: { count: 2, match: (d, dir) => dir === 'toServer' && d.toString().startsWith('INVITE') },
    });
    const replies = collect(client, 2);
    for (const text of ['INVITE 1', 'INVITE 2', 'INVITE 3', 'BYE 1']) await sendUdp(client, relay.port, text);
    expect((await replies).sort()).toEqual(['echo:BYE 1', 'echo:INVITE 3']);
    expect(relay.events.filter((e) => e.action === 'dropped')).toHaveLength(2);
    expect(relay.events.filter((e) => e.direction === 'toClient' && e.action === 'forwarded')).toHaveLength(2);
    await relay.close();
    await closeUdp(client);
    await closeUdp(server);
    await assertNoLeakedHandles(before);
  });

  it('drops randomly but reproducibly for a given seed', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const server = await bindUdp();
      const client = await bindUdp();
      const relay = await startLossyUdpRelay({ serverPort: server.address().port, dropRate: 0.5, seed });
      const received = collect(server, 40, 500);
      for (let i = 0; i < 40; i += 1) await sendUdp(client, relay.port, `m${i}`);
      const got = await received;
      await relay.close(); await closeUdp(client); await closeUdp(server);
      return got;
    };
    const a = await run(42);
    const b = await run(42);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(5);
    expect(a.length).toBeLessThan(35);
    const r = seededRandom(7);
    expect([r(), r()]).toEqual((() => { const s = seededRandom(7); return [s(), s()]; })());
  });

  it('reorders datagrams inside a window', async () => {
    const server = await bindUdp();
    const client = await bindUdp();
    const relay = await startLossyUdpRelay({ serverPort: server.address().port, reorderWindow: 3 });
    const received = collect(server, 4);
    for (const text of ['a', 'b', 'c', 'd']) await sendUdp(client, relay.port, text);
    await new Promise((r) => setTimeout(r, 50));
    await relay.flush();
    expect(await received).toEqual(['c', 'b', 'a', 'd']);
    await relay.close(); await closeUdp(client); await closeUdp(server);
  });
});

describe('active handle check', () => {
  it('names a socket left open (timers are counted too, but vitest timers come and go), and passes once closed', async () => {
    const before = await snapshotHandles();
    const socket = await bindUdp();
    const timer = setInterval(() => undefined, 1000);
    await expect(assertNoLeakedHandles(before, 50)).rejects.toThrow(/UDPWrap x1/);
    clearInterval(timer);
    await closeUdp(socket);
    await assertNoLeakedHandles(before);
  });
});
