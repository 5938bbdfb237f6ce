// The public library API of cpm-ft: what an application embedding the client sees.
// The CLI is written against these types only; src/client.ts implements them on the runtime.

import type {
  DecisionPoint,
  Destination,
  IncomingTransferEvents,
  MemberOutcome,
  MemberStatusEvent,
  OfferedFileInfo as OfferedFile,
  PeerTuning,
  OutgoingTransferEvents as RuntimeOutgoingTransferEvents,
  FileIcon,
  PullResult,
  PullSelector,
  FileServerEvents,
  RegistrationEvent,
  RegistrationState,
  TransferSummary as RuntimeTransferSummary,
} from '../runtime/index.ts';

export type { Destination, FileIcon, PeerTuning, PullResult, PullSelector, RegistrationEvent, RegistrationState };
export type ServeRequestEvent = FileServerEvents['request'];
export type FileServedEvent = FileServerEvents['file-served'];

export type SipTransportName = 'udp' | 'tcp' | 'tls';

/** Real SIP networks (docs/real-networks.md): digest credentials and RFC 3263 DNS. */
export interface NetworkOptions {
  /**
   * Digest credentials (RFC 3261 §22, RFC 8760: MD5, SHA-256, SHA-512-256) answering 401/407 on
   * REGISTER, INVITE, re-INVITE, BYE and SUBSCRIBE; `realm` limits them to one realm. A realm that
   * refuses them fails the request with ERR_SIP_AUTH_REJECTED naming the realm. Never logged.
   */
  readonly auth?: { readonly username: string; readonly password: string; readonly realm?: string };
  /**
   * RFC 3263 server location (NAPTR, SRV, A/AAAA) for out-of-dialog requests, with failover to the
   * next target on 503, timeout or transport error: `true` asks the system's DNS servers,
   * `{ server: 'HOST[:PORT]' }` that one. Default off: host names go to the OS resolver as they are.
   */
  readonly dns?: boolean | { readonly server?: string };
}

/** What `client.register()` takes (RFC 3261 §10). */
export interface RegisterOptions {
  /** Address of record to register; default the client's localUri. */
  readonly aor?: string;
  /** Registrar URI (Request-URI of the REGISTER); default the AOR's domain, located by RFC 3263. */
  readonly registrar?: string;
  /** Contact to bind; default the client's own SIP address. */
  readonly contact?: string;
  /** Lifetime asked for in seconds (default 3600); the registrar's answer wins. */
  readonly expires?: number;
  /** CRLF keep-alive period on TCP/TLS (RFC 5626), seconds; default 30, 0 off. */
  readonly keepAliveSeconds?: number;
  /** Delay before registering again after a failure, seconds (default 30). */
  readonly retrySeconds?: number;
  /**
   * Accept INVITEs for any Request-URI. Default false: once registered, an INVITE naming neither
   * a registered AOR nor a bound Contact is answered 404.
   */
  readonly acceptAnyRequestUri?: boolean;
}

/** A live registration: refreshed until `unregister()` or `client.close()` (Expires: 0). */
export interface ClientRegistration {
  readonly aor: string;
  readonly state: RegistrationState;
  /** The Contact bound at the registrar. */
  readonly contact: string | undefined;
  /** Registration state changes (registered / refreshed, failed, unregistered); returns the unsubscribe. */
  on(listener: (event: RegistrationEvent) => void): () => void;
  unregister(): Promise<void>;
}

