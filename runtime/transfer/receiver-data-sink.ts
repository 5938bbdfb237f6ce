// The data path of an accepted m-line: the MSRP message sink that writes each chunk through the
// line's ReceivingWriter, and the finalisation that checks and publishes the complete file before
// the last chunk is answered.

import { CpmError } from '../errors.ts';
import { MessageRefusedError, type MessageSink } from '../msrp/incoming-message.ts';
import { removePartial } from './resumable-partial.ts';
import { planReceiverEvent, verifiesHash } from './receiver-answer-plan.ts';
import { failLine } from './receiver-line-end.ts';
import { describeError, errnoOf, isOutOfDescriptors, noop, type IncomingLine, type IncomingSession, type ReceiverContext } from './receiver-session-state.ts';

/**
 * What the sender is told when a complete file cannot be published. RFC 4975 §10: a file whose
 * size or hash differs from the offer is data other than announced, 400; a disk error means we
 * cannot take the message, 413. The comment names the cause without our paths.
 */
function finalizeRefusal(error: unknown): MessageRefusedError {
  const code = error instanceof CpmError ? error.code : undefined;
  if (code === 'ERR_FILE_HASH_MISMATCH') return new MessageRefusedError(400, 'the received file does not match the offered hash', { cause: error });
  if (code === 'ERR_FILE_SIZE_MISMATCH' || code === 'ERR_FILE_RANGE') return new MessageRefusedError(400, 'the received file does not match the offered size', { cause: error });
  return new MessageRefusedError(413, `cannot store the file${errnoOf(error)}`, { cause: error });
}

/**
 * Why a message whose Byte-Range total is `announced` cannot be the offered file, or undefined
 * when it can: RFC 5547's file-selector size fixes the total, which is the whole file or, with a
 * file-range, the offered rest of it. A total of `*` is checked byte by byte instead (createSink).
 */
export function announcedTotalProblem(line: IncomingLine, announced: number | undefined): string | undefined {
  if (line.size === undefined || announced === undefined) return undefined;
  if (announced === line.size || announced === line.size - line.rangeStart + 1) return undefined;
  return `the sender's Byte-Range total of ${announced} bytes differs from the offered size of ${line.size} bytes`;
}

