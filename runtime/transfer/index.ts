/**
 * The file-transfer layer (OMA CPM clause 7.6.1 / 7.6.2 on SIP, SDP and MSRP).
 *
 *   const sender = new FileTransferSender({ ua, endpoint, procedures, chunkSize?, window?, successReport?,
 *                                           reuseMlines?, checkPendingFiles?, waitTimeoutMs?, log? })
 *   const t = sender.send(destination, paths)     // OutgoingFileTransfer
 *   t.queue(paths); t.on('progress' | 'file-complete' | 'file-failed' | 'end', ...); await t.done
 *   await sender.close()
 *
 *   const receiver = new FileTransferReceiver({ endpoint, procedures, dir, maxSize?, accept?, setup?, log? })
 *   UA delegate: onInvite -> receiver.handleInvite(incoming), onReinvite -> receiver.handleReinvite(dialog, incoming),
 *                onBye / onDialogTerminated -> receiver.handleBye(dialog)
 *   receiver.on('offer' | 'progress' | 'file-received' | 'file-failed' | 'session-end', ...); await receiver.close()
 *
 * `procedures` (FileTransferProcedures) is the delegate to the generated handlers and RFC 5547
 * attribute codecs; src/procedures.ts builds it. Helpers: prepareFile, buildFileMedia,
 * buildSessionOffer, newFileTransferId, buildGroupInviteBody, planMlines, runProcedure.
 */
export * from './destination.ts';
export * from './mline-plan.ts';
export * from './procedure-runner.ts';
export * from './file-transfer-procedures.ts';
export * from './transfer-types.ts';
export * from './group-member-types.ts';
export * from './typed-emitter.ts';
export * from './file-offer.ts';
export * from './group-invite-body.ts';
export * from './file-icon.ts';
export * from './file-invite-body.ts';
export * from './offered-icons.ts';
export * from './save-icon.ts';
export * from './prepare-file-icon.ts';
export * from './pull-selector.ts';
export * from './file-puller.ts';
export * from './pull-session.ts';
export * from './pull-reoffer.ts';
export * from './file-server.ts';
export * from './send-file-over-msrp.ts';
export * from './peer-data-path.ts';
export * from './file-transfer-sender.ts';
export * from './transfer-defaults.ts';
export * from './clause-procedures.ts';
export * from './action-executors.ts';
export * from './file-transfer-receiver.ts';
export * from './session-lifetime.ts';
export * from './resume-book.ts';
export * from './resume-store.ts';
export * from './resumable-partial.ts';
export * from './ranged-file-source.ts';
