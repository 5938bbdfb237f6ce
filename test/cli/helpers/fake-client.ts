// An in-memory CpmClient for CLI tests: sending "delivers" each file at once (progress in 4 steps),
// except files whose name is listed in `fail`, which fail with the given FileFailure. The receiving
// side is driven by the test through `emit`. Every call is recorded for assertions.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type {
  ClientRegistration,
  RegisterOptions,
  ClientOptions, CpmClient, Destination, FileFailure, FileResult, IncomingTransferEvents, OutgoingTransfer,
  OutgoingTransferEvents, FileToSend, PullFilesRequest, PullRequest, PullResult, ReceiveOptions, ReceivingHandle, ServeOptions, TransferSummary,
} from '../../../src/client-types.ts';

export interface FakeClientLog {
  options: ClientOptions[];
  sends: { destination: Destination; files: readonly string[] }[];
  queued: (readonly string[])[];
  receives: ReceiveOptions[];
  clients: FakeClient[];
  /** Every client.register() call, in order. */
  registers: RegisterOptions[];
}

type Listener = (payload: never) => void;

const pathOf = (file: string | FileToSend): string => (typeof file === 'string' ? file : file.path);

function hashOf(data: Buffer): string {
  return [...createHash('sha1').update(data).digest()].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

export class FakeClient implements CpmClient {
  readonly sipAddress;
  readonly options: ClientOptions;
  readonly #log: FakeClientLog;
  readonly #fail: ReadonlyMap<string, FileFailure>;
  readonly #listeners = new Map<string, Listener[]>();
  closed = false;

  constructor(options: ClientOptions, log: FakeClientLog, fail: ReadonlyMap<string, FileFailure>) {
    this.options = options;
    this.#log = log;
    this.#fail = fail;
    this.sipAddress = { host: options.sip.host, port: options.sip.port === 0 ? 45678 : options.sip.port, transport: options.sip.transport };
  }

  send(destination: Destination, items: readonly (string | FileToSend)[]): OutgoingTransfer {
    const files = items.map(pathOf);
    this.#log.sends.push({ destination, files });
    const listeners = new Map<string, Listener[]>();
    const emit = <E extends keyof OutgoingTransferEvents>(event: E, payload: OutgoingTransferEvents[E]): void => {
      for (const listener of listeners.get(event) ?? []) (listener as (p: OutgoingTransferEvents[E]) => void)(payload);
    };
    const pending: string[] = [...files];
    const log = this.#log;
    let cancelled: string | undefined;
    const transfer: OutgoingTransfer = {
      // Cancelled before it ran: every file still pending fails with source 'cancelled'.
      cancel(reason) {
        cancelled ??= reason ?? 'cancelled';
        return transfer.done;
      },
      queue(items) {
        const more = items.map(pathOf);
        log.queued.push(more);
        pending.push(...more);
      },
      on(event, listener) {
        listeners.set(event, [...(listeners.get(event) ?? []), listener as Listener]);
        return this;
      },
      once(event, listener) {
        const wrapped = (payload: never): void => {
          listeners.set(event, (listeners.get(event) ?? []).filter((l) => l !== wrapped));
          (listener as Listener)(payload);
        };
        listeners.set(event, [...(listeners.get(event) ?? []), wrapped]);
        return this;
      },
      off(event, listener) {
        listeners.set(event, (listeners.get(event) ?? []).filter((l) => l !== (listener as Listener)));
        return this;
      },
      done: (async (): Promise<TransferSummary> => {
        await new Promise((resolve) => setImmediate(resolve));
        const results: FileResult[] = [];
        for (let path = pending.shift(); path !== undefined; path = pending.shift()) {
          const data = readFileSync(path);
          const name = basename(path);
          if (cancelled !== undefined) {
            const result = { path, name, size: data.length, hash: hashOf(data), ok: false, failure: { source: 'cancelled' as const, code: 'ERR_TRANSFER_CANCELLED', message: `transfer cancelled: ${cancelled}` } };
            results.push(result);
            emit('file-failed', result);
            continue;
          }
          this.options.log?.({ kind: 'msrp', direction: 'sent', method: 'SEND', file: name, bytes: data.length });
          for (let step = 1; step <= 4; step += 1) emit('progress', { file: path, sent: Math.floor((data.length * step) / 4), total: data.length });
          const failure = this.#fail.get(name);
          if (failure === undefined) {
            const result: FileResult = { path, name, size: data.length, hash: hashOf(data), ok: true };
            results.push(result);
            this.options.log?.({ kind: 'file', name, ok: true });
            emit('file-complete', result);
          } else {
            const result = { path, name, size: data.length, hash: hashOf(data), ok: false, failure };
            results.push(result);
            this.options.log?.({ kind: 'msrp', direction: 'received', status: failure.status, note: 'multi\nline' });
            emit('file-failed', result);
          }
        }
        const summary: TransferSummary = { ok: results.every((r) => r.ok), files: results, decisions: [{ rule: '7.6.1-1', action: 'setup', args: [destination.kind] }] };
        emit('end', summary);
        return summary;
      })(),
    };
    return transfer;
  }

  receive(options: ReceiveOptions): ReceivingHandle {
    this.#log.receives.push(options);
    return { dir: options.dir, stop: async () => undefined };
  }

  // RFC 5547 pull is exercised against real clients (test/e2e/pull-*), not this fake.
  serve(_options: ServeOptions): void {
    throw new Error('the fake client does not serve files');
  }

  pull(_request: PullRequest): Promise<PullResult> {
    return Promise.resolve({ ok: false, reason: 'failed', message: 'the fake client does not pull files' });
  }

  pullFiles(request: PullFilesRequest): Promise<PullResult[]> {
    return Promise.resolve(request.selectors.map(() => ({ ok: false, reason: 'failed', message: 'the fake client does not pull files' })));
  }

  on<E extends keyof IncomingTransferEvents>(event: E, listener: (payload: IncomingTransferEvents[E]) => void): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener as Listener]);
    return this;
  }

  once<E extends keyof IncomingTransferEvents>(event: E, listener: (payload: IncomingTransferEvents[E]) => void): this {
    const wrapped = (payload: IncomingTransferEvents[E]): void => {
      this.off(event, wrapped);
      listener(payload);
    };
    return this.on(event, wrapped);
  }

  off<E extends keyof IncomingTransferEvents>(event: E, listener: (payload: IncomingTransferEvents[E]) => void): this {
    this.#listeners.set(event, (this.#listeners.get(event) ?? []).filter((l) => l !== (listener as Listener)));
    return this;
  }

  emit<E extends keyof IncomingTransferEvents>(event: E, payload: IncomingTransferEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (p: IncomingTransferEvents[E]) => void)(payload);
  }

  register(options: RegisterOptions = {}): Promise<ClientRegistration> {
    this.#log.registers.push(options);
    return Promise.resolve({ aor: options.aor ?? this.options.localUri, state: 'registered', contact: undefined, on: () => () => undefined, unregister: async () => undefined });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A createClient replacement plus the record of what the command did with it. */
export function fakeClientFactory(fail: ReadonlyMap<string, FileFailure> = new Map()): {
  createClient: (options: ClientOptions) => Promise<CpmClient>;
  log: FakeClientLog;
} {
  const log: FakeClientLog = { options: [], sends: [], queued: [], receives: [], clients: [], registers: [] };
  return {
    log,
    createClient: async (options) => {
      log.options.push(options);
      const client = new FakeClient(options, log, fail);
      log.clients.push(client);
      return client;
    },
  };
}
