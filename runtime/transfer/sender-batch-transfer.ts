// The data path of one batch: MSRP set-up for the accepted m-lines, then each file over MSRP in
// turn, in m-line order, with its outcome (delivered, failed, resumable, late failure REPORT).
// One file at a time keeps "the last SEND" of clause 7.6.1 step 4 well defined and gives each
// file the whole connection.

import { CpmError } from '../errors.ts';
import { type CancelTimer, schedule, systemClock } from '../msrp/clock.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import type { MsrpReport } from '../msrp/outgoing-message.ts';
import { parseMsrpPath } from '../msrp/msrp-uri.ts';
import { getMaxSize, getPath } from '../sdp/msrp-attributes.ts';
import type { NegotiatedMedia } from '../sdp/offer-answer.ts';
import type { SdpMedia, SessionDescription } from '../sdp/session-description.ts';
import type { PreparedFile } from './file-offer.ts';
import type { RangeWatch } from './ranged-file-source.ts';
import type { SenderRun } from './sender-run.ts';
import { warningFor, type Line, type SessionState } from './sender-session-state.ts';
import { sendFileOverMsrp } from './send-file-over-msrp.ts';
import { chooseDataPath, type DataPath } from './peer-data-path.ts';
import { adaptiveReportGrace } from './transfer-defaults.ts';

/**
 * Establishes MSRP for the accepted m-lines of this batch and sends their files in turn. Returns
 * true when an MSRP connection dropped (what was not sent has failed).
 */
