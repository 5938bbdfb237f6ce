// SHA-1 on a worker thread, fed the very blocks the receiving writer writes to disk. The blocks
// live in SharedArrayBuffers, so posting one to the worker copies nothing: the worker hashes the
// bytes in place while the main thread parses the next chunks, and tells when it is done so the
// writer can reuse the block. One worker per process serves every stream (SHA-1 runs at over
// 1 GB/s, more than any one receiver's disk writes), started on first use and never keeping the
// process alive by itself. If the worker cannot run, its streams report `undefined` and the
// writer hashes the finished file instead.

import { Worker } from 'node:worker_threads';
import { formatHashDigest, type FileHash } from '../sdp/file-attribute-codecs.ts';

// Plain JavaScript run with eval, so the worker loads the same under tsx, vitest and built code.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const streams = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let hash = streams.get(m.id);
    if (hash === undefined) { hash = createHash('sha1'); streams.set(m.id, hash); }
    hash.update(new Uint8Array(m.buffer, m.offset, m.length));
    parentPort.postMessage({ op: 'updated', id: m.id });
  } else if (m.op === 'digest') {
    const hash = streams.get(m.id) ?? createHash('sha1');
    streams.delete(m.id);
    const digest = hash.digest();
    parentPort.postMessage({ op: 'digest', id: m.id, digest: digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.length) });
  } else if (m.op === 'drop') {
    streams.delete(m.id);
  }
});
`;

type Reply = { readonly op: 'updated'; readonly id: number } | { readonly op: 'digest'; readonly id: number; readonly digest: ArrayBuffer };

interface StreamState {
  /** Resolvers of the updates posted and not yet answered, in order (the worker answers in order). */
  readonly updates: Array<() => void>;
  digest?: (hash: FileHash | undefined) => void;
}

let worker: Worker | undefined;
let broken = false;
let nextId = 1;
const streams = new Map<number, StreamState>();

function failAll(): void {
  broken = true;
  worker = undefined;
  for (const state of streams.values()) {
    for (const done of state.updates.splice(0)) done();
    state.digest?.(undefined);
  }
  streams.clear();
}

function ensureWorker(): Worker | undefined {
  if (broken) return undefined;
  if (worker !== undefined) return worker;
  try {
    const w = new Worker(WORKER_SOURCE, { eval: true, stdout: false, stderr: false });
    w.unref();
    w.on('message', (reply: Reply) => {
      const state = streams.get(reply.id);
      if (state === undefined) return;
      if (reply.op === 'updated') state.updates.shift()?.();
      else {
        streams.delete(reply.id);
        state.digest?.({ algorithm: 'sha-1', digest: formatHashDigest(Buffer.from(reply.digest)) });
        refreshRef();
      }
    });
    w.on('error', failAll);
    w.on('exit', () => { if (worker === w) failAll(); });
    worker = w;
    return w;
  } catch {
    failAll();
    return undefined;
  }
}

// The worker holds the event loop open only while a digest is awaited; idle, it lets the process exit.
function refreshRef(): void {
  if (worker === undefined) return;
  let waiting = false;
  for (const s of streams.values()) if (s.digest !== undefined || s.updates.length > 0) { waiting = true; break; }
  if (waiting) worker.ref(); else worker.unref();
}

/** A SHA-1 over blocks in file order, hashed off the main thread. */
export interface WorkerSha1Stream {
  /**
   * Hashes `block` next (a view into a SharedArrayBuffer). The promise settles when the worker
   * has read it; the block must not change until then.
   */
  update(block: Uint8Array): Promise<void>;
  /** The hash of everything updated, or undefined if the worker failed (hash the file instead). */
  digest(): Promise<FileHash | undefined>;
  /** Forgets the stream (the transfer was given up). */
  drop(): void;
}

/** Whether `block` can go to the worker without a copy. */
export const isShared = (block: Uint8Array): boolean => block.buffer instanceof SharedArrayBuffer;

export function createWorkerSha1Stream(): WorkerSha1Stream {
  const id = nextId++;
  const state: StreamState = { updates: [] };
  let failed = ensureWorker() === undefined;
  if (!failed) streams.set(id, state);
  return {
    update(block) {
      const w = worker;
      if (failed || w === undefined || !isShared(block)) {
        // A block the worker cannot see ends this stream; the caller falls back to the file.
        if (!failed) { failed = true; streams.delete(id); w?.postMessage({ op: 'drop', id }); }
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        state.updates.push(resolve);
        w.postMessage({ op: 'update', id, buffer: block.buffer, offset: block.byteOffset, length: block.length });
        refreshRef();
      });
    },
    digest() {
      const w = worker;
      if (failed || w === undefined) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        state.digest = resolve;
        w.postMessage({ op: 'digest', id });
        refreshRef();
      });
    },
    drop() {
      if (failed) return;
      failed = true;
      streams.delete(id);
      for (const done of state.updates.splice(0)) done();
      worker?.postMessage({ op: 'drop', id });
      refreshRef();
    },
  };
}
