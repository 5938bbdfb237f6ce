import { MsrpEndpoint } from '../../../runtime/msrp/msrp-endpoint.ts';
import type { MsrpSessionOptions } from '../../../runtime/msrp/msrp-session.ts';
import type { MessageSink } from '../../../runtime/msrp/incoming-message.ts';

/** Two endpoints on 127.0.0.1 with one session each, paths exchanged as SDP would. */
export async function pair(passiveOptions: MsrpSessionOptions = {}, activeOptions: MsrpSessionOptions = {}) {
  const passiveEp = await MsrpEndpoint.create();
  const activeEp = await MsrpEndpoint.create();
  const passive = passiveEp.createSession(passiveOptions);
  const active = activeEp.createSession(activeOptions);
  passive.setRemotePath([active.localUri]);
  active.setRemotePath([passive.localUri]);
  const close = async () => { await activeEp.close(); await passiveEp.close(); };
  return { passiveEp, activeEp, passive, active, close };
}

export async function connected(passiveOptions: MsrpSessionOptions = {}, activeOptions: MsrpSessionOptions = {}) {
  const p = await pair(passiveOptions, activeOptions);
  await Promise.all([p.active.connect(), p.passive.waitBound()]);
  return p;
}

/** A sink that collects into a preallocated buffer by position and resolves when ended. */
export function memorySink(size: number) {
  const data = Buffer.alloc(size);
  let resolveEnd!: (flag: '$' | '#') => void;
  const ended = new Promise<'$' | '#'>((r) => { resolveEnd = r; });
  let writes = 0;
  const sink: MessageSink = {
    write(position, chunk) { writes++; chunk.copy(data, position - 1); },
    end(flag) { resolveEnd(flag); },
  };
  return { sink, data, ended, get writes() { return writes; } };
}

export function patterned(size: number, seed = 1): Buffer {
  const b = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  // Sprinkle dashes and CRLFs so bodies look like end-line prefixes now and then.
  for (let i = 0; i + 12 < size; i += 4093) b.write('\r\n-------', i, 'latin1');
  return b;
}

/** Yields a buffer in pieces of the given size (a stand-in for a file stream). */
export async function* pieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, Math.min(buf.length, i + size));
}