export async function transferBatch(run: SenderRun, state: SessionState, active: readonly number[], negotiated: readonly NegotiatedMedia[], answer: SessionDescription): Promise<boolean> {
  const ready: Array<{ line: Line; file: PreparedFile; setup: Promise<void> }> = [];
  if (run.aborted) {
    for (const index of active) {
      const file = state.lines[index]?.file;
      if (file) run.failFile(file, run.stopFailure());
    }
    return false;
  }
  for (const index of active) {
    const line = state.lines[index];
    const file = line?.file;
    const media = negotiated[index];
    if (line === undefined || file === undefined || media === undefined) continue;
    // RFC 3264 §6: port 0 in the answer rejects that stream, so that file is not sent.
    if (!media.accepted) {
      line.session?.close();
      line.session = undefined;
      if (line.rangeStart !== undefined) {
        // RFC 5547 §8.2: a push answerer cannot change the offered range, only decline it (it has
        // no partial copy to continue). The restart point is dropped: a new send is a full one.
        run.resumeBook.forget(run.destination, file);
        run.failFile(file, { source: 'sip-response', code: 'ERR_RESUME_DECLINED', message: `the receiver declined to resume ${file.name} from byte ${line.rangeStart} (m-line ${index}, port 0); send it again for a full transfer` });
        continue;
      }
      run.failFile(file, { source: 'sip-response', message: `the answer rejected m-line ${index} (port 0)${warningFor(state.warnings, file.name)}` });
      continue;
    }
    // RFC 5547 §8.2: an answerer that takes part in a resume repeats a=file-range; one that does
    // not know the attribute ignores it, and would take our range for the whole file, so the
    // whole file is sent instead.
    if (line.rangeStart !== undefined && !(answer.media[index]?.attributes ?? []).some((a) => a.name === 'file-range')) {
      run.log({ kind: 'file', event: 'resume-not-answered', name: file.name, from: line.rangeStart });
      line.rangeStart = undefined;
    }
    // RFC 4975 §8.6: the answer's a=max-size is the largest message the receiver will take, and a
    // sender ought not to send one larger. It bounds the message (here the file, or the resumed
    // range of it), not the chunk, so the file fails now, named, before any MSRP byte is spent.
    const peerMax = getMaxSize(answer.media[index] as SdpMedia);
    const messageBytes = file.size - (line.rangeStart ?? 1) + 1;
    const perChunk = run.settings.peerMaxSizeScope === 'chunk';
    line.chunkCap = perChunk ? peerMax : undefined;
    if (!perChunk && peerMax !== undefined && messageBytes > peerMax) {
      line.session?.close();
      line.session = undefined;
      run.failFile(file, { source: 'sip-response', code: 'ERR_MSRP_PEER_MAX_SIZE', message: `${file.name} not sent: ${messageBytes} bytes exceed the receiver's a=max-size of ${peerMax} bytes (m-line ${index})` });
      continue;
    }
    const session = line.session as MsrpSession;
    if (!perChunk) session.setPeerMaxSize(peerMax);
    const path = parseMsrpPath(getPath(answer.media[index] as SdpMedia).join(' '));
    if (!path.ok) {
      run.failFile(file, { source: 'sip-response', message: path.error.message });
      continue;
    }
    session.setRemotePath(path.value);
    // RFC 4976 §6.1: a peer behind a relay lists the relay's URIs before its own in a=path.
    const relayed = session.options.relayPath !== undefined || path.value.length > 1;
    line.dataPath = chooseDataPath({
      tuning: run.settings.peerTuning, successReport: run.settings.successReport || state.successReports, chunkSize: run.settings.chunkSize,
      tunedChunkSize: run.settings.tunedChunkSize, server: state.peerServer, relayed,
    });
    if (line.dataPath.failureReport === 'partial') run.log({ kind: 'msrp', event: 'data-path', file: file.name, chunkSize: line.dataPath.chunkSize, failureReport: 'partial' });
    // RFC 6135 §4 / RFC 4975 §5.4: the answerer's a=setup says who connects; an answer without
    // a=setup leaves it to us, the offerer (connectingParty() applies that default).
    const setup = media.connectingParty === 'answerer' ? waitBound(run, session) : session.connect();
    setup.catch(() => {});
    ready.push({ line, file, setup });
  }
  // Files whose last 200 came without Success-Report stay undecided for the grace period, in
  // which a failure REPORT may still arrive; the next file is sent meanwhile.
  const verdicts: Array<Promise<void>> = [];
  for (const [position, { line, file, setup }] of ready.entries()) {
    if (run.aborted) {
      run.failFile(file, run.stopFailure());
      continue;
    }
    try {
      await setup;
    } catch (error) {
      const timeout = error instanceof CpmError && error.code === 'ERR_MSRP_TRANSACTION_TIMEOUT';
      // A refused TLS certificate keeps its own code: the fix (--tls-ca) differs from a lost connection's.
      const refused = error instanceof CpmError && error.code === 'ERR_MSRP_TLS_REFUSED';
      run.failFile(file, { source: timeout ? 'timeout' : 'connection', ...(refused ? { code: error.code } : {}), message: error instanceof Error ? error.message : String(error) });
      for (const rest of ready.slice(position + 1)) run.failFile(rest.file, { source: 'connection', message: 'session released after an MSRP connection failure' });
      await Promise.all(verdicts);
      return true;
    }
    const sent = await sendFile(run, line, file);
    if (sent.verdict !== undefined) verdicts.push(sent.verdict);
    if (sent.broken) {
      for (const rest of ready.slice(position + 1)) run.failFile(rest.file, { source: 'connection', message: 'session released after an MSRP connection failure' });
      await Promise.all(verdicts);
      return true;
    }
  }
  // Step 4 ("last SEND acknowledged") runs only once every file of the batch is decided.
  await Promise.all(verdicts);
  return false;
}

function waitBound(run: SenderRun, session: MsrpSession): Promise<void> {
  const timeoutMs = run.settings.waitTimeoutMs;
  return new Promise<void>((resolve, reject) => {
    const cancel = schedule(session.clock, timeoutMs, () => reject(new CpmError('ERR_MSRP_TRANSACTION_TIMEOUT', `the peer did not connect within ${timeoutMs} ms`)));
    session.waitBound().then(
      () => { cancel(); resolve(); },
      (error: unknown) => { cancel(); reject(error); },
    );
  });
}

/**
 * Sends one file (from line.rangeStart when resuming) and records its outcome, or returns the
 * verdict still pending on the late-REPORT grace period. `broken`: the MSRP connection is lost.
 */
