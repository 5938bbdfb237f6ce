// The narrow contract between spec-generated procedure handlers and the runtime (protobuf-es style:
// one table of the symbols generated code may use, owned by the runtime). The spec toolchain reads
// these tables to reject a rule that names an event, guard, action or decision point the runtime
// does not provide; the client executes the actions listed here.

/**
 * Events that trigger rules. The role that raises each one (the sending client, or the receiving
 * side: push answerer, file server, receiver of re-offers) is in runtime/procedure/roles.ts.
 */
export const procedureEvents = {
  'send-files-requested': 'The user asked the client to send one or more files to a destination.',
  'last-send-acknowledged': 'A 200 OK arrived for the last MSRP SEND of the files in the session.',
  'success-report-received': 'A success REPORT arrived for the last file, having been asked for with Success-Report: yes.',
  'msrp-error-response': 'An MSRP transaction response other than 200 arrived for a SEND.',
  'failure-report-received': 'An MSRP REPORT with a failure status arrived.',
  'transfer-complete': 'Every file of the session is done and the client is releasing it.',
  // Receiving side (RFC 5547 §8): raised once per offered m-line, or once per received file.
  'file-offer-received': 'An INVITE offers a file m-line to the receiver (a push: the offerer sends the file).',
  'pull-offer-received': 'An INVITE asks the file server for a file m-line (a pull: the offerer receives the file).',
  'mline-reoffered': 'A re-INVITE offers again an m-line that carried a file in this session.',
  'file-data-complete': 'The last byte of a pushed file arrived; it is not yet published under its name.',
} as const;
export type ProcedureEvent = keyof typeof procedureEvents;

/** Boolean facts the client computes before it runs a handler. */
export const procedureGuards = {
  'one-recipient': 'The destination is a single recipient URI.',
  'recipient-list': 'The destination is a list of recipients (ad-hoc group).',
  'predefined-group': 'The destination is the URI of a pre-defined group.',
  'one-to-one-session': 'The session is a CPM 1-1 session.',
  'group-session': 'The session is an ad-hoc or pre-defined CPM group session.',
  'more-than-one-file': 'More than one file is to be sent in this session.',
  'success-report-requested': 'The client asked for success reports (Success-Report: yes) on its SENDs.',
  'pending-files-same-destination': 'Further files are queued for the same destination.',
  'wants-mline-reuse': 'The client is configured to reuse m-lines for further files.',
  'unused-mlines': 'The session has more m-lines than the next batch of files needs.',
  // Receiving side: facts about one offered m-line or one received file.
  'offer-sendonly': 'The offered file m-line is sendonly: the offerer wants to send the file.',
  'file-found': 'The pull m-line carries a file-selector and a file-transfer-id, and its selector names exactly one file the server serves.',
  'port-zero': 'The re-offered m-line has port 0.',
  'transfer-id-changed': 'The re-offered m-line carries a file-transfer-id other than the one it had.',
  'selector-has-hash': 'The file-selector of the offer gave a hash of the file.',
} as const;
export type ProcedureGuard = keyof typeof procedureGuards;

/** Where the client makes a choice the spec leaves open (MAY / SHOULD rules). */
export const decisionPoints = {
  'check-pending-files': {
    summary: 'Whether to look for more files queued to the same destination once the last SEND is acknowledged.',
    /** The answer at a MAY rule when the application gives none: the library takes queued files along. */
    mayDefault: true,
  },
  'accept-file': {
    summary: 'Whether the receiving user or application takes an offered file: the `accept` callback, else the receiver\'s size limit (maxSize).',
    /** Unanswered, the file is taken; the receiver always answers (its callback, or its size limit). */
    mayDefault: true,
  },
} as const;
export type DecisionPoint = keyof typeof decisionPoints;

