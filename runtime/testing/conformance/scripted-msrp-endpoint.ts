// The scripted peer's MSRP side: a raw RFC 4975 endpoint built on the parser and serializer only,
// so the test decides every response and REPORT (an error on a chosen file, a delayed success
// REPORT, a failure REPORT) and records every message in both directions.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { formatMsrpUri, parseMsrpPath, type MsrpUri } from '../../msrp/msrp-uri.ts';
import { newMessageId, newSessionId, newTransactionId } from '../../msrp/random-id.ts';
import { formatByteRange, type MsrpHeaders } from '../../msrp/syntax/msrp-headers.ts';
import { MsrpParser, type ContinuationFlag, type MsrpHead } from '../../msrp/syntax/msrp-parser.ts';
import { serializeReport, serializeRequest, serializeResponse } from '../../msrp/syntax/msrp-serializer.ts';
import type { MsrpWireEntry, WireRecord } from './wire-record.ts';

/** How the peer treats the MSRP messages of one file. */
export interface MsrpFileScript {
  /** Answer every SEND of this file with this status instead of 200 (413, 415, 481, 500 ...). */
  readonly sendStatus?: number;
  /** Once the whole message arrived, send a REPORT with this failure status. */
  readonly failureReport?: number;
  /** Whether that REPORT goes just before the last chunk's 200 (default) or after it. */
  readonly failureReportTiming?: 'before-response' | 'after-response';
}

export interface MsrpPeerScript {
  /** Per file name (the file-selector name). */
  readonly files?: Readonly<Record<string, MsrpFileScript>>;
  /** Send the success REPORT a SEND asked for (Success-Report: yes). Default true. */
  readonly successReports?: boolean;
  /** Delay before each success REPORT, to prove the sender waits for it. Default 0. */
  readonly successReportDelayMs?: number;
  /**
   * Stop reading the connection after the first chunk of a file's message that is not its last,
   * until resumeReading(): the sender's window and the socket buffers then hold it mid-message.
   */
  readonly holdAfterFirstChunk?: boolean;
}

/** One accepted m-line: the peer's MSRP session for one file. */
export interface PeerMsrpSlot {
  readonly sessionId: string;
  readonly uri: string;
  readonly file: { readonly name: string; readonly fileTransferId: string };
  /** The sender's a=path, from the offer. */
  readonly remotePath: readonly string[];
}

interface Incoming {
  head: MsrpHead;
  bodyLength: number;
}

interface MessageProgress {
  received: number;
  total: number | undefined;
  sawLast: boolean;
}

export class ScriptedMsrpEndpoint {
  readonly host = '127.0.0.1';
  readonly #record: WireRecord;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #slots = new Map<string, PeerMsrpSlot>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #progress = new Map<string, MessageProgress>();
  /** Our own requests, by transaction id, so the sender's responses name their method. */
  readonly #ours = new Map<string, string>();
  script: MsrpPeerScript;
  /** Connections held by holdAfterFirstChunk, and who waits for the hold. */
  #held: Socket[] = [];
  #holdWaiters: Array<() => void> = [];
  #holdDone = false;

  private constructor(record: WireRecord, server: Server, script: MsrpPeerScript) {
    this.#record = record;
    this.#server = server;
    this.script = script;
  }

  static async create(record: WireRecord, script: MsrpPeerScript = {}): Promise<ScriptedMsrpEndpoint> {
    const server = createServer();
    const endpoint = new ScriptedMsrpEndpoint(record, server, script);
    server.on('connection', (socket) => endpoint.#adopt(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return endpoint;
  }

  get port(): number {
    const address = this.#server.address();
    return address !== null && typeof address === 'object' ? address.port : 0;
  }

  /** A fresh session (RFC 4975 §5.1: a new file gets a new, unguessable session id). */
  openSlot(file: PeerMsrpSlot['file'], remotePath: readonly string[]): PeerMsrpSlot {
    const sessionId = newSessionId();
    const slot: PeerMsrpSlot = { sessionId, uri: `msrp://${this.host}:${this.port}/${sessionId};tcp`, file, remotePath };
    this.#slots.set(sessionId, slot);
    return slot;
  }

  slots(): PeerMsrpSlot[] {
    return [...this.#slots.values()];
  }

  // RFC 4975 §5.4 / RFC 6135 §4: when the peer is the active party it opens the connection to the
  // first hop of the sender's path and sends a bodiless SEND at once so the sender can bind it.
  async connectTo(slot: PeerMsrpSlot): Promise<void> {
    const path = parseMsrpPath(slot.remotePath.join(' '));
    const first = path.ok ? path.value[0] : undefined;
    if (!path.ok || first === undefined) throw new Error(`cannot connect: bad remote path ${slot.remotePath.join(' ')}`);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: first.host, port: first.port ?? 2855 }, () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
    this.#adopt(socket);
    const tid = newTransactionId();
    this.#ours.set(tid, 'SEND');
    const toPath = path.value;
    const fromPath = [this.#uri(slot)];
    socket.write(Buffer.concat(serializeRequest({ transactionId: tid, method: 'SEND', toPath, fromPath, messageId: newMessageId(), byteRange: { start: 1, end: 0, total: 0 } })));
    this.#note({
      from: 'peer', kind: 'request', method: 'SEND', status: undefined, transactionId: tid, toPath: toPath.map(formatMsrpUri), fromPath: fromPath.map(formatMsrpUri),
      messageId: undefined, byteRange: '1-0/0', successReport: undefined, failureReport: undefined, reportStatus: undefined, contentType: undefined, bodyLength: 0, flag: '$', file: undefined,
    });
  }

