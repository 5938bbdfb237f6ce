// What crossed the wire between the sender under test and the scripted peer, in the order the peer
// saw it. Conformance expectations read only this record, so they judge the sender by its messages,
// never by its internal state.
import type { SipMessage } from '../../sip/syntax/sip-message.ts';
import { parseMultipart } from '../../sip/syntax/multipart.ts';
import { parseSessionDescription } from '../../sdp/parse-session-description.ts';
import { getDirection, getFileSelector, getFileTransferId, getPath, getSetup } from '../../sdp/msrp-attributes.ts';
import { parseCSeq } from '../../sip/syntax/cseq.ts';

/** Who sent a message: the sender under test or the scripted peer. */
export type WireParty = 'sender' | 'peer';

/** One m-line of an SDP body, flattened for assertions. */
export interface WireMline {
  readonly index: number;
  readonly media: string;
  readonly port: number;
  readonly proto: string;
  readonly formats: readonly string[];
  readonly attributes: readonly { readonly name: string; readonly value: string | null }[];
  readonly fileSelector: string | undefined;
  readonly fileTransferId: string | undefined;
  readonly direction: string;
  readonly setup: string | undefined;
  readonly path: readonly string[];
}

export interface WireBodyPart {
  readonly contentType: string;
  readonly disposition: string | undefined;
  readonly text: string;
}

export interface SipWireEntry {
  readonly seq: number;
  readonly protocol: 'sip';
  readonly from: WireParty;
  readonly kind: 'request' | 'response';
  /** Request method, or the CSeq method of a response. */
  readonly method: string;
  readonly status: number | undefined;
  readonly requestUri: string | undefined;
  readonly callId: string;
  readonly cseq: number;
  /** A request carrying a To tag belongs to an existing dialog (a re-INVITE, a BYE). */
  readonly inDialog: boolean;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly contentType: string | undefined;
  /** The body split into parts (one part for a non-multipart body, none for an empty one). */
  readonly parts: readonly WireBodyPart[];
  /** The application/sdp part, parsed; undefined without one (or when it does not parse). */
  readonly sdp: { readonly mlines: readonly WireMline[] } | undefined;
}

export interface MsrpWireEntry {
  readonly seq: number;
  readonly protocol: 'msrp';
  readonly from: WireParty;
  readonly kind: 'request' | 'response';
  /** SEND or REPORT; for a response, the method of the request it answers. */
  readonly method: string;
  readonly status: number | undefined;
  readonly transactionId: string;
  readonly toPath: readonly string[];
  readonly fromPath: readonly string[];
  readonly messageId: string | undefined;
  readonly byteRange: string | undefined;
  readonly successReport: string | undefined;
  readonly failureReport: string | undefined;
  /** The Status header of a REPORT: `000 200 OK` as { code: 200, reason: 'OK' }. */
  readonly reportStatus: { readonly code: number; readonly reason: string | undefined } | undefined;
  readonly contentType: string | undefined;
  readonly bodyLength: number;
  /** End-line flag: `$`, `+` or `#`. */
  readonly flag: string;
  /** The file this message is about, from the peer's m-line bookkeeping; undefined for a bind SEND. */
  readonly file: { readonly name: string; readonly fileTransferId: string } | undefined;
}

export type WireEntry = SipWireEntry | MsrpWireEntry;
type Unsequenced<T> = T extends WireEntry ? Omit<T, 'seq'> : never;

/** An append-only, sequence-numbered log of wire messages with a way to wait for one. */
export class WireRecord {
  readonly #entries: WireEntry[] = [];
  #waiters: { test: (entry: WireEntry) => boolean; resolve: (entry: WireEntry) => void }[] = [];
  #next = 1;

  get entries(): readonly WireEntry[] {
    return this.#entries;
  }

  sip(): SipWireEntry[] {
    return this.#entries.filter((e): e is SipWireEntry => e.protocol === 'sip');
  }

  msrp(): MsrpWireEntry[] {
    return this.#entries.filter((e): e is MsrpWireEntry => e.protocol === 'msrp');
  }

  add(entry: Unsequenced<WireEntry>): WireEntry {
    const full = { ...entry, seq: this.#next++ } as WireEntry;
    this.#entries.push(full);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) {
      if (w.test(full)) w.resolve(full);
      else this.#waiters.push(w);
    }
    return full;
  }

