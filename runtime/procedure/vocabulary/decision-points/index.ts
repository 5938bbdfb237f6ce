// Every decision point MAY / SHOULD rules can name. A new point: its file here and its line below.
import { byName } from '../define.ts';
import { acceptFilePoint } from './accept-file.ts';
import { checkPendingFilesPoint } from './check-pending-files.ts';

export const decisionPointEntries = byName([
  checkPendingFilesPoint,
  acceptFilePoint,
]);
