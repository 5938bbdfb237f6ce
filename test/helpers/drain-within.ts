// A flooding test peer waits for its socket to drain, but not for ever: the peer under test may
// have stopped reading on purpose. The 'drain' listener is removed when the wait times out, so a
// flood of thousands of writes leaves no listener behind (a listener per wait trips Node's
// MaxListenersExceededWarning after ten and keeps every one of them alive).
import type { Socket } from 'node:net';

/** True once `socket` emitted 'drain', false after `timeoutMs` without it; no listener stays. */
export function drainWithin(socket: Socket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (drained: boolean): void => {
      clearTimeout(timer);
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      resolve(drained);
    };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}