async function sendFile(run: SenderRun, line: Line, file: PreparedFile): Promise<{ broken: boolean; verdict?: Promise<void> }> {
  const start = line.rangeStart ?? 1;
  const watch: RangeWatch = {};
  let acknowledged = 0;
  if (start > 1) run.log({ kind: 'file', event: 'resume', name: file.name, from: start, size: file.size });
  const { settings } = run;
  const path: DataPath = line.dataPath ?? { chunkSize: settings.chunkSize, failureReport: 'yes', successReport: settings.successReport || run.current?.successReports === true };
  const outcome = await sendFileOverMsrp(line.session as MsrpSession, file, {
    start,
    watch,
    chunkSize: Math.max(1, Math.min(path.chunkSize, line.chunkCap ?? Infinity)),
    window: settings.window,
    successReport: path.successReport,
    failureReport: path.failureReport,
    waitTimeoutMs: settings.waitTimeoutMs,
    closeWatch: line,
    aborted: () => run.aborted,
    stopFailure: () => run.stopFailure(),
    onProgress: (sent) => {
      acknowledged = sent;
      run.emit('progress', { file: file.name, sent: start - 1 + sent, total: file.size });
    },
    ...(settings.log !== undefined ? { log: settings.log } : {}),
  });
  if (outcome.kind === 'delivered') {
    run.resumeBook.forget(run.destination, file);
    const grace = settings.reportGraceMs ?? adaptiveReportGrace(watch.message?.lastChunkRttMs);
    if (path.successReport || grace <= 0) {
      run.succeed(file);
      return { broken: false };
    }
    return { broken: false, verdict: lateVerdict(run, line, file, grace) };
  }
  if (watch.shortRead !== undefined) {
    // The file shrank while it was read: the message was ended with '#', nothing to resume.
    const [got, expected] = watch.shortRead;
    run.resumeBook.forget(run.destination, file);
    run.failFile(file, { source: 'local', code: 'ERR_FILE_CHANGED', message: `${file.path} changed during the send: read ${got} of ${expected} bytes from byte ${start}; the message was aborted` });
    return { broken: outcome.broken };
  }
  // RFC 4975 §7.1: each 200 proves the peer holds that chunk, so a file cut off by the
  // connection, a timeout, a local abort or a cancel can restart after the acknowledged bytes; a
  // file the peer refused (error response, failure REPORT) restarts from scratch.
  if (['connection', 'timeout', 'local', 'cancelled'].includes(outcome.failure.source)) {
    // The message's own count is exact; the progress ticks may lag behind it.
    const received = Math.max(acknowledged, watch.message?.bytesAcknowledged ?? 0);
    if (run.destination.kind === 'one-recipient') run.resumeBook.record(run.destination, file, start - 1 + received);
  } else run.resumeBook.forget(run.destination, file);
  run.failFile(file, outcome.failure, outcome.event);
  return { broken: outcome.broken };
}

/**
 * RFC 4975 §7.1.2: with Success-Report off, a failure REPORT can still follow the last 200. The
 * file counts as delivered only once `graceMs` passed without one (or the connection closed, after
 * which none can come); a failure REPORT in that time raises clause 7.6.1 step 5's
 * failure-report-received event before step 4 runs, as if it had come before the 200.
 */
function lateVerdict(run: SenderRun, line: Line, file: PreparedFile, graceMs: number): Promise<void> {
  return new Promise<MsrpReport | undefined>((resolve) => {
    if (line.lateFailure !== undefined) { resolve(line.lateFailure); return; }
    let cancel: CancelTimer | undefined;
    const done = (report: MsrpReport | undefined): void => {
      cancel?.();
      line.onLateReport = undefined;
      line.onClose = undefined;
      resolve(report);
    };
    cancel = schedule(line.session?.clock ?? systemClock, graceMs, () => done(undefined));
    line.onLateReport = done;
    line.onClose = () => done(undefined);
    if (line.session?.connection === undefined) done(undefined);
  }).then((report) => {
    if (report === undefined) { run.succeed(file); return; }
    const code = report.status?.code ?? 0;
    run.log({ kind: 'msrp', direction: 'received', event: 'late-failure-report', messageId: report.messageId, file: file.name, status: code });
    run.failFile(file, { source: 'failure-report', status: code, message: `failure REPORT ${code} ${report.status?.reason ?? ''} after the last 200`.trim() }, 'failure-report-received');
  });
}