export interface ClientOptions extends NetworkOptions {
  /** Our address of record, e.g. sip:alice@127.0.0.1. */
  readonly localUri: string;
  /** Where the SIP stack listens; port 0 picks a free port. */
  readonly sip: { readonly host: string; readonly port: number; readonly transport: SipTransportName };
  /** Every out-of-dialog request goes through this proxy (sip:HOST:PORT), with a loose Route. */
  readonly outboundProxy?: string;
  /** Local MSRP endpoint; port 0 picks a free port. Defaults to the SIP host, port 0. */
  readonly msrp?: { readonly host?: string; readonly port?: number };
  /**
   * An RFC 4976 relay to authenticate to and route MSRP through (msrp://HOST:PORT;tcp, or msrps:
   * with TLS). `expires` asks for a lifetime in seconds; by default the relay picks it. Username and
   * password are needed only when the relay challenges (RFC 4976 §5.1 digest); without them such a
   * relay fails createClient() with ERR_MSRP_RELAY_AUTH_REQUIRED.
   */
  readonly msrpRelay?: { readonly uri: string; readonly username?: string; readonly password?: string; readonly expires?: number };
  /** MSRP chunk size in bytes (default 64 KiB; toward a tuned cpm-ft peer 1 MiB, see peerTuning). */
  readonly chunkSize?: number;
  /**
   * Sending toward a cpm-ft receiver without an MSRP relay: `auto` (default) uses larger chunks
   * and Failure-Report: partial, delivery then confirmed by the success REPORT; `off` keeps
   * the defaults for every peer; `always` tunes toward any peer reached without a relay.
   */
  readonly peerTuning?: PeerTuning;
  /** Ask for success REPORTs (Success-Report: yes); step 4 then waits for the REPORT. */
  readonly successReport?: boolean;
  /** Reuse m-lines for further batches to the same destination (7.6.1 step 4.b); default true. */
  readonly reuseMlines?: boolean;
  /** The MAY of 7.6.1 step 4.a: look for further queued batches; default true. */
  readonly checkPendingFiles?: boolean;
  /**
   * The application's answers at the sender's decision points of the spec (MAY / SHOULD / SHOULD NOT
   * rules, runtime/procedure/vocabulary.ts `decisionPoints`); a point left out takes its rule's
   * default. `checkPendingFiles` is shorthand for `decisions['check-pending-files']`.
   */
  readonly decisions?: { readonly [P in DecisionPoint]?: boolean };
  /**
   * RFC 5547 file-range resume: a file cut off part-way is offered again, to the same destination,
   * from the first byte the peer did not acknowledge. Default true.
   */
  readonly resume?: boolean;
  /**
   * RFC 5547 §6 automatic file icons: an image file (JPEG, PNG, GIF, WebP, TIFF, AVIF by its name)
   * sent without an `icon` of its own gets a thumbnail (at most 128 px, JPEG or PNG, at most 32 KiB),
   * made with the optional peer dependency `sharp` when it is installed. Default true; a file's
   * `icon: false` turns it off for that file. Without sharp, or when the image cannot be read, the
   * file goes without an icon (one `auto-icon-unavailable` / `auto-icon-skipped` notice).
   */
  readonly autoIcons?: boolean;
  /**
   * Without successReport, how long after a file's last 200 a failure REPORT still fails it
   * (RFC 4975 §7.1.2). Default: four round trips of the last chunk's 200, between 60 and 500 ms;
   * a value set here is waited exactly; 0 trusts the 200 alone.
   */
  readonly reportGraceMs?: number;
  /**
   * An INVITE with no response at all this long fires the transfer's `no-answer` event (where it
   * went, and that the SIP transaction keeps waiting until Timer B); default 4 s
   * (DEFAULT_NO_ANSWER_NOTICE_MS), 0 never.
   */
  readonly noAnswerNoticeMs?: number;
  /**
   * A JSON file keeping the resume restart points across processes: read by createClient, rewritten
   * (temporary file + rename) after each change. A missing file is an empty state; an unreadable
   * or corrupt one is logged and ignored. Default: restart points live only in this client.
   */
  readonly resumeStatePath?: string;
  /**
   * A folder where the SHA-1s of sent files outlive the process, keyed by device, inode, size and
   * modification time: sending the same file version again from a new process skips the pass that
   * reads and hashes the whole file before the offer. Files under 1 MiB are not stored. The stored
   * hash is only the offer's claim: the receiver still checks what arrives. Default: none (a
   * client remembers only the files it hashed itself).
   */
  readonly hashCacheDir?: string;
  /** One structured event per protocol message and per file outcome (the CLI's --log json). */
  readonly log?: (event: LogEvent) => void;
  /** Parser and session limits; every field has a safe default (see ClientLimits). */
  readonly limits?: ClientLimits;
  /**
   * RFC 6714 (CEMA) style MSRP session matching: accept a request when the session ids in To-Path
   * and From-Path match, even if hosts and ports differ from the SDP a=path (an SBC rewrote it).
   * Default false: the whole URIs must match (RFC 4975 §7.3), otherwise 403.
   */
  readonly msrpMatchSessionIdOnly?: boolean;
}

/**
 * Bounds on what a peer can make us parse or hold. Sizes in bytes; counts are positive integers.
 * Defaults: SIP 256 KiB per message, 256 header fields, 8 KiB per header line; MSRP 64 header
 * fields, 4 KiB per header line; 16 concurrent incoming sessions per peer and 128 in total.
 */