  /** Resolves once a connection is held (holdAfterFirstChunk). */
  whenHeld(): Promise<void> {
    if (this.#held.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#holdWaiters.push(resolve));
  }

  /** Reads the held connections again. */
  resumeReading(): void {
    for (const socket of this.#held.splice(0)) socket.resume();
  }

  #hold(socket: Socket): void {
    if (this.#holdDone) return;
    this.#holdDone = true;
    socket.pause();
    this.#held.push(socket);
    for (const wake of this.#holdWaiters.splice(0)) wake();
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #uri(slot: PeerMsrpSlot): MsrpUri {
    return { scheme: 'msrp', host: this.host, port: this.port, sessionId: slot.sessionId, transport: 'tcp', params: [] };
  }

  #adopt(socket: Socket): void {
    this.#sockets.add(socket);
    let current: Incoming | undefined;
    const parser = new MsrpParser({
      head: (head) => {
        current = { head, bodyLength: 0 };
      },
      body: (data) => {
        if (current !== undefined) current.bodyLength += data.length;
      },
      end: (flag) => {
        const done = current;
        current = undefined;
        if (done !== undefined) this.#handle(socket, done, flag);
      },
    });
    socket.on('data', (data: Buffer) => {
      // A parse error ends this connection; the record keeps what arrived before it.
      if (!parser.feed(data).ok) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => this.#sockets.delete(socket));
  }

  #slotFor(headers: MsrpHeaders): PeerMsrpSlot | undefined {
    const to = headers.toPath[headers.toPath.length - 1];
    return to?.sessionId === undefined ? undefined : this.#slots.get(to.sessionId);
  }

  #note(entry: Omit<MsrpWireEntry, 'seq' | 'protocol'>): void {
    this.#record.add({ protocol: 'msrp', ...entry });
  }

  #handle(socket: Socket, incoming: Incoming, flag: ContinuationFlag): void {
    const { head } = incoming;
    const h = head.headers;
    const slot = this.#slotFor(h);
    const file = slot?.file;
    const isBind = head.kind === 'request' && head.method === 'SEND' && !head.hasBody && h.contentType === undefined;
    this.#note({
      from: 'sender',
      kind: head.kind,
      method: head.kind === 'request' ? head.method : (this.#ours.get(head.transactionId) ?? ''),
      status: head.kind === 'response' ? head.status : undefined,
      transactionId: head.transactionId,
      toPath: h.toPath.map(formatMsrpUri),
      fromPath: h.fromPath.map(formatMsrpUri),
      messageId: h.messageId,
      byteRange: h.byteRange === undefined ? undefined : formatByteRange(h.byteRange),
      successReport: h.successReport,
      failureReport: h.failureReport,
      reportStatus: h.status === undefined ? undefined : { code: h.status.code, reason: h.status.reason },
      contentType: h.contentType,
      bodyLength: incoming.bodyLength,
      flag,
      file: isBind ? undefined : file,
    });
    if (head.kind !== 'request' || head.method !== 'SEND') return; // REPORTs are never answered (RFC 4975 §7.1.2).
    // RFC 4975 §7.3: a request for a session we do not know is answered 481.
    if (slot === undefined) {
      this.#respond(socket, head.transactionId, h, 481, undefined, undefined);
      return;
    }
    if (isBind) {
      this.#respond(socket, head.transactionId, h, 200, slot, undefined);
      return;
    }
    const fileScript = this.script.files?.[slot.file.name] ?? {};
    // RFC 4975 §7.2 / §10: the scripted error status answers every chunk of the chosen file; 413
    // in particular tells the sender to stop sending that message.
    if (fileScript.sendStatus !== undefined && fileScript.sendStatus !== 200) {
      this.#respond(socket, head.transactionId, h, fileScript.sendStatus, slot, slot.file);
      return;
    }
    if (flag === '#') {
      this.#respond(socket, head.transactionId, h, 200, slot, slot.file);
      return;
    }
    if (flag === '+' && this.script.holdAfterFirstChunk === true) this.#hold(socket);
    const messageId = h.messageId ?? '';
    const progress = this.#progress.get(messageId) ?? { received: 0, total: undefined, sawLast: false };
    progress.received += incoming.bodyLength;
    if (h.byteRange !== undefined && h.byteRange.total !== '*') progress.total = h.byteRange.total;
    if (flag === '$') progress.sawLast = true;
    this.#progress.set(messageId, progress);
    const total = progress.total ?? progress.received;
    const complete = progress.sawLast && progress.received >= total;
    if (complete) this.#progress.delete(messageId);
    // RFC 4975 §7.1.2: an endpoint that finds a message failed may tell the sender with a REPORT
    // carrying the error in its Status header (namespace 000), when Failure-Report allows it. By
    // default the peer sends it just before the last chunk's 200, while the sender still waits.
    if (complete && fileScript.failureReport !== undefined) {
      const after = fileScript.failureReportTiming === 'after-response';
      if (after) this.#respond(socket, head.transactionId, h, 200, slot, slot.file);
      if (h.failureReport !== 'no') this.#report(socket, slot, h, messageId, total, fileScript.failureReport);
      if (!after) this.#respond(socket, head.transactionId, h, 200, slot, slot.file);
      return;
    }
    this.#respond(socket, head.transactionId, h, 200, slot, slot.file);
    if (!complete) return;
    // RFC 4975 §7.1.2: with Success-Report: yes the receiver confirms the whole message in one
    // REPORT covering every byte, Status 000 200.
    if (h.successReport === 'yes' && this.script.successReports !== false) {
      const delay = this.script.successReportDelayMs ?? 0;
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (!socket.destroyed) this.#report(socket, slot, h, messageId, total, 200);
      }, delay);
      this.#timers.add(timer);
    }
  }

  #respond(socket: Socket, transactionId: string, h: MsrpHeaders, status: number, slot: PeerMsrpSlot | undefined, file: PeerMsrpSlot['file'] | undefined): void {
    // RFC 4975 §7.2: Failure-Report no means no response at all; partial means errors only.
    if (h.failureReport === 'no' || (h.failureReport === 'partial' && status === 200)) return;
    const prev = h.fromPath[0];
    const toPath = prev === undefined ? [] : [prev];
    const fromPath = slot === undefined ? h.toPath.slice(-1) : [this.#uri(slot)];
    socket.write(serializeResponse({ transactionId, status, toPath, fromPath }));
    this.#note({
      from: 'peer', kind: 'response', method: 'SEND', status, transactionId, toPath: toPath.map(formatMsrpUri), fromPath: fromPath.map(formatMsrpUri),
      messageId: undefined, byteRange: undefined, successReport: undefined, failureReport: undefined, reportStatus: undefined, contentType: undefined, bodyLength: 0, flag: '$', file,
    });
  }

  #report(socket: Socket, slot: PeerMsrpSlot, h: MsrpHeaders, messageId: string, total: number, code: number): void {
    const tid = newTransactionId();
    this.#ours.set(tid, 'REPORT');
    const toPath = [...h.fromPath];
    const fromPath = [this.#uri(slot)];
    const status = { namespace: 0, code, reason: code === 200 ? 'OK' : 'Failed' };
    const byteRange = { start: 1, end: total, total };
    socket.write(serializeReport({ transactionId: tid, toPath, fromPath, messageId, byteRange, status }));
    this.#note({
      from: 'peer', kind: 'request', method: 'REPORT', status: undefined, transactionId: tid, toPath: toPath.map(formatMsrpUri), fromPath: fromPath.map(formatMsrpUri),
      messageId, byteRange: formatByteRange(byteRange), successReport: undefined, failureReport: undefined,
      reportStatus: { code, reason: status.reason }, contentType: undefined, bodyLength: 0, flag: '$', file: slot.file,
    });
  }
}