/** The sink the MSRP layer writes the line's one message into (`announced`: its Byte-Range total). */
export function createSink(context: ReceiverContext, session: IncomingSession, line: IncomingLine, announced: number | undefined): MessageSink {
  let lastProgress = 0;
  let received = 0;
  let writeError: unknown;
  let finalized: Promise<void> | undefined;
  const total = line.size ?? announced;
  // RFC 5547 file-range: the message is the offered range, its Byte-Range counting from 1; a
  // sender that numbered the whole file instead announces the full size as the message total.
  const offset = line.rangeStart > 1 && announced !== line.size ? line.rangeStart - 1 : 0;
  // The message's length: its Byte-Range total, or with a total of `*` what the offer left to send.
  const expected = announced ?? (line.size === undefined ? undefined : line.size - offset);
  const finish = (): Promise<void> => {
    line.state = 'finalizing';
    context.emit('progress', { transferId: line.transferId, name: line.name, received: offset + received, total });
    finalized = finalize(context, session, line, offset + received);
    line.finalization = finalized.then(noop, noop);
    return finalized;
  };
  return {
    // The writer copies `data` into its staging blocks and hashes it before write() returns.
    consumesSynchronously: true,
    write: (position, data) => {
      // RFC 4975 §7.2: a chunk we cannot store gets an error response, so the sender stops
      // instead of streaming the rest of the file into a full disk. 413 is the status that asks
      // the sender to stop sending this message (§10); the comment names the system error.
      if (writeError !== undefined) {
        // The file is over: no part is kept (see discard in receiver-line-end.ts), and the connection closing after
        // our refusal is then no reason to end the whole session.
        failLine(context, line, `cannot store the file: ${describeError(writeError)}`, false);
        throw new MessageRefusedError(413, `cannot store the file${errnoOf(writeError)}`, { cause: writeError });
      }
      // After a failure nothing more goes to disk: the partial kept for a resume is what was
      // written up to then. The chunk must not be answered 200, or the sender would count
      // bytes as delivered that the partial does not hold and resume after a gap. RFC 4975
      // §10: 481 says the session (here: this file's transfer) no longer exists.
      if (line.state === 'failed') throw new MessageRefusedError(481, 'the file transfer was closed');
      // RFC 4975 §10 400: bytes past the offered size (a total of `*` or a lying range) are not
      // the announced file; refused before they reach the disk, the part is dropped.
      const lastByte = position + offset + data.length - 1;
      if (line.size !== undefined && lastByte > line.size) {
        failLine(context, line, `the sender's Byte-Range reaches byte ${lastByte}, past the offered size of ${line.size} bytes`, false);
        throw new MessageRefusedError(400, 'Byte-Range past the offered size');
      }
      session.lifetime.activity();
      const written = line.writer.write(data, position + offset);
      line.lastWrite = written;
      written.catch((error: unknown) => {
        if (writeError !== undefined) return;
        writeError = error;
        // The temporary file is created with the first chunk; a process out of descriptors is
        // the operator's to know about (the sender only sees the 413 that follows).
        if (isOutOfDescriptors(error)) context.options.log?.({ kind: 'file', event: 'descriptors-exhausted', name: line.name, message: describeError(error) });
      });
      received += data.length;
      const now = Date.now();
      if (now - lastProgress >= 100) {
        lastProgress = now;
        context.emit('progress', { transferId: line.transferId, name: line.name, received: offset + received, total });
      }
      // The message's last byte: the file is checked and published before the MSRP layer
      // answers this chunk, so its 200 is only sent for a file that is really there; a write
      // error or hash mismatch becomes an error response the sender sees (a failure REPORT
      // after the 200 is not sent by the MSRP layer, and a sender may not wait for one).
      if (expected !== undefined && received === expected) return finish();
      // Disk backpressure: the MSRP session pauses the socket until the writer drained.
      if (line.writer.needsDrain) return line.writer.drained();
      return undefined;
    },
    end: (flag, refusal) => {
      if (flag === '#') {
        // RFC 4975 §7.1: '#' (or a dropped connection) ends the message unfinished; after a write
        // error or a refusal of the MSRP layer (too many gaps, bytes past the total) it is our own
        // error response that ended it, and a refused file keeps no part: the sender counts it
        // as refused, not interrupted, and would not resume it.
        if (writeError !== undefined) failLine(context, line, `cannot store the file: ${describeError(writeError)}`);
        else if (refusal !== undefined) failLine(context, line, `refused the file: ${refusal.status} ${refusal.comment}`, false);
        else failLine(context, line, 'the sender aborted the file or the MSRP connection dropped');
        return;
      }
      // Already finished at the last byte (the usual case), or chunks overlapped: finish now.
      return finalized ?? finish();
    },
  };
}

/** Publishes the file; rejects on a size or hash mismatch so that no success REPORT goes out. */
async function finalize(context: ReceiverContext, session: IncomingSession, line: IncomingLine, received: number): Promise<void> {
  const offered = line.attributes.fileSelector?.hash;
  // RFC 5547 §6 (rule RFC5547-6-1.verify-hash): whether the offered hash is checked is the rules'.
  const plan = planReceiverEvent(context.options.procedures.handlers, 'file-data-complete', { 'selector-has-hash': offered !== undefined });
  const hash = verifiesHash(plan) ? offered : undefined;
  const result = await line.writer.finalize({ size: line.size ?? received, ...(hash !== undefined ? { hash } : {}) });
  if (!result.ok) {
    line.state = 'failed';
    const reason = describeError(result.error);
    context.emit('file-failed', { transferId: line.transferId, name: line.name, reason });
    context.options.log?.({ kind: 'file', event: 'failed', name: line.name, reason });
    throw finalizeRefusal(result.error);
  }
  line.state = 'done';
  session.received += 1;
  if (line.identity !== undefined) await removePartial(context.options.dir, line.identity);
  context.options.log?.({ kind: 'file', event: 'received', name: line.name, path: result.value.path, size: result.value.size });
  context.emit('file-received', { transferId: line.transferId, path: result.value.path, size: result.value.size, hash: result.value.hash.digest });
}
