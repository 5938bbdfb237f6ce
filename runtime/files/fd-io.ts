// File I/O on bare descriptors through node's callback API, as promises. The files read and written
// once per session (the sender's pre-hash, the receiver's temporary file) went through fs/promises
// FileHandles before: an object with its own bookkeeping per open, a visible part of the CPU and
// heap per session in the rate bench.
import { close, fsync, open, read, write, writev } from 'node:fs';

const settle = <T>(resolve: (value: T) => void, reject: (error: unknown) => void) =>
  (error: NodeJS.ErrnoException | null | undefined, value: T): void => (error === null || error === undefined ? resolve(value) : reject(error));

export const openFd = (path: string, flags: string, mode?: number): Promise<number> =>
  new Promise((resolve, reject) => open(path, flags, mode, settle(resolve, reject)));

export const readAt = (fd: number, into: Buffer, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, into, 0, length, position, settle(resolve, reject)));

export const writeAt = (fd: number, data: Uint8Array, position: number): Promise<number> =>
  new Promise((resolve, reject) => write(fd, data, 0, data.length, position, settle(resolve, reject)));

export const writevAt = (fd: number, data: Uint8Array[], position: number): Promise<number> =>
  new Promise((resolve, reject) => writev(fd, data, position, settle(resolve, reject)));

export const syncFd = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));

export const closeFd = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => close(fd, (error) => (error ? reject(error) : resolve())));
