// Vocabulary action `indicate-transfer-failed` (sender): Tell the user that the file transfer failed, with the cause.
import { defineAction } from '../define.ts';

export const indicateTransferFailedAction = defineAction({
  name: 'indicate-transfer-failed',
  role: 'sender',
  args: 'none',
  summary: 'Tell the user that the file transfer failed, with the cause.',
  api: 'OutgoingTransfer\'s \'file-failed\' event',
  executor: { 'file-failed': 'indicate' },
  wire: {
    // Clause 7.6.1 step 5: the user hears which file failed and why (the MSRP status or the REPORT's).
    present: (o) => {
      const injected = o.injectedFailure;
      if (injected === undefined) return ['transfer failed: the scenario injected no failure'];
      const event = o.failures.find((f) => f.name === injected.file);
      if (event === undefined) return [`transfer failed: no 'file-failed' event names ${injected.file}`];
      return event.status === injected.status ? [] : [`transfer failed: 'file-failed' for ${injected.file} gives status ${event.status ?? '(none)'}, not ${injected.status}`];
    },
    absent: (o) => o.failures.map((f) => `no failure may be indicated, but ${f.name} failed (${f.status ?? f.source})`),
  },
});
