// Vocabulary action `apply-rfc5547` (sender): Build the offer with the RFC 5547 offer/answer rules for file transfer.
import { defineAction } from '../define.ts';
import { scenarioVictim } from '../../../testing/conformance/scenario-setup.ts';
import { first } from '../../../testing/conformance/sender-outcome-queries.ts';
import { finalResponseTo, mlinesOf, offeredNames, selectorName, senderSendsOf } from '../../../testing/conformance/wire-queries.ts';

export const applyRfc5547Action = defineAction({
  name: 'apply-rfc5547',
  role: 'sender',
  args: 'none',
  summary: 'Build the offer with the RFC 5547 offer/answer rules for file transfer.',
  api: null,
  executor: { 'set-up': 'rfc5547' },
  // A compliant peer always echoes the file-selector, so the answer rules would never show: the
  // peer of a test that expects this action leaves the echo out for the first file.
  observe: (setup) => {
    setup.script = { ...setup.script, omitSelectorEcho: [scenarioVictim] };
  },
  wire: {
    // RFC 5547 §8.1 / RFC 4975 §8.1: a pushed file is offered as `m=message <port> TCP/MSRP *`,
    // send-only, with the offerer's MSRP a=path; and the file then goes over MSRP to the answerer,
    // unless the answer broke RFC 5547 §8 for it (its file-selector not repeated): then it is not sent.
    present: (o) => {
      const invite = first(o);
      if (invite === undefined) return ['RFC 5547: no INVITE was sent'];
      if (mlinesOf(invite).length === 0) return ['RFC 5547: the INVITE offered no m-line'];
      const answer = finalResponseTo(o.record, invite);
      const unechoed = new Set(
        mlinesOf(answer).filter((m) => m.port !== 0 && m.fileSelector === undefined).map((m) => selectorName(mlinesOf(invite)[m.index]?.fileSelector) ?? ''),
      );
      const problems: string[] = [];
      if (unechoed.size === 0) problems.push('RFC 5547: the peer repeated every file-selector, so the answer rules were never put to the test');
      for (const m of mlinesOf(invite)) {
        const at = `RFC 5547: m-line ${m.index}`;
        if (m.media !== 'message') problems.push(`${at}: media ${m.media} is not message`);
        if (!/^TCP\/(TLS\/)?MSRP$/i.test(m.proto)) problems.push(`${at}: proto ${m.proto} is not TCP/MSRP`);
        if (!m.formats.includes('*')) problems.push(`${at}: formats ${m.formats.join(' ')} lack *`);
        if (m.port === 0) problems.push(`${at}: offered with port 0`);
        if (m.direction !== 'sendonly') problems.push(`${at}: direction ${m.direction} is not sendonly`);
        if (!m.path.some((p) => /^msrps?:\/\//i.test(p))) problems.push(`${at}: no MSRP a=path`);
      }
      for (const name of offeredNames(invite)) {
        const sent = senderSendsOf(o.record, name).length > 0;
        if (unechoed.has(name) && sent) problems.push(`RFC 5547 §8: the answer did not repeat the file-selector of ${name}, yet the file was sent over MSRP`);
        if (!unechoed.has(name) && !sent) problems.push(`RFC 5547: file ${name} was never sent over MSRP`);
      }
      return problems;
    },
    absent: (o) => (mlinesOf(first(o)).some((m) => m.media === 'message') ? ['RFC 5547 must not apply, but the offer has m=message lines'] : []),
  },
});
