// Vocabulary action `add-file-attributes` (sender): Put the RFC 5547 file attributes (file-selector, file-transfer-id, ...) on each file m-line.
import { defineAction } from '../define.ts';
import { first } from '../../../testing/conformance/sender-outcome-queries.ts';
import { mlinesOf, selectorName, selectorPart } from '../../../testing/conformance/wire-queries.ts';

export const addFileAttributesAction = defineAction({
  name: 'add-file-attributes',
  role: 'sender',
  args: 'none',
  summary: 'Put the RFC 5547 file attributes (file-selector, file-transfer-id, ...) on each file m-line.',
  api: null,
  executor: { 'set-up': 'fileAttributes' },
  wire: {
    // RFC 5547 §5 / §6: each file m-line describes its file (file-selector with name, type, size and
    // hash) and names the transfer (file-transfer-id), with the send-only direction of a push.
    present: (o) => {
      const invite = first(o);
      if (invite === undefined) return ['file attributes: no INVITE was sent'];
      const problems: string[] = [];
      const open = mlinesOf(invite).filter((m) => m.port !== 0);
      if (open.length === 0) problems.push('file attributes: no open m-line in the offer');
      for (const m of open) {
        const at = `file attributes: m-line ${m.index}`;
        if (m.fileSelector === undefined) {
          problems.push(`${at}: no a=file-selector`);
          continue;
        }
        for (const key of ['name', 'type', 'size', 'hash']) if (selectorPart(m.fileSelector, key) === undefined) problems.push(`${at}: file-selector lacks ${key}`);
        const name = selectorName(m.fileSelector);
        const file = o.batch.find((f) => f.name === name);
        if (file === undefined) problems.push(`${at}: file-selector names ${name ?? '(nothing)'}, not a file of the batch`);
        else if (selectorPart(m.fileSelector, 'size') !== String(file.size)) problems.push(`${at}: file-selector size ${selectorPart(m.fileSelector, 'size') ?? '-'} is not ${file.size}`);
        if (!/^sha-1:([0-9A-F]{2}:){19}[0-9A-F]{2}$/.test(selectorPart(m.fileSelector, 'hash') ?? '')) problems.push(`${at}: file-selector hash is not sha-1 with 20 hex pairs`);
        if (m.fileTransferId === undefined || m.fileTransferId === '') problems.push(`${at}: no a=file-transfer-id`);
        if (m.direction !== 'sendonly') problems.push(`${at}: not a=sendonly`);
        if (m.path.length === 0) problems.push(`${at}: no a=path`);
      }
      return problems;
    },
    absent: (o) => (mlinesOf(first(o)).some((m) => m.fileSelector !== undefined) ? ['file attributes must not be added, but the offer has a=file-selector'] : []),
  },
});