export interface ClientLimits {
  /** Largest SIP message (and body) accepted; larger ones get 513 (UDP) or close the connection. */
  readonly sipMaxMessageBytes?: number;
  /** Most SIP header fields in one message. */
  readonly sipMaxHeaders?: number;
  /** Longest SIP header line (after unfolding). */
  readonly sipMaxHeaderLine?: number;
  /** Longest MSRP start or header line. */
  readonly msrpMaxHeaderLine?: number;
  /** Most MSRP header fields in one request or response. */
  readonly msrpMaxHeaders?: number;
  /**
   * Concurrent incoming sessions from one peer, the peer being the address of record in the
   * INVITE's From (scheme, user and host: what identifies a sender behind a proxy or SBC, where
   * every INVITE comes from the same source address). Beyond it: 486 Busy Here.
   */
  readonly maxSessionsPerPeer?: number;
  /** Concurrent incoming sessions in total. Beyond it: 503 Service Unavailable with Retry-After. */
  readonly maxSessions?: number;
  /**
   * M-lines in one incoming offer, and files started over one dialog (re-INVITEs included),
   * default 64. Beyond it: 488 Not Acceptable Here with a Warning naming the bound.
   */
  readonly maxMlinesPerSession?: number;
  /** Files one incoming session holds at once, default 32. Beyond it: 488 with a Warning. */
  readonly maxOpenFilesPerSession?: number;
  /**
   * Incoming files held at once in total (each may take a temporary file and an MSRP connection),
   * default 1024 or (descriptor limit - 48) / 2 when lower. Beyond it: 503 with Retry-After and a Warning.
   */
  readonly maxOpenFiles?: number;
  /**
   * Concurrent incoming sessions from one transport source address (what a forged From cannot
   * change), default 64. Beyond it: 486. Behind a proxy or SBC, raise it to maxSessions.
   */
  readonly maxSessionsPerSource?: number;
  /** SIP over TCP/TLS: accepted connections open at once from one source address, default 64. */
  readonly sipMaxConnectionsPerSource?: number;
  /** SIP over TLS: handshakes in progress from one source address, default 8. */
  readonly sipMaxHandshakesPerSource?: number;
  /** MSRP: accepted connections not yet bound to a session, per source address, default 64; more are kept while more of our sessions wait for a connection. */
  readonly msrpMaxSilentConnectionsPerSource?: number;
}

export interface ReceiveOptions {
  /** Folder received files are written into; nothing is ever written outside it. */
  readonly dir: string;
  /** Largest file accepted (a=max-size and MSRP 413 beyond it). */
  readonly maxSize?: number;
  /** Decide per offered file; default accepts everything within maxSize. */
  readonly accept?: (offer: OfferedFile) => boolean | Promise<boolean>;
  /**
   * RFC 5547 file-range resume: keep the gap-free prefix of a file that fails part-way as a hidden
   * `.cpm-resume-<key>.part` in `dir`, so a resend of the same file continues it. Default false.
   */
  readonly keepPartials?: boolean;
  /**
   * RFC 5547 file-icon: largest icon (bytes) handed to the 'icon' event, default 32 KiB. Only PNG,
   * JPEG, GIF and WebP icons (recognised by their bytes) of accepted offers are passed on.
   */
  readonly maxIconBytes?: number;
}

/**
 * The transfer outcome and event shapes are the runtime's own (runtime/transfer): the library hands
 * them through unchanged, so they are declared once, there, and only re-exported here.
 */
export type {
  FileFailure,
  FileResult,
  IncomingTransferEvents,
  MemberFileOutcome,
  MemberOutcome,
  MemberStatusEvent,
  MemberStatusKind,
  OfferedFileInfo as OfferedFile,
} from '../runtime/index.ts';

export interface TransferSummary extends RuntimeTransferSummary {
  /**
   * Group sessions (CPM 7.4.1.1 / 7.4.1.2) whose focus reported its members (RFC 4575 conference
   * event package): each member's final outcome. Absent for 1-1 sessions, or when the focus does
   * not serve the package. `ok` only says the focus took every file.
   */
  readonly members?: readonly MemberOutcome[];
}

export interface OutgoingTransferEvents extends Omit<RuntimeOutgoingTransferEvents, 'end'> {
  /** Group sessions: a member's state changed (answered, declined, got a file, left). */
  'member-status': MemberStatusEvent;
  end: TransferSummary;
}

/**
 * A file to send with options of its own. `icon` is its RFC 5547 file-icon: a path to a PNG, JPEG,
 * GIF or WebP image of at most 32 KiB, or such bytes; a bad icon fails that file (ERR_FILE_ICON).
 * `false` sends it without an icon even when it is an image (no automatic thumbnail).
 */
export interface FileToSend {
  readonly path: string;
  readonly icon?: string | FileIcon | false;
}

/** What `client.send()` takes besides the destination and the files. */
export interface SendOptions {
  /** Aborting it cancels the transfer, as `transfer.cancel()` does (its reason becomes the cancel's). */
  readonly signal?: AbortSignal;
}