/** What a rule can ask the client to do. `args` names the argument kind the action takes, if any. */
export const procedureActions = {
  'follow-clause': { args: 'clause', summary: 'Run the procedure of another clause (session set-up or release).' },
  'apply-rfc5547': { args: 'none', summary: 'Build the offer with the RFC 5547 offer/answer rules for file transfer.' },
  'add-file-attributes': { args: 'none', summary: 'Put the RFC 5547 file attributes (file-selector, file-transfer-id, ...) on each file m-line.' },
  'one-mline-per-file': { args: 'none', summary: 'Describe each file in its own m=message line.' },
  'check-pending-files': { args: 'none', summary: 'Take the next batch of files queued for the same destination.' },
  'send-reinvite': { args: 'none', summary: 'Send a re-INVITE in the existing session.' },
  'reuse-mline': { args: 'none', summary: 'Give existing m-lines new file attributes for the next files.' },
  'close-unused-mline': { args: 'none', summary: 'Set the port of each m-line no longer needed to 0.' },
  'send-bye': { args: 'none', summary: 'Send a SIP BYE to close the session.' },
  'indicate-transfer-failed': { args: 'none', summary: 'Tell the user that the file transfer failed, with the cause.' },
  // Receiving side.
  'answer-recvonly': { args: 'none', summary: 'Accept the pushed file: answer its m-line recvonly with our MSRP path, and receive the file.' },
  'answer-sendonly': { args: 'none', summary: 'Serve the pulled file: answer its m-line sendonly with our MSRP path, and send the file.' },
  'echo-file-selector': { args: 'none', summary: 'Repeat the offered a=file-selector in the accepted m-line of the answer.' },
  'echo-file-transfer-id': { args: 'none', summary: 'Repeat the offered a=file-transfer-id in the accepted m-line of the answer.' },
  'reject-mline': { args: 'none', summary: 'Refuse the offered m-line: answer it with port 0 (the whole INVITE is refused when no m-line is left).' },
  'keep-transfer': { args: 'none', summary: 'Go on with the m-line\'s transfer and MSRP session as they are.' },
  'close-transfer': { args: 'none', summary: 'End the m-line\'s transfer: close its MSRP session and drop an unfinished file.' },
  'take-as-new-offer': { args: 'none', summary: 'Treat the re-offered m-line as a new file offer (the file-offer-received rules answer it).' },
  'verify-file-hash': { args: 'none', summary: 'Compare the received file with the offered hash before publishing it; a mismatch is refused with MSRP 400.' },
} as const;
export type ProcedureAction = keyof typeof procedureActions;

/**
 * The clauses `follow-clause` may name, and what part of the procedure each one is: the runtime
 * implements each (runtime/transfer/clause-procedures.ts, typed over this table) and `spec check`
 * rejects a rule that follows any other clause.
 */
export const followableClauses = {
  '7.3.1': { role: 'session-set-up', summary: 'Set up a CPM 1-1 session: the INVITE goes to the one recipient.' },
  '7.4.1.1': { role: 'session-set-up', summary: 'Set up an ad-hoc CPM group session: the INVITE goes to the conference factory with the recipient list.' },
  '7.4.1.2': { role: 'session-set-up', summary: 'Set up a pre-defined CPM group session: the INVITE goes to the group URI.' },
  '7.6.2': { role: 'session-release', summary: 'Release the file transfer session (the rules of the transfer-complete event).' },
} as const;
export type FollowableClause = keyof typeof followableClauses;
export type ClauseRole = (typeof followableClauses)[FollowableClause]['role'];

/**
 * After the last SEND of a batch the runtime raises these events in this order (the second only
 * when the fact `raisedWhen` holds), runs their rules into one plan, and then either releases the
 * session (a follow-clause to a session-release clause) or continues it (send-reinvite with
 * check-pending-files, files pending). `spec check` proves every situation ends in exactly one.
 */
export const sessionOutcomeEvents = [
  { event: 'last-send-acknowledged', raisedWhen: null },
  { event: 'success-report-received', raisedWhen: 'success-report-requested' },
] as const satisfies readonly { event: ProcedureEvent; raisedWhen: ProcedureGuard | null }[];

export const modalities = ['SHALL', 'SHALL NOT', 'SHOULD', 'SHOULD NOT', 'MAY'] as const;
export type Modality = (typeof modalities)[number];