  /** Resolves with the first entry (already recorded or future) that passes `test`; rejects after `timeoutMs`. */
  waitFor(test: (entry: WireEntry) => boolean, timeoutMs: number, what = 'a wire message'): Promise<WireEntry> {
    const found = this.#entries.find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (entry: WireEntry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** A compact one-line-per-message dump for failure messages. */
  describe(): string {
    return this.#entries.map(describeEntry).join('\n');
  }
}

export function describeEntry(e: WireEntry): string {
  const arrow = e.from === 'sender' ? 'sender -> peer' : 'peer -> sender';
  if (e.protocol === 'sip') {
    const what = e.kind === 'request' ? `${e.method}${e.inDialog ? ' (in dialog)' : ''} ${e.requestUri ?? ''}` : `${e.status} (${e.method})`;
    const sdp = e.sdp === undefined ? '' : ` sdp[${e.sdp.mlines.map((m) => `${m.port}:${m.fileTransferId ?? '-'}`).join(' ')}]`;
    return `#${e.seq} SIP ${arrow} ${what}${sdp}`;
  }
  const what = e.kind === 'request' ? `${e.method} ${e.byteRange ?? ''}${e.flag}` : `${e.status} (${e.method})`;
  const report = e.reportStatus === undefined ? '' : ` status ${e.reportStatus.code}`;
  return `#${e.seq} MSRP ${arrow} ${what}${report}${e.file === undefined ? '' : ` file ${e.file.name}`}`;
}

function sdpOf(text: string): SipWireEntry['sdp'] {
  const parsed = parseSessionDescription(text);
  if (!parsed.ok) return undefined;
  const sd = parsed.value;
  return {
    mlines: sd.media.map((m, index) => ({
      index,
      media: m.media,
      port: m.port,
      proto: m.proto,
      formats: [...m.formats],
      attributes: m.attributes.map((a) => ({ name: a.name, value: a.value })),
      fileSelector: getFileSelector(m),
      fileTransferId: getFileTransferId(m),
      direction: getDirection(m, sd),
      setup: getSetup(m, sd),
      path: getPath(m),
    })),
  };
}

/** Flattens a SIP message into a record entry (without the sequence number). */
export function sipEntryOf(message: SipMessage, from: WireParty): Omit<SipWireEntry, 'seq'> {
  const cseq = parseCSeq(message.headers.get('CSeq') ?? '');
  const method = message.kind === 'request' ? message.method : cseq.ok ? cseq.value.method : '';
  const contentType = message.headers.get('Content-Type');
  const parts: WireBodyPart[] = [];
  if (message.body.length > 0) {
    const multipart = contentType !== undefined && /^\s*multipart\//i.test(contentType) ? parseMultipart(message.body, contentType) : undefined;
    if (multipart?.ok) {
      for (const part of multipart.value) {
        parts.push({ contentType: part.headers.get('Content-Type') ?? 'text/plain', disposition: part.headers.get('Content-Disposition'), text: part.body.toString('utf8') });
      }
    } else {
      parts.push({ contentType: contentType ?? '', disposition: message.headers.get('Content-Disposition'), text: message.body.toString('utf8') });
    }
  }
  const sdpPart = parts.find((p) => /^\s*application\/sdp/i.test(p.contentType));
  const toTag = /;\s*tag=/i.test(message.headers.get('To') ?? '');
  return {
    protocol: 'sip',
    from,
    kind: message.kind,
    method,
    status: message.kind === 'response' ? message.status : undefined,
    requestUri: message.kind === 'request' ? message.uri : undefined,
    callId: message.headers.get('Call-ID') ?? '',
    cseq: cseq.ok ? cseq.value.seq : 0,
    inDialog: message.kind === 'request' && toTag,
    headers: [...iterateHeaders(message)],
    contentType,
    parts,
    sdp: sdpPart === undefined ? undefined : sdpOf(sdpPart.text),
  };
}

function* iterateHeaders(message: SipMessage): Iterable<{ name: string; value: string }> {
  for (const field of message.headers) yield { name: field.name, value: field.value };
}
