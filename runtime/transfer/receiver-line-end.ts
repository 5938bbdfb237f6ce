// The end of an accepted m-line: a file that failed (kept as a resume partial or dropped), a line
// closed by a re-INVITE, and every line of a session that ended.

import { keepPartial, removePartial } from './resumable-partial.ts';
import { noop, type IncomingLine, type IncomingSession, type ReceiverContext } from './receiver-session-state.ts';

/**
 * `keep` false: no resume partial, even with keepPartials (the disk could not store the file).
 * `code`: the cause's error code, passed on in the 'file-failed' event.
 */
export function failLine(context: ReceiverContext, line: IncomingLine, reason: string, keep = true, code?: string): void {
  if (line.state === 'failed' || line.state === 'done' || line.state === 'finalizing') return;
  line.state = 'failed';
  line.discarded = discard(context, line, keep);
  context.options.log?.({ kind: 'file', event: 'failed', name: line.name, reason });
  context.emit('file-failed', { transferId: line.transferId, name: line.name, reason, ...(code !== undefined ? { code } : {}) });
}

/**
 * Drops an unfinished file's temporary data, first keeping its gap-free prefix when resumable.
 * A file refused for a storage error (ENOSPC, EIO ...) keeps no part: our 413 made the sender
 * count the file as refused, not interrupted, so it records no restart point and would never
 * resume it, and the part would only hold on to space the disk is short of. An older part of the
 * same file goes too, so a resend starts cleanly from byte 1.
 */
async function discard(context: ReceiverContext, line: IncomingLine, keep: boolean): Promise<void> {
  if (context.options.keepPartials === true && line.identity !== undefined && !keep) {
    await line.lastWrite.catch(noop);
    await removePartial(context.options.dir, line.identity).catch(noop);
    context.options.log?.({ kind: 'file', event: 'partial-dropped', name: line.name, reason: 'the file was refused for a storage error; a resend starts from byte 1' });
  } else if (context.options.keepPartials === true && line.identity !== undefined) {
    await line.lastWrite.catch(noop);
    const first = line.writer.receivedRanges()[0];
    const prefix = first !== undefined && first.start === 1 ? first.end : 0;
    try {
      const kept = await keepPartial(context.options.dir, line.identity, line.writer, prefix);
      if (kept > 0) context.options.log?.({ kind: 'file', event: 'partial-kept', name: line.name, bytes: kept, size: line.identity.size });
    } catch (error) {
      context.options.log?.({ kind: 'file', event: 'partial-lost', name: line.name, message: String(error) });
    }
  }
  await line.writer.abort().catch(noop);
}

/** Ends one line (a re-INVITE closed it, or its session ended) once its file is settled. */
export async function closeLine(context: ReceiverContext, line: IncomingLine, reason: string): Promise<void> {
  failLine(context, line, reason);
  await line.finalization;
  await line.discarded;
  line.session.close();
  context.byTransferId.delete(line.transferId);
  context.budget.release(line);
}

/** Ends every line of a session, after the lines a re-INVITE was already closing. */
export async function endSession(context: ReceiverContext, session: IncomingSession, why = 'the session ended before the file was complete'): Promise<void> {
  await Promise.all(session.closing);
  await Promise.all(session.lines.map((line) => (line === undefined ? undefined : closeLine(context, line, why))));
}