export interface OutgoingTransfer {
  /** Queue another batch for the same destination (7.6.1 step 4.a finds it). */
  queue(files: readonly (string | FileToSend)[]): void;
  /**
   * Cancels the transfer (clause 7.6.1 step 6): the file being sent is interrupted with an MSRP '#'
   * chunk and the session released (BYE) once that is on the wire. Files not through fail with
   * source 'cancelled'; files already delivered stay delivered. Resolves with the summary (as
   * `done`); calling it again, or after the end, changes nothing.
   */
  cancel(reason?: string): Promise<TransferSummary>;
  on<E extends keyof OutgoingTransferEvents>(event: E, listener: (payload: OutgoingTransferEvents[E]) => void): this;
  /** Like `on`, for the next such event only. */
  once<E extends keyof OutgoingTransferEvents>(event: E, listener: (payload: OutgoingTransferEvents[E]) => void): this;
  /** Removes a listener given to `on` or `once`. */
  off<E extends keyof OutgoingTransferEvents>(event: E, listener: (payload: OutgoingTransferEvents[E]) => void): this;
  /** Resolves when the session is released; never rejects (failures are in the summary). */
  readonly done: Promise<TransferSummary>;
}


export interface LogEvent {
  readonly kind: 'sip' | 'msrp' | 'file' | 'rule';
  readonly direction?: 'sent' | 'received';
  readonly [key: string]: unknown;
}

/** RFC 5547 pull, answering side: what `client.serve()` takes. */
export interface ServeOptions {
  /** The only folder files are served from: regular files directly in it, never through a symlink. */
  readonly dir: string;
  /**
   * Each pulled m-line, once its INVITE is answered: served (with the path; an `onServed` follows)
   * or not (port 0, or the INVITE cancelled or refused as a whole), with the reason.
   */
  readonly onRequest?: (request: ServeRequestEvent) => void;
  /** A served file was sent and every chunk acknowledged, or its sending failed. */
  readonly onServed?: (served: FileServedEvent) => void;
}

/** RFC 5547 pull, offering side: the file wanted from `from`, by its file-selector parts. */
export interface PullRequest {
  /** SIP URI of the party that has the file. */
  readonly from: string;
  readonly selector: PullSelector;
  /** Folder the file is published into (created if missing is the caller's job); nothing is written outside it. */
  readonly dir: string;
  readonly maxSize?: number;
  /** Bound on waiting for the file (default 60 s). */
  readonly timeoutMs?: number;
  /** Aborting it cancels the pull: the part received is discarded, the session released, the result `reason: 'cancelled'`. */
  readonly signal?: AbortSignal;
}

/**
 * RFC 5547 pull of several files in one session: the first by the INVITE, each further one by a
 * re-INVITE reusing the m-line with a new file-transfer-id. One result per selector, in order.
 */
export interface PullFilesRequest extends Omit<PullRequest, 'selector'> {
  readonly selectors: readonly PullSelector[];
}

/** What `client.receive()` returns. */
export interface ReceivingHandle {
  /** The folder files go into. */
  readonly dir: string;
  /**
   * Stops receiving: new offers no longer reach this receiver (they get 480 Temporarily Unavailable
   * when no other receive() is active) and its sessions in progress end with a BYE. Idempotent.
   */
  stop(): Promise<void>;
}

export interface CpmClient {
  /** The SIP address actually bound (after port 0 resolution). */
  readonly sipAddress: { readonly host: string; readonly port: number; readonly transport: SipTransportName };
  /** Throws ERR_INVALID_OPTION (synchronously) for a destination or file list of the wrong shape. */
  send(destination: Destination, files: readonly (string | FileToSend)[], options?: SendOptions): OutgoingTransfer;
  /**
   * Start accepting incoming file transfers into `options.dir`. Throws ERR_INVALID_OPTION for bad
   * options and ERR_RECEIVE_DIR when the folder cannot be written; the handle stops receiving.
   */
  receive(options: ReceiveOptions): ReceivingHandle;
  on<E extends keyof IncomingTransferEvents>(event: E, listener: (payload: IncomingTransferEvents[E]) => void): this;
  /** Like `on`, for the next such event only. */
  once<E extends keyof IncomingTransferEvents>(event: E, listener: (payload: IncomingTransferEvents[E]) => void): this;
  /** Removes a listener given to `on` or `once`. */
  off<E extends keyof IncomingTransferEvents>(event: E, listener: (payload: IncomingTransferEvents[E]) => void): this;
  /** RFC 5547 pull: answer INVITEs whose file m-lines are all recvonly from files in `dir`. */
  serve(options: ServeOptions): void;
  /**
   * RFC 5547 pull: ask `from` for one file by its selector. Transfer failures are in the result;
   * it rejects only for a request of the wrong shape (ERR_INVALID_OPTION).
   */
  pull(request: PullRequest): Promise<PullResult>;
  /** RFC 5547 pull of several files over one session (re-INVITE per further file); rejects as pull does. */
  pullFiles(request: PullFilesRequest): Promise<PullResult[]>;
  /**
   * Registers at a registrar (RFC 3261 §10) and keeps the binding refreshed; resolves once
   * registered. A first failure other than refused credentials rejects but is retried meanwhile.
   */
  register(options?: RegisterOptions): Promise<ClientRegistration>;
  close(): Promise<void>;
}
