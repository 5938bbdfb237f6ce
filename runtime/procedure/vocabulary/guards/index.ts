// Every guard fact rules can test, in the order the tables list them. A new fact: its file here and its line below.
import { byName } from '../define.ts';
import { fileFoundGuard } from './file-found.ts';
import { groupSessionGuard } from './group-session.ts';
import { moreThanOneFileGuard } from './more-than-one-file.ts';
import { offerSendonlyGuard } from './offer-sendonly.ts';
import { oneRecipientGuard } from './one-recipient.ts';
import { oneToOneSessionGuard } from './one-to-one-session.ts';
import { pendingFilesSameDestinationGuard } from './pending-files-same-destination.ts';
import { portZeroGuard } from './port-zero.ts';
import { predefinedGroupGuard } from './predefined-group.ts';
import { recipientListGuard } from './recipient-list.ts';
import { selectorHasHashGuard } from './selector-has-hash.ts';
import { successReportRequestedGuard } from './success-report-requested.ts';
import { transferIdChangedGuard } from './transfer-id-changed.ts';
import { unusedMlinesGuard } from './unused-mlines.ts';
import { wantsMlineReuseGuard } from './wants-mline-reuse.ts';

export const guardEntries = byName([
  oneRecipientGuard,
  recipientListGuard,
  predefinedGroupGuard,
  oneToOneSessionGuard,
  groupSessionGuard,
  moreThanOneFileGuard,
  successReportRequestedGuard,
  pendingFilesSameDestinationGuard,
  wantsMlineReuseGuard,
  unusedMlinesGuard,
  offerSendonlyGuard,
  fileFoundGuard,
  portZeroGuard,
  transferIdChangedGuard,
  selectorHasHashGuard,
]);
