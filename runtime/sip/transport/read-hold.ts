// Backpressure toward a peer on a SIP stream: what we write on a connection is mostly answers to
// what the peer sent, so once more than half of maxPendingWrite waits for the socket we stop
// reading it (it can make us queue nothing more) until 'drain'. A peer that still does not read
// within drainTimeout is dropped; one that reads on gets its connection back as it was.
import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../../clock.ts';

export interface ReadHoldOptions {
  readonly clock: Clock;
  readonly maxPendingWrite: number;
  readonly drainTimeout: number;
  /** Reads are allowed again: handle what was framed but held back. */
  readonly onRelease: () => void;
  /** The peer did not drain in time; the socket is destroyed right after. */
  readonly onDrop: (queuedBytes: number, timeoutMs: number) => void;
}

export interface ReadHold {
  /** Call after every write on the socket. */
  readonly wrote: () => void;
  /** Whether reads are held now (framed messages must wait). */
  readonly held: () => boolean;
}

export function holdReadsWhileBacklogged(socket: Socket, options: ReadHoldOptions): ReadHold {
  const { clock, drainTimeout } = options;
  const high = options.maxPendingWrite / 2;
  let timer: TimerHandle | undefined;
  let held = false;
  const release = (): void => {
    if (!held) return;
    held = false;
    clock.clearTimeout(timer);
    timer = undefined;
    if (socket.destroyed) return;
    socket.resume();
    options.onRelease();
  };
  socket.on('drain', release);
  socket.on('close', release);
  const wrote = (): void => {
    if (held || socket.destroyed || socket.writableLength <= high) return;
    held = true;
    socket.pause();
    timer = clock.setTimeout(() => {
      timer = undefined;
      if (!held || socket.destroyed) return;
      options.onDrop(socket.writableLength, drainTimeout);
      socket.destroy();
    }, drainTimeout);
  };
  return { wrote, held: () => held };
}
