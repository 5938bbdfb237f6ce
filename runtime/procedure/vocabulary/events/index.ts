// Every event rules can trigger on, in the order the tables list them. A new event: its file here and its line below.
import { byName } from '../define.ts';
import { failureReportReceivedEvent } from './failure-report-received.ts';
import { fileDataCompleteEvent } from './file-data-complete.ts';
import { fileOfferReceivedEvent } from './file-offer-received.ts';
import { lastSendAcknowledgedEvent } from './last-send-acknowledged.ts';
import { mlineReofferedEvent } from './mline-reoffered.ts';
import { msrpErrorResponseEvent } from './msrp-error-response.ts';
import { pullOfferReceivedEvent } from './pull-offer-received.ts';
import { sendFilesRequestedEvent } from './send-files-requested.ts';
import { successReportReceivedEvent } from './success-report-received.ts';
import { transferCancelledEvent } from './transfer-cancelled.ts';
import { transferCompleteEvent } from './transfer-complete.ts';

export const eventEntries = byName([
  sendFilesRequestedEvent,
  lastSendAcknowledgedEvent,
  successReportReceivedEvent,
  msrpErrorResponseEvent,
  failureReportReceivedEvent,
  transferCompleteEvent,
  transferCancelledEvent,
  fileOfferReceivedEvent,
  pullOfferReceivedEvent,
  mlineReofferedEvent,
  fileDataCompleteEvent,
]);
