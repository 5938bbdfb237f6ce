// One file m-line of an offer: its MSRP session, the resume point it offers (RFC 5547
// file-range) and its media description. Shared by the first offer (set-up) and re-offers (step 4.b).

import type { MsrpSession } from '../msrp/msrp-session.ts';
import type { SdpMedia } from '../sdp/session-description.ts';
import { buildFileMedia, fileAttributesOf, type PreparedFile } from './file-offer.ts';
import type { SenderRun } from './sender-run.ts';
import type { Line, SessionState } from './sender-session-state.ts';

export function newMsrpSession(run: SenderRun, line: Line): MsrpSession {
  return run.settings.endpoint.createSession({
    delegate: {
      onClose: (error) => line.onClose?.(error),
      // RFC 4975 §7.1.2: a REPORT with a non-200 status fails the message it names, and it may
      // arrive after the last chunk's 200. One message per m-line, so any is this file's.
      onReport: (report) => {
        if (report.status === undefined || report.status.code === 200) return;
        line.lateFailure ??= report;
        line.onLateReport?.(report);
      },
    },
  });
}

/**
 * RFC 5547 file-range: where a file that failed part-way to this destination restarts. It needs
 * the file attributes (the hash is what lets the receiver match its partial copy) and one
 * receiver (a group's members each hold a different amount).
 */
export function resumeStart(run: SenderRun, file: PreparedFile, withFileAttributes: boolean): number | undefined {
  if (!run.settings.resume || !withFileAttributes || run.destination.kind !== 'one-recipient') return undefined;
  return run.resumeBook.startOf(run.destination, file);
}

export function fileMedia(run: SenderRun, state: SessionState, file: PreparedFile, line: Line): SdpMedia {
  if (line.transferId !== null) (state.offeredFiles ??= new Map()).set(line.transferId, file);
  const session = line.session as MsrpSession;
  const media = buildFileMedia(file, run.settings.procedures, {
    path: [session.localPathText],
    port: run.settings.endpoint.port,
    transferId: line.transferId as string,
    withFileAttributes: state.withFileAttributes,
  });
  // RFC 5547 §6 file-range: the offer says which bytes of the file this transfer carries; the
  // attribute text comes from the generated builder.
  if (line.rangeStart !== undefined) {
    const built = run.settings.procedures.fileAttributes.build({ ...fileAttributesOf(file, line.transferId as string), fileRange: { start: line.rangeStart, stop: file.size } });
    media.attributes.push(...built.filter((a) => a.name === 'file-range'));
  }
  return media;
}
