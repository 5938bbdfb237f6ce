// Every action rules can ask for, in the order the tables list them. A new action: its file here and its line below.
import { byName } from '../define.ts';
import { addFileAttributesAction } from './add-file-attributes.ts';
import { answerRecvonlyAction } from './answer-recvonly.ts';
import { answerSendonlyAction } from './answer-sendonly.ts';
import { applyRfc5547Action } from './apply-rfc5547.ts';
import { checkPendingFilesAction } from './check-pending-files.ts';
import { closeTransferAction } from './close-transfer.ts';
import { closeUnusedMlineAction } from './close-unused-mline.ts';
import { echoFileSelectorAction } from './echo-file-selector.ts';
import { echoFileTransferIdAction } from './echo-file-transfer-id.ts';
import { followClauseAction } from './follow-clause.ts';
import { indicateTransferFailedAction } from './indicate-transfer-failed.ts';
import { interruptSendAction } from './interrupt-send.ts';
import { keepTransferAction } from './keep-transfer.ts';
import { oneMlinePerFileAction } from './one-mline-per-file.ts';
import { rejectMlineAction } from './reject-mline.ts';
import { requestSuccessReportsAction } from './request-success-reports.ts';
import { reuseMlineAction } from './reuse-mline.ts';
import { sendByeAction } from './send-bye.ts';
import { sendReinviteAction } from './send-reinvite.ts';
import { takeAsNewOfferAction } from './take-as-new-offer.ts';
import { verifyFileHashAction } from './verify-file-hash.ts';

export const actionEntries = byName([
  followClauseAction,
  applyRfc5547Action,
  addFileAttributesAction,
  oneMlinePerFileAction,
  requestSuccessReportsAction,
  checkPendingFilesAction,
  sendReinviteAction,
  reuseMlineAction,
  closeUnusedMlineAction,
  sendByeAction,
  indicateTransferFailedAction,
  interruptSendAction,
  answerRecvonlyAction,
  answerSendonlyAction,
  echoFileSelectorAction,
  echoFileTransferIdAction,
  rejectMlineAction,
  keepTransferAction,
  closeTransferAction,
  takeAsNewOfferAction,
  verifyFileHashAction,
]);
